import { Button, Group, Select, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { USER_SEARCH_KEYS, type UserSearchKey, type UserStatus } from '../../../../src/contract/enums.ts';
import type { SubscribersQuery } from '../../../../src/contract/partner.ts';
import { subscribersQuery } from '../../api/subscribers.ts';
import { CursorPager } from '../../components/CursorPager.tsx';
import { QueryError } from '../../components/QueryError.tsx';
import { useProject } from '../../lib/project-context.ts';
import { useCursorPages } from '../../lib/use-cursor-pages.ts';
import { AddUserDialog } from './AddUserDialog.tsx';
import { BulkUpdateDialog } from './BulkUpdateDialog.tsx';
import { CsvImportDialog } from './CsvImportDialog.tsx';
import { UserSearch, type Search } from './UserSearch.tsx';
import { UsersTable } from './UsersTable.tsx';

const PAGE_SIZE = 50;

export function UsersPage() {
  const { project, can } = useProject();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const byParam = params.get('search_by');
  const search: Search = {
    by: USER_SEARCH_KEYS.includes(byParam as UserSearchKey) ? (byParam as UserSearchKey) : 'name',
    q: params.get('q') ?? '',
  };
  const status = (params.get('status') as UserStatus | null) ?? undefined;
  const pages = useCursorPages(`${search.by}|${search.q}|${status ?? ''}`);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [addOpened, addDialog] = useDisclosure();
  const [bulkOpened, bulkDialog] = useDisclosure();
  const [csvOpened, csvDialog] = useDisclosure();
  const isPrivate = project.type === 'private';

  const query: SubscribersQuery = useMemo(
    () => ({
      ...(search.q ? { search_by: search.by, q: search.q } : {}),
      ...(status ? { status } : {}),
      ...(pages.cursor ? { cursor: pages.cursor } : {}),
      limit: PAGE_SIZE,
    }),
    [search.by, search.q, status, pages.cursor],
  );
  const list = useQuery(subscribersQuery(project.id, query));
  const users = list.data?.subscribers ?? [];

  const setFilter = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };

  const toggle = (id: number) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const setAll = (on: boolean) =>
    setSelected((s) => {
      const n = new Set(s);
      for (const u of users) {
        if (on) n.add(u.id);
        else n.delete(u.id);
      }
      return n;
    });

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={2}>Users</Title>
        {isPrivate && can('users.create') && (
          <Group gap="xs">
            <Button variant="default" onClick={csvDialog.open}>
              Upload CSV
            </Button>
            <Button onClick={addDialog.open}>Add user</Button>
          </Group>
        )}
      </Group>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
        <UserSearch value={search} onSearch={(s) => setFilter({ search_by: s.q ? s.by : undefined, q: s.q || undefined })} />
        <Select
          aria-label="Status filter"
          placeholder="Any status"
          data={[
            { value: 'invited', label: 'Invited' },
            { value: 'active', label: 'Active' },
            { value: 'disabled', label: 'Disabled' },
          ]}
          value={status ?? null}
          onChange={(v) => setFilter({ status: v ?? undefined })}
          clearable
          w={150}
        />
      </Group>
      {isPrivate && can('users.update') && selected.size > 0 && (
        <Group gap="xs" data-testid="selection-bar">
          <Text size="sm">{selected.size} selected</Text>
          <Button size="xs" onClick={bulkDialog.open}>
            Update selected
          </Button>
          <Button size="xs" variant="subtle" onClick={() => setSelected(new Set())}>
            Clear selection
          </Button>
        </Group>
      )}
      {list.isError ? (
        <QueryError error={list.error} />
      ) : (
        <UsersTable
          users={users}
          showPurchases={project.type === 'public'}
          selection={isPrivate && can('users.update') ? { selected, toggle, setAll } : undefined}
          onOpen={(id) => navigate(`/projects/${encodeURIComponent(project.id)}/users/${id}`)}
        />
      )}
      {list.isPending && <Text c="dimmed">Loading…</Text>}
      <CursorPager
        page={pages.page}
        hasPrevious={pages.hasPrevious}
        nextCursor={list.data?.next_cursor}
        onPrevious={pages.previous}
        onNext={pages.next}
      />
      <AddUserDialog opened={addOpened} onClose={addDialog.close} />
      <BulkUpdateDialog
        opened={bulkOpened}
        onClose={bulkDialog.close}
        ids={[...selected]}
        onDone={() => setSelected(new Set())}
      />
      <CsvImportDialog opened={csvOpened} onClose={csvDialog.close} />
    </Stack>
  );
}
