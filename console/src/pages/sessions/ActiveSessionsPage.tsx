import { Alert, Badge, Group, Pagination, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { activeSessionsQuery } from '../../api/sessions.ts';
import { BytesCell } from '../../components/BytesCell.tsx';
import { QueryError } from '../../components/QueryError.tsx';
import { formatTime } from '../../lib/time.ts';
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
      <Table.ScrollContainer minWidth={900}>
        <Table striped highlightOnHover data-testid="active-sessions-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>User ID</Table.Th>
              <Table.Th>Device ID</Table.Th>
              <Table.Th>Server</Table.Th>
              <Table.Th>Location</Table.Th>
              <Table.Th>Start time</Table.Th>
              <Table.Th>Internal IP</Table.Th>
              <Table.Th>Download</Table.Th>
              <Table.Th>Upload</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
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
                <Table.Td title={s.device_name}>{s.device_id}</Table.Td>
                <Table.Td>{s.server}</Table.Td>
                <Table.Td>{s.location}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatTime(s.start_time)}</Table.Td>
                <Table.Td ff="monospace">{s.internal_ip}</Table.Td>
                <Table.Td>
                  <BytesCell value={s.download} />
                </Table.Td>
                <Table.Td>
                  <BytesCell value={s.upload} />
                </Table.Td>
              </Table.Tr>
            ))}
            {shown.length === 0 && !sessions.isPending && (
              <Table.Tr>
                <Table.Td colSpan={8}>
                  <Text c="dimmed" ta="center" py="md">
                    No active sessions
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {pages > 1 && <Pagination value={current} onChange={setPage} total={pages} size="sm" />}
    </Stack>
  );
}
