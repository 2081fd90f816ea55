import { Group, Switch, Text } from '@mantine/core';
import type { Subscriber } from '../../../../src/contract/partner.ts';
import { updateSubscriber } from '../../api/subscribers.ts';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { useProject } from '../../lib/project-context.ts';
import { useUserAction } from './use-user-action.ts';

/** On = active (or invited, never logged in), off = disabled. */
export function StatusField({ user }: { user: Subscriber }) {
  const { project, can } = useProject();
  const action = useUserAction(
    (status: 'active' | 'disabled') => updateSubscriber(project.id, user.id, { status }),
    (s) => (s === 'disabled' ? 'User disabled' : 'User enabled'),
  );
  const enabled = user.status !== 'disabled';
  return (
    <Group gap="sm">
      <StatusBadge status={user.status} />
      {can('users.update') && (
        <Switch
          label={enabled ? 'Enabled' : 'Disabled'}
          checked={enabled}
          disabled={action.isPending}
          onChange={(e) => action.mutate(e.currentTarget.checked ? 'active' : 'disabled')}
          data-testid="status-switch"
        />
      )}
      {user.status === 'invited' && (
        <Text size="xs" c="dimmed">
          Registered, has not logged in yet
        </Text>
      )}
    </Group>
  );
}
