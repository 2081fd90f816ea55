import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file.ts';
import type { Logger } from './log.ts';

export interface EventItem {
  kind: 'start' | 'end';
  session_id: number;
  at: number;
}
export interface CounterItem {
  kind: 'counter';
  session_id: number;
  epoch: number;
  seq: number;
  /** bytes sent to the device = WireGuard transfer-tx */
  download: bigint;
  /** bytes received from the device = WireGuard transfer-rx */
  upload: bigint;
  at: number;
}
export type OutboxItem = EventItem | CounterItem;
type Stored = OutboxItem & { id: number };

/**
 * Reports not yet acknowledged by the platform, one JSON line each, appended with fsync before anything
 * that depends on them. Items leave only through ack() after a 2xx reply, which rewrites the file atomically.
 * A torn last line (crash during append) is dropped on open: it was never acknowledged to anyone.
 */
export class Outbox {
  private items: Stored[] = [];
  private nextId = 1;

  private constructor(
    private readonly path: string,
    private readonly maxItems: number,
    private readonly log: Logger,
  ) {}

  static open(path: string, log: Logger, maxItems = 200_000): Outbox {
    const box = new Outbox(path, maxItems, log);
    if (existsSync(path)) box.load();
    return box;
  }

  get size(): number {
    return this.items.length;
  }

  append(items: readonly OutboxItem[]): void {
    if (items.length === 0) return;
    const stored = items.map((it) => ({ ...it, id: this.nextId++ }));
    const fd = openSync(this.path, 'a', 0o600);
    try {
      writeSync(fd, stored.map(encode).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.items.push(...stored);
    if (this.items.length > this.maxItems) this.compact();
  }

  /** The oldest items, in order, and the id to acknowledge them with. */
  peek(limit: number): { items: OutboxItem[]; lastId: number } {
    const batch = this.items.slice(0, limit);
    return { items: batch.map(({ id: _id, ...it }) => it), lastId: batch.at(-1)?.id ?? 0 };
  }

  ack(lastId: number): void {
    const keep = this.items.filter((it) => it.id > lastId);
    if (keep.length === this.items.length) return;
    this.items = keep;
    this.rewrite();
  }

  /** Highest seq per session among pending reports (a crash may have left them newer than the state file). */
  maxSeqBySession(): Map<number, number> {
    const m = new Map<number, number>();
    for (const it of this.items) if (it.kind === 'counter') m.set(it.session_id, Math.max(m.get(it.session_id) ?? 0, it.seq));
    return m;
  }

  /**
   * Keeps every event and, per (session, epoch), only the latest counter: counters are cumulative within an
   * epoch, so this loses nothing. Only if that is still over the bound are the oldest items dropped.
   */
  private compact(): void {
    const latest = new Map<string, number>();
    for (const it of this.items) if (it.kind === 'counter') latest.set(`${it.session_id}/${it.epoch}`, it.id);
    const before = this.items.length;
    this.items = this.items.filter((it) => it.kind !== 'counter' || latest.get(`${it.session_id}/${it.epoch}`) === it.id);
    if (this.items.length > this.maxItems) {
      const dropped = this.items.length - this.maxItems;
      this.items = this.items.slice(dropped);
      this.log.error('outbox over its bound: dropped the oldest reports', { dropped });
    }
    this.log.info('outbox compacted', { before, after: this.items.length });
    this.rewrite();
  }

  private rewrite(): void {
    writeFileAtomic(this.path, this.items.map(encode).join(''));
  }

  private load(): void {
    const text = readFileSync(this.path, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    if (end < text.length) {
      this.log.warn('outbox: dropping a torn last line', { bytes: text.length - end });
      truncateSync(this.path, Buffer.byteLength(text.slice(0, end)));
    }
    text
      .slice(0, end)
      .split('\n')
      .forEach((line, i) => {
        if (!line) return;
        try {
          this.items.push(decode(line));
        } catch {
          this.log.error('outbox: skipping an unreadable line', { line: i + 1 });
        }
      });
    this.nextId = this.items.reduce((m, it) => Math.max(m, it.id), 0) + 1;
  }
}

function encode(it: Stored): string {
  const rec = it.kind === 'counter' ? { ...it, download: it.download.toString(), upload: it.upload.toString() } : it;
  return JSON.stringify(rec) + '\n';
}

function decode(line: string): Stored {
  const r = JSON.parse(line) as Record<string, unknown>;
  const int = (k: string) => {
    const v = r[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error(`bad ${k}`);
    return v;
  };
  const u64 = (k: string) => {
    const v = r[k];
    if (typeof v !== 'string' || !/^\d{1,20}$/.test(v)) throw new Error(`bad ${k}`);
    return BigInt(v);
  };
  if (r.kind === 'start' || r.kind === 'end') return { id: int('id'), kind: r.kind, session_id: int('session_id'), at: int('at') };
  if (r.kind !== 'counter') throw new Error('bad kind');
  return {
    id: int('id'),
    kind: 'counter',
    session_id: int('session_id'),
    epoch: int('epoch'),
    seq: int('seq'),
    download: u64('download'),
    upload: u64('upload'),
    at: int('at'),
  };
}
