import { Badge, Checkbox, Table, Text } from '@mantine/core';
import type { SubscriberSummary } from '../../../../src/contract/partner.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatTime } from '../../lib/time.ts';

interface Props {
  users: SubscriberSummary[];
  showPurchases: boolean;
  /** Present only when rows can be selected (private projects). */
  selection?: { selected: Set<number>; toggle: (id: number) => void; setAll: (on: boolean) => void };
  onOpen: (id: number) => void;
}

export function UsersTable({ users, showPurchases, selection, onOpen }: Props) {
  const allOn = selection !== undefined && users.length > 0 && users.every((u) => selection.selected.has(u.id));
  const someOn = selection !== undefined && users.some((u) => selection.selected.has(u.id));
  return (
    <DataTable
      minWidth={860}
      testId="users-table"
      highlightOnHover
      columns={[
        selection && (
          <Table.Th w={40}>
            <Checkbox
              aria-label="Select all on this page"
              checked={allOn}
              indeterminate={someOn && !allOn}
              onChange={(e) => selection.setAll(e.currentTarget.checked)}
            />
          </Table.Th>
        ),
        'ID',
        'Name',
        'Description',
        'Activated devices',
        'Status',
        'Registration time',
        showPurchases && <Table.Th>Purchases</Table.Th>,
      ]}
      empty={users.length === 0 && 'No users found'}
      emptyColSpan={8}
    >
      {users.map((u) => (
        <Table.Tr
          key={u.id}
          onClick={() => onOpen(u.id)}
          style={{ cursor: 'pointer' }}
          data-user-id={u.id}
          tabIndex={0}
          onKeyDown={(e) => e.key === 'Enter' && e.target === e.currentTarget && onOpen(u.id)}
        >
          {selection && (
            <Table.Td onClick={(e) => e.stopPropagation()}>
              <Checkbox aria-label={`Select user ${u.id}`} checked={selection.selected.has(u.id)} onChange={() => selection.toggle(u.id)} />
            </Table.Td>
          )}
          <Table.Td>{u.id}</Table.Td>
          <Table.Td>
            <Text size="sm" style={{ wordBreak: 'break-all' }}>
              {u.name}
            </Text>
          </Table.Td>
          <Table.Td>
            <Text size="sm" lineClamp={2}>
              {u.description}
            </Text>
          </Table.Td>
          <Table.Td>{u.activated_devices}</Table.Td>
          <Table.Td>
            <StatusBadge status={u.status} />
          </Table.Td>
          <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatTime(u.registered_at)}</Table.Td>
          {showPurchases && (
            <Table.Td data-testid="purchase-cell">
              {u.purchase === 'active' ? <Badge color="grape">Active</Badge> : <Text size="sm" c="dimmed">Free</Text>}
            </Table.Td>
          )}
        </Table.Tr>
      ))}
    </DataTable>
  );
}
