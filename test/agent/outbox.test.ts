import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../agent/log.ts';
import { Outbox, type CounterItem, type OutboxItem } from '../../agent/outbox.ts';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gh-outbox-'));
  path = join(dir, 'outbox.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const counter = (session_id: number, epoch: number, seq: number, download: bigint, upload: bigint, at = 1000): CounterItem => ({
  kind: 'counter',
  session_id,
  epoch,
  seq,
  download,
  upload,
  at,
});

describe('Outbox', () => {
  it('keeps unacknowledged reports, in order and exact, across reopening', () => {
    const items: OutboxItem[] = [
      { kind: 'start', session_id: 7, at: 1_733_230_000_000 },
      counter(7, 0, 1, 18_446_744_073_709_551_615n, 9_007_199_254_740_993n),
      { kind: 'end', session_id: 7, at: 1_733_230_100_000 },
    ];
    Outbox.open(path, silentLogger).append(items);
    const reopened = Outbox.open(path, silentLogger);
    expect(reopened.size).toBe(3);
    expect(reopened.peek(10)).toEqual({ items, lastId: 3 });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('drops exactly the acknowledged prefix and keeps later appends', () => {
    const box = Outbox.open(path, silentLogger);
    box.append([counter(1, 0, 1, 10n, 1n), counter(2, 0, 1, 20n, 2n)]);
    const batch = box.peek(10);
    box.append([counter(1, 0, 2, 11n, 1n)]); // written while the sync was in flight
    box.ack(batch.lastId);
    expect(box.peek(10).items).toEqual([counter(1, 0, 2, 11n, 1n)]);
    expect(Outbox.open(path, silentLogger).peek(10)).toEqual({ items: [counter(1, 0, 2, 11n, 1n)], lastId: 3 });
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('continues ids after a reopen, above every pending item', () => {
    const box = Outbox.open(path, silentLogger);
    box.append([counter(1, 0, 1, 1n, 1n), counter(1, 0, 2, 2n, 2n)]);
    box.ack(1);
    const again = Outbox.open(path, silentLogger);
    again.append([counter(1, 0, 3, 3n, 3n)]);
    again.ack(1);
    expect(again.peek(10)).toEqual({ items: [counter(1, 0, 2, 2n, 2n), counter(1, 0, 3, 3n, 3n)], lastId: 3 });
  });

  it('drops a torn last line left by a crash during append, and truncates it away', () => {
    Outbox.open(path, silentLogger).append([counter(1, 0, 1, 5n, 6n)]);
    appendFileSync(path, '{"kind":"counter","session_id":1,"ep');
    const box = Outbox.open(path, silentLogger);
    expect(box.peek(10).items).toEqual([counter(1, 0, 1, 5n, 6n)]);
    box.append([counter(1, 0, 2, 7n, 8n)]);
    expect(Outbox.open(path, silentLogger).peek(10).items).toEqual([counter(1, 0, 1, 5n, 6n), counter(1, 0, 2, 7n, 8n)]);
  });

  it('ignores a half-written compaction file left by a crash: the rename never happened', () => {
    Outbox.open(path, silentLogger).append([counter(1, 0, 1, 5n, 6n)]);
    writeFileSync(`${path}.tmp`, '{"id":9,"kind":"coun');
    const box = Outbox.open(path, silentLogger);
    expect(box.peek(10).items).toEqual([counter(1, 0, 1, 5n, 6n)]);
    box.ack(1);
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(existsSync(`${path}.tmp`)).toBe(false);
  });

  it('skips an unreadable middle line and keeps the rest', () => {
    writeFileSync(
      path,
      '{"id":1,"kind":"start","session_id":3,"at":5}\nnot json\n{"id":3,"kind":"end","session_id":3,"at":9}\n',
    );
    expect(Outbox.open(path, silentLogger).peek(10)).toEqual({
      items: [
        { kind: 'start', session_id: 3, at: 5 },
        { kind: 'end', session_id: 3, at: 9 },
      ],
      lastId: 3,
    });
  });

  it('over its bound keeps all events and the latest counter of each session epoch', () => {
    const box = Outbox.open(path, silentLogger, 6);
    box.append([{ kind: 'start', session_id: 1, at: 1 }, counter(1, 0, 1, 10n, 1n), counter(1, 0, 2, 20n, 2n)]);
    box.append([counter(1, 1, 3, 5n, 5n), counter(2, 0, 1, 7n, 7n), counter(1, 1, 4, 6n, 6n)]);
    box.append([{ kind: 'end', session_id: 1, at: 9 }]);
    const expected = [
      { kind: 'start', session_id: 1, at: 1 },
      counter(1, 0, 2, 20n, 2n),
      counter(2, 0, 1, 7n, 7n),
      counter(1, 1, 4, 6n, 6n),
      { kind: 'end', session_id: 1, at: 9 },
    ];
    expect(box.peek(100).items).toEqual(expected);
    expect(Outbox.open(path, silentLogger, 6).peek(100).items).toEqual(expected);
  });

  it('drops the oldest items only when coalescing cannot get under the bound', () => {
    const box = Outbox.open(path, silentLogger, 2);
    box.append([counter(1, 0, 1, 1n, 1n), counter(2, 0, 1, 2n, 2n), counter(3, 0, 1, 3n, 3n)]);
    expect(box.peek(10).items).toEqual([counter(2, 0, 1, 2n, 2n), counter(3, 0, 1, 3n, 3n)]);
  });

  it('tells the highest pending seq of each session', () => {
    const box = Outbox.open(path, silentLogger);
    box.append([counter(4, 0, 8, 1n, 1n), counter(4, 1, 9, 1n, 1n), counter(5, 0, 2, 1n, 1n), { kind: 'end', session_id: 6, at: 1 }]);
    expect([...box.maxSeqBySession()]).toEqual([
      [4, 9],
      [5, 2],
    ]);
  });

  it('peeks at most the limit, oldest first', () => {
    const box = Outbox.open(path, silentLogger);
    box.append([counter(1, 0, 1, 1n, 1n), counter(1, 0, 2, 2n, 2n), counter(1, 0, 3, 3n, 3n)]);
    expect(box.peek(2)).toEqual({ items: [counter(1, 0, 1, 1n, 1n), counter(1, 0, 2, 2n, 2n)], lastId: 2 });
  });
});
