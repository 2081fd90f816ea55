import { Badge, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import type { SessionSortColumn } from '../../../../src/contract/enums.ts';
import { userSessionsQuery } from '../../api/sessions.ts';
import { CursorPager } from '../../components/CursorPager.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { QueryError } from '../../components/QueryError.tsx';
import { SessionCells } from '../../components/SessionCells.tsx';
import { SortableTh } from '../../components/SortableTh.tsx';
import { formatTime } from '../../lib/time.ts';
import { useProject } from '../../lib/project-context.ts';
import { useCursorPages } from '../../lib/use-cursor-pages.ts';
import { filtersFrom, toQuery, windowError, type SessionFilters } from './session-filters.ts';
import { SessionFiltersBar } from './SessionFiltersBar.tsx';

const PAGE_SIZE = 50;
const COLUMNS: [SessionSortColumn, string][] = [
  ['device_id', 'Device ID'],
  ['server', 'Server'],
  ['location', 'Location'],
  ['start_time', 'Start time'],
  ['end_time', 'End time'],
  ['internal_ip', 'Internal IP'],
  ['download', 'Download'],
  ['upload', 'Upload'],
];
const TEXT_COLUMNS = new Set<SessionSortColumn>(['server', 'location', 'internal_ip']);

/** The user's sessions: active ones first (server order), sortable by any column, device + window filter. */
export function SessionsTab({ userId }: { userId: number }) {
  const { project } = useProject();
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const filterKey = JSON.stringify(filters);
  const pages = useCursorPages(filterKey);
  const invalid = windowError(filters);
  const sessions = useQuery({
    ...userSessionsQuery(project.id, userId, toQuery(filters, pages.cursor, PAGE_SIZE)),
    enabled: !invalid,
  });

  const update = (patch: Partial<SessionFilters>) => {
    const f = { ...filters, ...patch };
    const next = new URLSearchParams();
    if (f.deviceId) next.set('device', String(f.deviceId));
    if (f.from) next.set('from', f.from);
    if (f.to) next.set('to', f.to);
    if (f.sort) {
      next.set('sort', f.sort);
      next.set('order', f.order);
    }
    setParams(next, { replace: true });
  };
  const onSort = (column: SessionSortColumn) =>
    update(
      filters.sort === column
        ? { order: filters.order === 'asc' ? 'desc' : 'asc' }
        : { sort: column, order: TEXT_COLUMNS.has(column) ? 'asc' : 'desc' },
    );

  const rows = sessions.data?.sessions ?? [];
  const window = sessions.data?.window;
  return (
    <Stack gap="sm">
      <SessionFiltersBar userId={userId} value={filters} onChange={update} />
      {window && !invalid && (
        <Text size="xs" c="dimmed" data-testid="session-window">
          Showing {formatTime(window.start)} – {formatTime(window.end)}
        </Text>
      )}
      {sessions.isError && <QueryError error={sessions.error} />}
      <DataTable
        minWidth={980}
        testId="sessions-table"
        highlightOnHover
        columns={COLUMNS.map(([c, label]) => (
          <SortableTh key={c} column={c} sort={filters.sort} order={filters.order} onSort={onSort}>
            {label}
          </SortableTh>
        ))}
        empty={rows.length === 0 && (invalid || !sessions.isPending) && (invalid ? 'Fix the time window to see sessions' : 'No sessions in this window')}
        emptyColSpan={8}
      >
        {rows.map((s) => (
          <Table.Tr key={s.id} data-active={s.active || undefined} bg={s.active ? 'var(--mantine-color-teal-light)' : undefined}>
            <SessionCells
              session={s}
              end={
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {s.active ? (
                    <Badge color="teal" size="sm">
                      Active
                    </Badge>
                  ) : (
                    <span title={s.end_reason ?? undefined}>{formatTime(s.end_time)}</span>
                  )}
                </Table.Td>
              }
            />
          </Table.Tr>
        ))}
      </DataTable>
      <CursorPager page={pages.page} hasPrevious={pages.hasPrevious} nextCursor={sessions.data?.next_cursor} onPrevious={pages.previous} onNext={pages.next} />
    </Stack>
  );
}
