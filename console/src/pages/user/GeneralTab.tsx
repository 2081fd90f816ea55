import { Badge, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { Subscriber } from '../../../../src/contract/partner.ts';
import { formatTime } from '../../lib/time.ts';
import { useProject } from '../../lib/project-context.ts';
import { FieldRow } from './FieldRow.tsx';
import { LicenseField } from './LicenseField.tsx';
import { ProfileForm } from './ProfileForm.tsx';
import { StatusField } from './StatusField.tsx';
import { TrafficChart } from './TrafficChart.tsx';
import { TrafficField } from './TrafficField.tsx';

/** Every field of the seed's General tab, each editable one with its action. */
export function GeneralTab({ user }: { user: Subscriber }) {
  const { project } = useProject();
  const devicesLimit = user.license.devices_limit;
  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <Paper withBorder p="md">
          <FieldRow label="User ID" testId="field-id">
            <Text size="sm">{user.id}</Text>
          </FieldRow>
          <FieldRow label="Traffic" testId="field-traffic">
            <TrafficField user={user} />
          </FieldRow>
          <FieldRow label="License" testId="field-license">
            <LicenseField user={user} />
          </FieldRow>
          <FieldRow label="Activated devices" testId="field-devices">
            <Text size="sm">
              {user.activated_devices}
              {devicesLimit > 0 ? ` of ${devicesLimit}` : ' (no limit)'}
              {user.active_sessions > 0 ? ` · ${user.active_sessions} active session(s)` : ''}
            </Text>
          </FieldRow>
          <FieldRow label="Status" testId="field-status">
            <StatusField user={user} />
          </FieldRow>
          <FieldRow label="Registration time" testId="field-registered">
            <Text size="sm">{formatTime(user.registered_at)}</Text>
          </FieldRow>
          <FieldRow label="Last connection" testId="field-last-connection">
            <Text size="sm">{formatTime(user.last_connection_at) || 'Never'}</Text>
          </FieldRow>
          {project.type === 'public' && (
            <FieldRow label="Purchases" testId="field-purchases">
              {user.purchase === 'active' ? <Badge color="grape">Active</Badge> : <Text size="sm" c="dimmed">None</Text>}
            </FieldRow>
          )}
          <FieldRow label="Auth method" testId="field-auth-method">
            <Text size="sm">{user.auth_method}</Text>
          </FieldRow>
        </Paper>
        <Paper withBorder p="md">
          <ProfileForm user={user} />
        </Paper>
      </SimpleGrid>
      <Paper withBorder p="md">
        <Title order={4} mb="sm">
          Traffic, last 30 days
        </Title>
        <TrafficChart userId={user.id} />
      </Paper>
    </Stack>
  );
}
