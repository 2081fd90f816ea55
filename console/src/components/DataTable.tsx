import { Table, Text } from '@mantine/core';
import { Fragment, type ReactNode } from 'react';

/** The "nothing here" row at the bottom of a table body. */
export function EmptyRow({ colSpan, py = 'md', children }: { colSpan: number; py?: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Td colSpan={colSpan}>
        <Text c="dimmed" ta="center" py={py}>
          {children}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

interface DataTableProps {
  minWidth: number;
  testId: string;
  highlightOnHover?: boolean;
  /** Header cells: a string becomes a plain <Table.Th>, anything else renders as given (false/null render nothing). */
  columns: ReactNode[];
  /** When set (not null/false/undefined), an EmptyRow with this content closes the body. */
  empty?: ReactNode;
  emptyColSpan?: number;
  children: ReactNode;
}

/** The striped, horizontally scrollable table every list page uses. */
export function DataTable({ minWidth, testId, highlightOnHover, columns, empty, emptyColSpan, children }: DataTableProps) {
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table striped highlightOnHover={highlightOnHover} data-testid={testId}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c, i) => (typeof c === 'string' ? <Table.Th key={i}>{c}</Table.Th> : <Fragment key={i}>{c}</Fragment>))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {children}
          {empty !== undefined && empty !== null && empty !== false && <EmptyRow colSpan={emptyColSpan ?? columns.length}>{empty}</EmptyRow>}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
