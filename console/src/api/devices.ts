import { queryOptions } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type { Device, DevicesReply } from '../../../src/contract/partner.ts';
import { del, get, projectPath } from './client.ts';
import { subscriberKeys } from './subscribers.ts';

export const devicesQuery = (projectId: string, id: number) =>
  queryOptions({
    queryKey: [...subscriberKeys.one(projectId, id), 'devices'] as const,
    queryFn: async (): Promise<Device[]> =>
      (await get<Static<typeof DevicesReply>>(projectPath(projectId, `subscribers/${id}/devices`))).devices,
  });

export const deleteDevice = (projectId: string, id: number, deviceId: number) =>
  del<unknown>(projectPath(projectId, `subscribers/${id}/devices/${deviceId}`));
