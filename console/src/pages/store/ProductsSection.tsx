import { Alert, Button, Checkbox, CloseButton, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client.ts';
import { licensesQuery } from '../../api/licenses.ts';
import { productsQuery, putProducts, storeKeys, type Product } from '../../api/store-settings.ts';
import { EmptyRow } from '../../components/DataTable.tsx';
import { QueryError } from '../../components/QueryError.tsx';
import { formatBytes, formatExactBytes, parseByteCount } from '../../lib/bytes.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';

const KEEP = 'keep';

interface Row {
  key: number;
  productId: string;
  /** a license id, or KEEP: the user's license stays */
  license: string;
  unlimited: boolean;
  /** bytes per period, as typed */
  limit: string;
}

let nextKey = 1;
const toRow = (p: Product): Row => ({
  key: nextKey++,
  productId: p.product_id,
  license: p.license_id === null ? KEEP : String(p.license_id),
  unlimited: p.traffic_limit === null,
  limit: p.traffic_limit === null ? '' : p.traffic_limit.toString(),
});

/** What a row means, for comparing with the server's list: `product|license|limit`. */
const signature = (rows: Array<{ productId: string; license: string; limit: string | null }>) =>
  rows.map((r) => `${r.productId}|${r.license}|${r.limit ?? '∞'}`).join('\n');

/** Product id -> the license and traffic limit a paying user gets; a product not listed grants unlimited traffic. */
export function ProductsSection({ projectId, readOnly }: { projectId: string; readOnly: boolean }) {
  const products = useQuery(productsQuery(projectId));
  return (
    <Paper withBorder p="md" data-testid="products-settings">
      <Title order={3}>Products</Title>
      <Text size="sm" c="dimmed" mb="sm">
        While a user holds an active purchase of a product, the user gets the product's license and traffic limit. A product that is not listed
        keeps the user's license and grants unlimited traffic. Changes apply from each user's next purchase change.
      </Text>
      {products.isError ? (
        <QueryError error={products.error} />
      ) : products.data ? (
        <ProductsForm key={signature(products.data.map((p) => ({ productId: p.product_id, license: String(p.license_id ?? KEEP), limit: p.traffic_limit?.toString() ?? null })))} projectId={projectId} saved={products.data} readOnly={readOnly} />
      ) : (
        <Text c="dimmed">Loading…</Text>
      )}
    </Paper>
  );
}

function ProductsForm({ projectId, saved, readOnly }: { projectId: string; saved: Product[]; readOnly: boolean }) {
  const queryClient = useQueryClient();
  const licenses = useQuery(licensesQuery(projectId));
  const [rows, setRows] = useState<Row[]>(() => saved.map(toRow));
  const [serverError, setServerError] = useState<{ row: number | null; message: string } | null>(null);
  const [tried, setTried] = useState(false);
  const save = useMutation({
    mutationFn: (body: Parameters<typeof putProducts>[1]) => putProducts(projectId, body),
    onMutate: () => setServerError(null),
    onSuccess: (list) => {
      queryClient.setQueryData(storeKeys.products(projectId), list);
      notifySuccess(`Products saved (${list.length})`);
    },
    onError: (e) => {
      const m = e instanceof ApiError ? /^products\.(\d+)\./.exec(e.field ?? '') : null;
      setServerError({ row: m ? Number(m[1]) : null, message: e.message });
      notifyError(e);
    },
  });

  const licenseOptions = [
    { value: KEEP, label: "Keep the user's license" },
    ...(licenses.data ?? []).map((l) => ({
      value: String(l.id),
      label: `${l.name} (devices ${l.devices_limit || '∞'}, sessions ${l.sessions_limit || '∞'})`,
    })),
  ];
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.productId.trim(), (counts.get(r.productId.trim()) ?? 0) + 1);
  const rowErrors = rows.map((r) => {
    const id = r.productId.trim();
    const parsed = r.unlimited ? null : parseByteCount(r.limit);
    return {
      productId: id === '' ? (tried ? 'Required' : undefined) : id.length > 256 ? 'At most 256 characters' : (counts.get(id) ?? 0) > 1 ? 'Listed twice' : undefined,
      limit: parsed && 'error' in parsed && (tried || r.limit.trim() !== '') ? parsed.error : undefined,
      parsed: parsed && 'value' in parsed ? parsed.value : null,
    };
  });
  const invalid = rows.some((r, i) => r.productId.trim() === '' || (!r.unlimited && rowErrors[i]!.parsed === null)) || rowErrors.some((e) => e.productId);
  const current = rows.map((r, i) => ({ productId: r.productId.trim(), license: r.license, limit: r.unlimited ? null : (rowErrors[i]!.parsed?.toString() ?? r.limit) }));
  const dirty = signature(current) !== signature(saved.map((p) => ({ productId: p.product_id, license: String(p.license_id ?? KEEP), limit: p.traffic_limit?.toString() ?? null })));

  const update = (key: number, patch: Partial<Row>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (invalid || readOnly) return;
    save.mutate({
      products: rows.map((r, i) => ({
        product_id: r.productId.trim(),
        license_id: r.license === KEEP ? null : Number(r.license),
        traffic_limit: r.unlimited ? null : rowErrors[i]!.parsed!,
      })),
    });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Table.ScrollContainer minWidth={720}>
          <Table data-testid="products-table" verticalSpacing="xs" layout="fixed">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w="32%">Product ID</Table.Th>
                <Table.Th w="34%">License</Table.Th>
                <Table.Th>Traffic limit (bytes per period)</Table.Th>
                {!readOnly && <Table.Th w={48} />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r, i) => {
                const err = rowErrors[i]!;
                const serverSays = serverError?.row === i ? serverError.message : undefined;
                return (
                  <Table.Tr key={r.key} data-testid="product-row" style={{ verticalAlign: 'top' }}>
                    <Table.Td>
                      <TextInput
                        aria-label="Product ID"
                        placeholder="com.example.vpn.monthly"
                        value={r.productId}
                        onChange={(e) => update(r.key, { productId: e.currentTarget.value })}
                        error={err.productId ?? serverSays}
                        readOnly={readOnly}
                        variant={readOnly ? 'filled' : 'default'}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Select
                        aria-label="License"
                        data={licenseOptions}
                        value={r.license}
                        onChange={(v) => update(r.key, { license: v ?? KEEP })}
                        allowDeselect={false}
                        readOnly={readOnly}
                        variant={readOnly ? 'filled' : 'default'}
                        comboboxProps={{ withinPortal: true }}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Group gap="sm" wrap="nowrap" align="flex-start">
                        <TextInput
                          aria-label="Traffic limit in bytes"
                          inputMode="numeric"
                          placeholder={r.unlimited ? 'Unlimited' : 'bytes'}
                          value={r.unlimited ? '' : r.limit}
                          onChange={(e) => update(r.key, { limit: e.currentTarget.value, unlimited: false })}
                          error={err.limit}
                          description={err.parsed !== null ? `= ${formatBytes(err.parsed)}` : undefined}
                          inputWrapperOrder={['input', 'description', 'error']}
                          title={err.parsed !== null ? formatExactBytes(err.parsed) : undefined}
                          readOnly={readOnly}
                          variant={readOnly ? 'filled' : 'default'}
                          style={{ flex: 1 }}
                        />
                        <Checkbox
                          label="Unlimited"
                          checked={r.unlimited}
                          onChange={(e) => update(r.key, { unlimited: e.currentTarget.checked })}
                          disabled={readOnly}
                          mt={8}
                        />
                      </Group>
                    </Table.Td>
                    {!readOnly && (
                      <Table.Td>
                        <CloseButton mt={4} aria-label={`Remove product ${r.productId.trim() || i + 1}`} onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))} />
                      </Table.Td>
                    )}
                  </Table.Tr>
                );
              })}
              {rows.length === 0 && (
                <EmptyRow colSpan={readOnly ? 3 : 4} py="sm">
                  No products: every purchase keeps the user's license and grants unlimited traffic.
                </EmptyRow>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {serverError && serverError.row === null && (
          <Alert color="red" variant="light" p="xs" data-testid="products-error">
            <Text size="sm">{serverError.message}</Text>
          </Alert>
        )}
        {!readOnly && (
          <Group justify="space-between">
            <Button variant="default" onClick={() => setRows((rs) => [...rs, { key: nextKey++, productId: '', license: KEEP, unlimited: true, limit: '' }])}>
              Add product
            </Button>
            <Group gap="xs">
              {dirty && (
                <Button variant="subtle" color="gray" onClick={() => setRows(saved.map(toRow))}>
                  Discard changes
                </Button>
              )}
              <Button type="submit" loading={save.isPending} disabled={!dirty} data-testid="products-save">
                Save products
              </Button>
            </Group>
          </Group>
        )}
      </Stack>
    </form>
  );
}
