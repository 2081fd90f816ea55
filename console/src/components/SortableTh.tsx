import { Table, UnstyledButton } from '@mantine/core';
import type { ReactNode } from 'react';

interface Props<C extends string> {
  column: C;
  sort: C | undefined;
  order: 'asc' | 'desc';
  onSort: (column: C) => void;
  children: ReactNode;
}

/** A header cell that sorts by its column (server-side); click again to flip the order. */
export function SortableTh<C extends string>({ column, sort, order, onSort, children }: Props<C>) {
  const active = sort === column;
  return (
    <Table.Th aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <UnstyledButton onClick={() => onSort(column)} fw={600} fz="sm" style={{ whiteSpace: 'nowrap' }}>
        {children} {active ? (order === 'asc' ? '▲' : '▼') : '↕'}
      </UnstyledButton>
    </Table.Th>
  );
}
