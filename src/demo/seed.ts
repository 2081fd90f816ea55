/**
 * History for a fresh demo project: sessions that ran on past days, so that session lists and the
 * 30-day traffic charts have data. Each one is real: the device asks for credentials now (a pending
 * session), then its node reports start, counters and end with past `at` values; the platform
 * attributes the bytes to the days of those instants.
 */
import type { CounterReport, SessionEvent } from '../contract/node.ts';
import type { DemoHttp } from './http.ts';
import type { DemoNodeSpec } from './setup.ts';
import type { SimDevice, SimUser } from './simulated-device.ts';
import { inParallel } from './population.ts';

const DAY = 86_400_000;
const MB = 1024 * 1024;
const rand = (a: number, b: number) => a + Math.random() * (b - a);

export interface SeedStats {
  users: number;
  sessions: number;
  bytes: number;
}

export const seedHistory = async (
  http: DemoHttp,
  nodes: DemoNodeSpec[],
  users: SimUser[],
  opts: { users?: number; rounds?: number } = {},
): Promise<SeedStats> => {
  const tokens = new Map(nodes.map((n) => [n.name, n.token]));
  const chosen = users
    .filter((u) => u.status === 'active' && u.devices.some((d) => d.token))
    .sort(() => Math.random() - 0.5)
    .slice(0, opts.users ?? 45);
  const stats: SeedStats = { users: chosen.length, sessions: 0, bytes: 0 };
  for (let round = 0; round < (opts.rounds ?? 6); round++) {
    // One device per user and round, so that no license's session limit gets in the way.
    const picks = chosen.map((u) => {
      const ds = u.devices.filter((d) => d.token);
      return ds[Math.floor(Math.random() * ds.length)]!;
    });
    const byNode = new Map<string, { events: SessionEvent[]; counters: CounterReport[] }>();
    await inParallel(picks, 4, async (d: SimDevice) => {
      const res = await d.credentials(http, null);
      if (!res.ok) return;
      // Ends at least a day ago, so today's quota is untouched; recent days are busier.
      const durationMs = rand(5, 150) * 60_000;
      const end = Date.now() - DAY - Math.floor(Math.random() ** 1.6 * 27 * DAY) - Math.floor(rand(0, 12) * 3_600_000);
      const start = end - Math.floor(durationMs);
      const down = Math.floor(rand(5, 180) * MB);
      const up = Math.floor(down * rand(0.05, 0.2));
      const mid = Math.floor((start + end) / 2);
      const batch = byNode.get(res.server) ?? { events: [], counters: [] };
      batch.events.push({ type: 'start', session_id: res.sessionId, at: start }, { type: 'end', session_id: res.sessionId, at: end });
      batch.counters.push(
        { session_id: res.sessionId, epoch: 0, seq: 1, download: Math.floor(down * 0.45), upload: Math.floor(up * 0.45), at: mid },
        { session_id: res.sessionId, epoch: 0, seq: 2, download: down, upload: up, at: end },
      );
      byNode.set(res.server, batch);
      stats.sessions++;
      stats.bytes += down + up;
    });
    for (const [name, body] of byNode) {
      const r = await http.req('POST', '/node/sync', { token: tokens.get(name) ?? null, body: { agent_version: 'demo-sim/1', ...body } });
      if (r.status !== 200) console.warn(`demo: history sync of ${name} failed: ${r.status} ${r.body?.error ?? ''}`);
    }
  }
  return stats;
};
