import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api/client.ts';
import type { Purchase } from '../../../../src/contract/purchases.ts';
import { purchasesQuery, setPurchaseActive } from '../../api/purchases.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { JsonDialog } from '../../components/JsonDialog.tsx';
import { QueryError } from '../../components/QueryError.tsx';
import { formatTime } from '../../lib/time.ts';
import { useProject } from '../../lib/project-context.ts';
import { useUserAction } from './use-user-action.ts';

const yesNo = (v: boolean, color: string) => (
  <Badge color={v ? color : 'gray'} variant={v ? 'filled' : 'light'} size="sm">
    {v ? 'Yes' : 'No'}
  </Badge>
);

/** Public projects: the user's store purchases; deactivate an active one or try to activate one. */
export function PurchasesTab({ userId }: { userId: number }) {
  const { project, can } = useProject();
  const purchases = useQuery(purchasesQuery(project.id, userId));
  const [raw, setRaw] = useState<Purchase | null>(null);
  const action = useUserAction(
    async (v: { purchase: Purchase; active: boolean }) => {
      const p = await setPurchaseActive(project.id, userId, v.purchase.id, v.active);
      if (p.active !== v.active) throw new Error(p.verify_error ?? `The purchase is still ${p.active ? 'active' : 'inactive'}`);
    },
    (v) => `Purchase ${v.purchase.transaction_id} ${v.active ? 'activated' : 'deactivated'}`,
  );
  if (purchases.isError) {
    if (purchases.error instanceof ApiError && purchases.error.status === 404) {
      return <Text c="dimmed">Purchases are not available on this server yet.</Text>;
    }
    return <QueryError error={purchases.error} />;
  }
  const rows = purchases.data ?? [];
  const canUpdate = can('purchases.update');
  return (
    <Stack gap="sm">
      <DataTable
        minWidth={980}
        testId="purchases-table"
        columns={['Transaction ID', 'Product ID', 'Type', 'Transaction Time', 'Expiration Time', 'Active', 'Trial', 'Raw Data', canUpdate && <Table.Th />]}
        empty={rows.length === 0 && !purchases.isPending && 'No purchases'}
        emptyColSpan={9}
      >
        {rows.map((p) => (
          <Table.Tr key={p.id} data-purchase-id={p.id}>
            <Table.Td style={{ wordBreak: 'break-all' }}>{p.transaction_id}</Table.Td>
            <Table.Td>{p.product_id}</Table.Td>
            <Table.Td>
              {p.type}
              {p.environment === 'sandbox' && (
                <Badge ml={4} size="xs" color="yellow" variant="light">
                  sandbox
                </Badge>
              )}
            </Table.Td>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatTime(p.transaction_time)}</Table.Td>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatTime(p.expiration_time)}</Table.Td>
            <Table.Td>
              {yesNo(p.active, 'teal')}
              {p.verify_error && (
                <Text size="xs" c="dimmed" maw={220}>
                  {p.verify_error}
                </Text>
              )}
            </Table.Td>
            <Table.Td>{yesNo(p.trial, 'blue')}</Table.Td>
            <Table.Td>
              <Button size="compact-xs" variant="subtle" onClick={() => setRaw(p)}>
                View JSON
              </Button>
            </Table.Td>
            {canUpdate && (
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  {p.active ? (
                    <Button size="xs" color="orange" variant="light" loading={action.isPending && action.variables?.purchase.id === p.id} onClick={() => action.mutate({ purchase: p, active: false })}>
                      Disable purchase
                    </Button>
                  ) : (
                    <Button size="xs" variant="light" loading={action.isPending && action.variables?.purchase.id === p.id} onClick={() => action.mutate({ purchase: p, active: true })}>
                      Activate purchase
                    </Button>
                  )}
                </Group>
              </Table.Td>
            )}
          </Table.Tr>
        ))}
      </DataTable>
      <JsonDialog opened={raw !== null} onClose={() => setRaw(null)} title={`Raw data · ${raw?.transaction_id ?? ''}`} value={raw?.raw_data} />
    </Stack>
  );
}
