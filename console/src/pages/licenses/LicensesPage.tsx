import { Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { License, LicenseCreate } from '../../../../src/contract/partner.ts';
import { createLicense, deleteLicense, licenseKeys, licensesQuery, updateLicense } from '../../api/licenses.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { QueryError } from '../../components/QueryError.tsx';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { useProject } from '../../lib/project-context.ts';
import { LicenseDialog } from './LicenseDialog.tsx';

export function LicensesPage() {
  const { project, can } = useProject();
  const queryClient = useQueryClient();
  const licenses = useQuery(licensesQuery(project.id));
  const [editing, setEditing] = useState<License | 'new' | null>(null);
  const [deleting, setDeleting] = useState<License | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: licenseKeys.all(project.id) });
  const save = useMutation({
    mutationFn: (body: LicenseCreate) =>
      editing && editing !== 'new' ? updateLicense(project.id, editing.id, body) : createLicense(project.id, body),
    onSuccess: (l) => {
      notifySuccess(`License ${l.name} saved`);
      setEditing(null);
      return refresh();
    },
    onError: notifyError,
  });
  const remove = useMutation({
    mutationFn: (l: License) => deleteLicense(project.id, l.id),
    onSuccess: (_r, l) => {
      notifySuccess(`License ${l.name} deleted`);
      setDeleting(null);
      return refresh();
    },
    onError: notifyError,
  });
  const canWrite = can('licenses.write');

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={2}>Licenses</Title>
        {canWrite && <Button onClick={() => setEditing('new')}>New license</Button>}
      </Group>
      {licenses.isError && <QueryError error={licenses.error} />}
      <DataTable minWidth={600} testId="licenses-table" columns={['ID', 'Name', 'Devices limit', 'Sessions limit', 'Users', canWrite && <Table.Th />]}>
        {(licenses.data ?? []).map((l) => (
          <Table.Tr key={l.id} data-license-id={l.id}>
            <Table.Td>{l.id}</Table.Td>
            <Table.Td>
              {l.name}{' '}
              {l.is_default && (
                <Badge size="xs" variant="light">
                  default
                </Badge>
              )}
            </Table.Td>
            <Table.Td>{l.devices_limit || 'No limit'}</Table.Td>
            <Table.Td>{l.sessions_limit || 'No limit'}</Table.Td>
            <Table.Td>{l.users}</Table.Td>
            {canWrite && (
              <Table.Td>
                <Group gap={4} wrap="nowrap" justify="flex-end">
                  <Button size="xs" variant="default" onClick={() => setEditing(l)}>
                    Edit
                  </Button>
                  <Button size="xs" color="red" variant="light" onClick={() => setDeleting(l)}>
                    Delete
                  </Button>
                </Group>
              </Table.Td>
            )}
          </Table.Tr>
        ))}
      </DataTable>
      <LicenseDialog
        opened={editing !== null}
        onClose={() => setEditing(null)}
        license={editing === 'new' ? null : editing}
        saving={save.isPending}
        onSave={(body) => save.mutate(body)}
      />
      <ConfirmDialog
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title="Delete license"
        confirmLabel="Delete license"
        loading={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting)}
      >
        <Text size="sm">
          Delete license <b>{deleting?.name}</b>? {deleting && deleting.users > 0 ? `${deleting.users} user(s) hold it.` : ''}
        </Text>
      </ConfirmDialog>
    </Stack>
  );
}
