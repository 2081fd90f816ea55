import { Button, Group, Stack, Table, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { auditQuery } from '../../api/audit.ts';
import { CursorPager } from '../../components/CursorPager.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { JsonDialog } from '../../components/JsonDialog.tsx';
import { QueryError } from '../../components/QueryError.tsx';
import { formatTime } from '../../lib/time.ts';
import { useProject } from '../../lib/project-context.ts';
import { useCursorPages } from '../../lib/use-cursor-pages.ts';

type Entry = { id: number; before: unknown; after: unknown; action: string };

/** The project's audit log: who changed what, with before/after. */
export function AuditPage() {
  const { project } = useProject();
  const [objectType, setObjectType] = useState('');
  const [objectId, setObjectId] = useState('');
  const pages = useCursorPages(`${objectType}|${objectId}`);
  const log = useQuery(
    auditQuery(project.id, {
      ...(objectType ? { object_type: objectType } : {}),
      ...(objectId ? { object_id: objectId } : {}),
      ...(pages.cursor ? { cursor: pages.cursor } : {}),
      limit: 50,
    }),
  );
  const [shown, setShown] = useState<Entry | null>(null);
  return (
    <Stack gap="sm">
      <Title order={2}>Log</Title>
      <Group gap="xs">
        <TextInput aria-label="Object type" placeholder="Object type (e.g. subscriber)" value={objectType} onChange={(e) => setObjectType(e.currentTarget.value.trim())} w={220} />
        <TextInput aria-label="Object ID" placeholder="Object ID" value={objectId} onChange={(e) => setObjectId(e.currentTarget.value.trim())} w={160} />
      </Group>
      {log.isError && <QueryError error={log.error} />}
      <DataTable
        minWidth={760}
        testId="audit-table"
        columns={['Time', 'Author', 'Action', 'Object', 'Change']}
        empty={log.data?.entries.length === 0 && 'No entries'}
        emptyColSpan={5}
      >
        {(log.data?.entries ?? []).map((e) => (
          <Table.Tr key={e.id}>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatTime(e.at)}</Table.Td>
            <Table.Td>{e.author}</Table.Td>
            <Table.Td>{e.action}</Table.Td>
            <Table.Td>
              {e.object_type} {e.object_id}
            </Table.Td>
            <Table.Td>
              <Button size="compact-xs" variant="subtle" onClick={() => setShown(e)}>
                Before / after
              </Button>
            </Table.Td>
          </Table.Tr>
        ))}
      </DataTable>
      <CursorPager page={pages.page} hasPrevious={pages.hasPrevious} nextCursor={log.data?.next_cursor} onPrevious={pages.previous} onNext={pages.next} />
      <JsonDialog opened={shown !== null} onClose={() => setShown(null)} title={shown?.action ?? ''} value={{ before: shown?.before, after: shown?.after }} />
    </Stack>
  );
}
