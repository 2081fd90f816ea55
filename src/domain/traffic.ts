/**
 * Byte accounting rules (SPEC §1 "Traffic", §3.3, cases A1-A7). All byte math is bigint and saturates
 * at 2^63-1, the BIGINT column's limit, instead of overflowing.
 */
import { INT64_MAX } from '../contract/common.ts';

export const satAdd = (a: bigint, b: bigint): bigint => (a > INT64_MAX - b ? INT64_MAX : a + b);

/** Where a session's counters stand: totals, and totals at the start of the current agent epoch. */
export interface CounterState {
  download: bigint;
  upload: bigint;
  baseDown: bigint;
  baseUp: bigint;
  epoch: bigint;
  lastSeq: bigint;
}

export interface CounterSample {
  epoch: bigint;
  seq: bigint;
  download: bigint;
  upload: bigint;
}

export type CounterOutcome =
  | { applied: false; reason: 'stale' }
  | { applied: true; state: CounterState; deltaDown: bigint; deltaUp: bigint };

/**
 * Apply one cumulative report exactly once.
 * - seq not above the last applied one: a replay or a late duplicate, ignored (the cumulative value it
 *   carried is already included in a later one).
 * - a higher epoch: the node's counters restarted from 0, so the whole value is new (case A4).
 * - a lower epoch with a higher seq cannot come from a sane agent: ignored rather than guessed.
 * - same epoch but a counter went down: an unannounced restart; the value counts from 0 as well.
 * Nothing here ever sets a total from a report; reports only add deltas (case A3).
 */
export const applyCounter = (s: CounterState, r: CounterSample): CounterOutcome => {
  if (r.seq <= s.lastSeq || r.epoch < s.epoch) return { applied: false, reason: 'stale' };
  let baseDown = s.baseDown;
  let baseUp = s.baseUp;
  const curDown = s.download - s.baseDown;
  const curUp = s.upload - s.baseUp;
  let deltaDown: bigint;
  let deltaUp: bigint;
  if (r.epoch > s.epoch || r.download < curDown || r.upload < curUp) {
    baseDown = s.download;
    baseUp = s.upload;
    deltaDown = r.download;
    deltaUp = r.upload;
  } else {
    deltaDown = r.download - curDown;
    deltaUp = r.upload - curUp;
  }
  const download = satAdd(s.download, deltaDown);
  const upload = satAdd(s.upload, deltaUp);
  return {
    applied: true,
    state: { download, upload, baseDown, baseUp, epoch: r.epoch, lastSeq: r.seq },
    deltaDown: download - s.download,
    deltaUp: upload - s.upload,
  };
};

/** Usage bytes counted against the limit: both directions. */
export const usedBytes = (download: bigint, upload: bigint): bigint => satAdd(download, upload);

export const remainingBytes = (limit: bigint | null, used: bigint): bigint | null =>
  limit === null ? null : used >= limit ? 0n : limit - used;

export const isOverQuota = (limit: bigint | null, used: bigint): boolean => limit !== null && used >= limit;
