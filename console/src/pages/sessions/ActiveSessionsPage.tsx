import { Alert, Badge, Group, Pagination, Stack, Table, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { activeSessionsQuery } from '../../api/sessions.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { QueryError } from '../../components/QueryError.tsx';
import { SessionCells } from '../../components/SessionCells.tsx';
import { useProject } from '../../lib/project-context.ts';

const CAP = 5000;
const PAGE = 100;

/** Project-wide active sessions, newest first, capped at 5,000; a row opens its User page. */
export function ActiveSessionsPage() {
  const { project } = useProject();
  const navigate = useNavigate();
  const sessions = useQuery(activeSessionsQuery(project.id, CAP));
  const [page, setPage] = useState(1);
  const [filter, setFilter] = useState('');
  const rows = useMemo(() => {
    const all = [...(sessions.data?.sessions ?? [])].sort((a, b) => b.start_time.localeCompare(a.start_time));
    const f = filter.trim().toLowerCase();
    if (!f) return all;
    return all.filter((s) =>
      [String(s.user_id), String(s.device_id), s.server, s.location, s.internal_ip].some((v) => v.toLowerCase().includes(f)),
    );
  }, [sessions.data, filter]);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  const current = Math.min(page, pages);
  const shown = rows.slice((current - 1) * PAGE, current * PAGE);

  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="wrap">
        <Group gap="xs">
          <Title order={2}>Active sessions</Title>
          {sessions.data && <Badge variant="light" data-testid="active-count">{sessions.data.sessions.length}</Badge>}
        </Group>
        <TextInput
          aria-label="Filter"
          placeholder="Filter by user, device, server, IP"
          value={filter}
          onChange={(e) => {
            setFilter(e.currentTarget.value);
            setPage(1);
          }}
          w={{ base: '100%', xs: 280 }}
        />
      </Group>
      {sessions.data?.capped && (
        <Alert color="yellow">Showing the newest {CAP.toLocaleString()} active sessions only.</Alert>
      )}
      {sessions.isError && <QueryError error={sessions.error} />}
      <DataTable
        minWidth={900}
        testId="active-sessions-table"
        highlightOnHover
        columns={['User ID', 'Device ID', 'Server', 'Location', 'Start time', 'Internal IP', 'Download', 'Upload']}
        empty={shown.length === 0 && !sessions.isPending && 'No active sessions'}
        emptyColSpan={8}
      >
        {shown.map((s) => (
          <Table.Tr
            key={s.id}
            style={{ cursor: 'pointer' }}
            tabIndex={0}
            onClick={() => navigate(`/projects/${encodeURIComponent(project.id)}/users/${s.user_id}`)}
            onKeyDown={(e) => e.key === 'Enter' && navigate(`/projects/${encodeURIComponent(project.id)}/users/${s.user_id}`)}
            data-user-id={s.user_id}
          >
            <Table.Td>{s.user_id}</Table.Td>
            <SessionCells session={s} />
          </Table.Tr>
        ))}
      </DataTable>
      {pages > 1 && <Pagination value={current} onChange={setPage} total={pages} size="sm" />}
    </Stack>
  );
}
