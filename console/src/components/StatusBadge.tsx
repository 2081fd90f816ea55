import { Badge } from '@mantine/core';
import type { UserStatus } from '../../../src/contract/enums.ts';

const LOOK: Record<UserStatus, { color: string; label: string }> = {
  invited: { color: 'blue', label: 'Invited' },
  active: { color: 'teal', label: 'Active' },
  disabled: { color: 'red', label: 'Disabled' },
};

export function StatusBadge({ status }: { status: UserStatus }) {
  const look = LOOK[status];
  return (
    <Badge color={look.color} variant="light" data-testid="status-badge">
      {look.label}
    </Badge>
  );
}
