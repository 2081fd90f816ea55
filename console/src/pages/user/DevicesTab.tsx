import { Badge, Button, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { Device } from '../../../../src/contract/partner.ts';
import { deleteDevice, devicesQuery } from '../../api/devices.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { QueryError } from '../../components/QueryError.tsx';
import { SecretText } from '../../components/SecretText.tsx';
import { formatTime } from '../../lib/time.ts';
import { useProject } from '../../lib/project-context.ts';
import { useUserAction } from './use-user-action.ts';

const TYPE_LABEL: Record<Device['type'], string> = {
  android: 'Android',
  ios: 'iOS',
  macos: 'macOS',
  windows: 'Windows',
  linux: 'Linux',
  other: 'Other',
};

/** The user's devices; deleting one frees its slot and keeps its sessions in history. */
export function DevicesTab({ userId }: { userId: number }) {
  const { project, can } = useProject();
  const devices = useQuery(devicesQuery(project.id, userId));
  const [target, setTarget] = useState<Device | null>(null);
  const action = useUserAction((d: Device) => deleteDevice(project.id, userId, d.id), (d) => `Device ${d.id} deleted`);
  const canDelete = can('devices.delete');

  if (devices.isError) return <QueryError error={devices.error} />;
  const rows = devices.data ?? [];
  return (
    <Stack gap="sm">
      <DataTable
        minWidth={820}
        testId="devices-table"
        columns={['Device ID', 'Access Token', 'Name', 'Device Type', 'Registration Time', canDelete && <Table.Th />]}
        empty={rows.length === 0 && !devices.isPending && 'No devices'}
        emptyColSpan={6}
      >
        {rows.map((d) => (
          <Table.Tr key={d.id} data-device-id={d.id}>
            <Table.Td>
              <Text size="sm">{d.id}</Text>
              <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }} title="Device id sent by the app">
                {d.device_id}
              </Text>
            </Table.Td>
            <Table.Td>
              {d.access_token ? <SecretText value={d.access_token} label={`access token of device ${d.id}`} /> : <Text size="sm" c="dimmed">Logged out</Text>}
            </Table.Td>
            <Table.Td>
              {d.name}
              {d.active_sessions > 0 && (
                <Badge ml="xs" size="xs" color="teal">
                  online
                </Badge>
              )}
            </Table.Td>
            <Table.Td>{TYPE_LABEL[d.type]}</Table.Td>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatTime(d.registered_at)}</Table.Td>
            {canDelete && (
              <Table.Td>
                <Button size="xs" color="red" variant="light" onClick={() => setTarget(d)}>
                  Delete
                </Button>
              </Table.Td>
            )}
          </Table.Tr>
        ))}
      </DataTable>
      <ConfirmDialog
        opened={target !== null}
        onClose={() => setTarget(null)}
        title="Delete device"
        confirmLabel="Delete device"
        loading={action.isPending}
        onConfirm={() => target && action.mutate(target, { onSuccess: () => setTarget(null) })}
      >
        Delete device <b>{target?.name || target?.device_id}</b> (ID {target?.id})? Its slot is freed, its token stops working and its
        active sessions are cut. Its sessions stay in the user&apos;s history.
      </ConfirmDialog>
    </Stack>
  );
}
