/**
 * Calendar usage periods in the project's IANA time zone (SPEC §1 "Traffic"): a day runs 00:00-24:00
 * there, a month from the 1st; DST days are 23 or 25 hours long. Never "24 h after the last reset".
 */
import { DateTime, IANAZone } from 'luxon';
import type { TrafficPeriod } from '../contract/enums.ts';

export interface Period {
  /** local date the period starts on, YYYY-MM-DD: the key of usage rows */
  key: string;
  startMs: number;
  endMs: number;
}

export const isValidTimeZone = (tz: string): boolean => IANAZone.isValidZone(tz);

export const periodAt = (ms: number, tz: string, period: TrafficPeriod): Period => {
  const local = DateTime.fromMillis(ms, { zone: tz });
  const start = local.startOf(period);
  const end = start.plus(period === 'day' ? { days: 1 } : { months: 1 });
  return { key: start.toISODate()!, startMs: start.toMillis(), endMs: end.toMillis() };
};

/** Local calendar day of an instant, YYYY-MM-DD. */
export const dayAt = (ms: number, tz: string): string => DateTime.fromMillis(ms, { zone: tz }).toISODate()!;

/**
 * Memoizes the last period per (zone, kind): the ingestion path maps thousands of instants a second,
 * almost all inside the same period.
 */
export class PeriodCache {
  private readonly last = new Map<string, Period>();
  at(ms: number, tz: string, period: TrafficPeriod): Period {
    const k = `${tz}|${period}`;
    const hit = this.last.get(k);
    if (hit && ms >= hit.startMs && ms < hit.endMs) return hit;
    const p = periodAt(ms, tz, period);
    this.last.set(k, p);
    return p;
  }
  day(ms: number, tz: string): string {
    return this.at(ms, tz, 'day').key;
  }
}

/** The last `days` local dates up to and including the one containing `ms`, oldest first. */
export const lastDays = (ms: number, tz: string, days: number): string[] => {
  const today = DateTime.fromMillis(ms, { zone: tz }).startOf('day');
  const out: string[] = [];
  for (let i = days - 1; i >= 0; i--) out.push(today.minus({ days: i }).toISODate()!);
  return out;
};
