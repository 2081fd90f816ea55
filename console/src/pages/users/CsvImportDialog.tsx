import { Alert, Anchor, Badge, Button, FileInput, Group, Modal, Progress, Stack, Table, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { subscriberKeys } from '../../api/subscribers.ts';
import { downloadText } from '../../lib/csv.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { useProject } from '../../lib/project-context.ts';
import { runEach } from '../../lib/run-each.ts';
import { CSV_COLUMNS, importRow, readImportFile, reportCsv, TEMPLATE_CSV, type CsvRow, type RowResult } from './csv-import.ts';

const OUTCOME_COLOR: Record<RowResult['outcome'], string> = { created: 'teal', updated: 'blue', unchanged: 'gray', failed: 'red' };

export function CsvImportDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { project } = useProject();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [rows, setRows] = useState<CsvRow[] | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [results, setResults] = useState<RowResult[] | null>(null);

  const reset = () => {
    setFile(null);
    setRows(null);
    setFileError(null);
    setResults(null);
  };
  const close = () => {
    if (progress !== null) return;
    reset();
    onClose();
  };
  const pick = async (f: File | null) => {
    reset();
    setFile(f);
    if (!f) return;
    const read = readImportFile(await f.text());
    if ('error' in read) setFileError(read.error);
    else setRows(read.rows);
  };
  const run = async () => {
    if (!rows) return;
    setProgress(0);
    const out = await runEach(rows, (row) => importRow(project.id, row), setProgress, 3);
    setProgress(null);
    setResults(out);
    void queryClient.invalidateQueries({ queryKey: subscriberKeys.all(project.id) });
    const failed = out.filter((r) => r.outcome === 'failed').length;
    if (failed === 0) notifySuccess(`CSV processed: ${out.length} row(s), no errors`);
  };
  const counts = results?.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.outcome]: (acc[r.outcome] ?? 0) + 1 }), {});

  return (
    <Modal opened={opened} onClose={close} title="Add or update users from CSV" size="xl" centered>
      <Stack gap="sm">
        <Text size="sm">
          Columns: <code>{CSV_COLUMNS.join(', ')}</code>. A row whose user (auth_method + external_id) exists updates the non-empty
          cells; other rows add new users (Invited).{' '}
          <Anchor component="button" type="button" size="sm" onClick={() => downloadText('users-template.csv', TEMPLATE_CSV)}>
            Download a template
          </Anchor>
        </Text>
        <FileInput
          label="CSV file"
          placeholder="Choose a .csv file"
          accept=".csv,text/csv"
          value={file}
          onChange={(f) => void pick(f)}
          clearable
          error={fileError}
          data-testid="csv-file"
          data-autofocus
        />
        {rows && !results && <Text size="sm">{rows.length} row(s) ready to import.</Text>}
        {progress !== null && rows && <Progress value={(progress / rows.length) * 100} animated />}
        {results && counts && (
          <>
            <Alert color={counts.failed ? 'orange' : 'teal'} title="Result" data-testid="csv-summary">
              {Object.entries(counts)
                .map(([k, v]) => `${v} ${k}`)
                .join(', ')}
            </Alert>
            <Table.ScrollContainer minWidth={560} mah={320}>
              <Table striped data-testid="csv-report">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Line</Table.Th>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Result</Table.Th>
                    <Table.Th>User ID</Table.Th>
                    <Table.Th>Message</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {results.map((r) => (
                    <Table.Tr key={r.line}>
                      <Table.Td>{r.line}</Table.Td>
                      <Table.Td style={{ wordBreak: 'break-all' }}>{r.name}</Table.Td>
                      <Table.Td miw={110}>
                        <Badge color={OUTCOME_COLOR[r.outcome]} variant="light" style={{ overflow: 'visible' }}>
                          {r.outcome}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{r.user_id ?? ''}</Table.Td>
                      <Table.Td>{r.message}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </>
        )}
        <Group justify="flex-end">
          {results && (
            <Button variant="default" onClick={() => downloadText(`users-import-report-${Date.now()}.csv`, reportCsv(results))}>
              Download report
            </Button>
          )}
          <Button variant="default" onClick={close} disabled={progress !== null}>
            Close
          </Button>
          {!results && (
            <Button onClick={() => void run()} disabled={!rows} loading={progress !== null}>
              Import
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
