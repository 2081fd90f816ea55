import dayjs from 'dayjs';
import { SESSION_SORT_COLUMNS, type SessionSortColumn } from '../../../../src/contract/enums.ts';
import type { SessionsQuery } from '../../../../src/contract/partner.ts';

export const MAX_WINDOW_DAYS = 30;
/** Local wall-clock format the date pickers use. */
export const PICKER_FORMAT = 'YYYY-MM-DD HH:mm:ss';

export interface SessionFilters {
  deviceId: number | null;
  from: string | null;
  to: string | null;
  sort: SessionSortColumn | undefined;
  order: 'asc' | 'desc';
}

/** Filters live in the URL (?device=&from=&to=&sort=&order=) so they survive reloads and links. */
export function filtersFrom(params: URLSearchParams): SessionFilters {
  const device = Number(params.get('device'));
  const sort = params.get('sort');
  const valid = (s: string | null) => (s && dayjs(s).isValid() ? dayjs(s).format(PICKER_FORMAT) : null);
  return {
    deviceId: Number.isSafeInteger(device) && device > 0 ? device : null,
    from: valid(params.get('from')),
    to: valid(params.get('to')),
    sort: SESSION_SORT_COLUMNS.includes(sort as SessionSortColumn) ? (sort as SessionSortColumn) : undefined,
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
  };
}

/** The window rule the server also enforces (INTERVAL_INVALID / INTERVAL_TOO_LONG). */
export function windowError(f: SessionFilters): string | null {
  if (!f.from || !f.to) return null;
  const from = dayjs(f.from);
  const to = dayjs(f.to);
  if (!to.isAfter(from)) return 'The end must be after the start';
  if (to.diff(from, 'second') > MAX_WINDOW_DAYS * 86400) return `The selected period can be up to ${MAX_WINDOW_DAYS} days`;
  return null;
}

export function toQuery(f: SessionFilters, cursor: string | undefined, limit: number): SessionsQuery {
  const q: SessionsQuery = { limit };
  if (f.deviceId) q.device_id = f.deviceId;
  if (f.from) q.start_time = dayjs(f.from).toISOString();
  if (f.to) q.end_time = dayjs(f.to).toISOString();
  if (f.sort) {
    q.sort = f.sort;
    q.order = f.order;
  }
  if (cursor) q.cursor = cursor;
  return q;
}
