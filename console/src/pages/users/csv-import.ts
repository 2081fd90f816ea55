import { isCountryCode } from '../../../../src/contract/countries.ts';
import { AUTH_METHODS, type AuthMethod } from '../../../../src/contract/enums.ts';
import type { SubscriberCreate, SubscriberUpdate } from '../../../../src/contract/partner.ts';
import { get, projectPath } from '../../api/client.ts';
import { createSubscriber, updateSubscriber } from '../../api/subscribers.ts';
import { parseCsv, toCsv } from '../../lib/csv.ts';

/**
 * CSV add / mass update of users (private projects). A row whose `<auth_method>_<external_id>` name
 * exists updates that user with the non-empty cells; otherwise it creates the user (Invited).
 */
export const CSV_COLUMNS = ['external_id', 'auth_method', 'extref', 'description', 'country', 'license_id', 'status'] as const;
type Column = (typeof CSV_COLUMNS)[number];
export type CsvRow = { line: number } & Record<Column, string>;

export interface RowResult {
  line: number;
  name: string;
  outcome: 'created' | 'updated' | 'unchanged' | 'failed';
  user_id: number | null;
  message: string;
}

export function readImportFile(text: string): { rows: CsvRow[] } | { error: string } {
  const table = parseCsv(text);
  const header = table[0]?.map((h) => h.trim().toLowerCase());
  if (!header) return { error: 'The file is empty' };
  const missing = ['external_id', 'auth_method'].filter((c) => !header.includes(c));
  if (missing.length) return { error: `Missing column(s): ${missing.join(', ')}. Expected: ${CSV_COLUMNS.join(', ')}` };
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length) return { error: `Unknown column(s): ${unknown.join(', ')}. Expected: ${CSV_COLUMNS.join(', ')}` };
  const rows = table.slice(1).map((cells, i) => {
    const row = { line: i + 2 } as CsvRow;
    for (const c of CSV_COLUMNS) row[c] = (cells[header.indexOf(c)] ?? '').trim();
    return row;
  });
  if (rows.length === 0) return { error: 'The file has a header but no rows' };
  return { rows };
}

function validate(row: CsvRow): string | null {
  if (!row.external_id) return 'external_id is empty';
  if (!(AUTH_METHODS as readonly string[]).includes(row.auth_method)) return `auth_method must be one of ${AUTH_METHODS.join(', ')}`;
  if (row.country && !isCountryCode(row.country.toUpperCase())) return 'country must be an ISO 3166-1 alpha-2 code, e.g. DE';
  if (row.license_id && !/^\d+$/.test(row.license_id)) return 'license_id must be a number';
  if (row.status && !['active', 'disabled', 'invited'].includes(row.status.toLowerCase())) return 'status must be active or disabled';
  return null;
}

async function findByName(projectId: string, name: string): Promise<number | null> {
  const reply = await get<{ subscribers: { id: number; name: string }[] }>(projectPath(projectId, 'subscribers'), {
    search_by: 'name',
    q: name,
    limit: 50,
  });
  return reply.subscribers.find((s) => s.name === name)?.id ?? null;
}

export async function importRow(projectId: string, row: CsvRow): Promise<RowResult> {
  const name = `${row.auth_method}_${row.external_id}`;
  const result = (outcome: RowResult['outcome'], user_id: number | null, message: string): RowResult => ({
    line: row.line,
    name,
    outcome,
    user_id,
    message,
  });
  const invalid = validate(row);
  if (invalid) return result('failed', null, invalid);
  const status = row.status.toLowerCase();
  const changes: SubscriberUpdate = {};
  if (row.extref) changes.extref = row.extref;
  if (row.description) changes.description = row.description;
  if (row.country) changes.country = row.country.toUpperCase();
  if (row.license_id) changes.license_id = Number(row.license_id);
  let id: number | null = null;
  try {
    id = await findByName(projectId, name);
    if (id !== null) {
      if (status === 'active' || status === 'disabled') changes.status = status;
      if (Object.keys(changes).length === 0) return result('unchanged', id, 'nothing to change');
      await updateSubscriber(projectId, id, changes);
      return result('updated', id, `updated ${Object.keys(changes).join(', ')}`);
    }
    const body: SubscriberCreate = { auth_method: row.auth_method as AuthMethod, external_id: row.external_id };
    if (changes.extref !== undefined) body.extref = changes.extref;
    if (changes.description !== undefined) body.description = changes.description;
    if (changes.country !== undefined) body.country = changes.country;
    if (changes.license_id !== undefined) body.license_id = changes.license_id;
    const user = await createSubscriber(projectId, body);
    id = user.id;
    if (status === 'disabled') {
      await updateSubscriber(projectId, user.id, { status: 'disabled' });
      return result('created', user.id, 'created, then disabled');
    }
    return result('created', user.id, `created (${user.status})`);
  } catch (e) {
    return result('failed', id, e instanceof Error ? e.message : String(e));
  }
}

export const reportCsv = (results: readonly RowResult[]): string =>
  toCsv([
    ['line', 'name', 'outcome', 'user_id', 'message'],
    ...results.map((r) => [String(r.line), r.name, r.outcome, r.user_id === null ? '' : String(r.user_id), r.message]),
  ]);

export const TEMPLATE_CSV = toCsv([[...CSV_COLUMNS], ['alice@example.com', 'firebase', 'crm-42', 'Alice Doe', 'DE', '', 'active']]);
