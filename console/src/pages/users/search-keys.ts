import type { UserSearchKey } from '../../../../src/contract/enums.ts';

export const SEARCH_KEY_LABELS: Record<UserSearchKey, string> = {
  user_id: 'User ID',
  name: 'User name',
  extref: 'Extref',
  device_id: 'Device ID',
  device_token: 'Device token',
};
