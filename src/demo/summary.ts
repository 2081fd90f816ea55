/** The demo's one-line summary: what the simulated network did since it started. */
import type { DemoHttp } from './http.ts';
import type { SimUser } from './simulated-device.ts';
import type { SimNode } from './simulated-node.ts';
import type { Simulation } from './simulation.ts';

export const size = (n: number) => (n >= 1e9 ? `${(n / 1024 ** 3).toFixed(2)} GB` : `${(n / 1024 ** 2).toFixed(1)} MB`);

const list = (m: Map<string, number>) => [...m].map(([k, v]) => `${k} ${v}`).join(', ');

export const summarizer = (http: DemoHttp, nodes: SimNode[], sim: Simulation, users: SimUser[]) => {
  let lastSent = http.sent;
  let lastAt = Date.now();
  return (): string => {
    const sum = (f: (n: SimNode) => number) => nodes.reduce((a, n) => a + f(n), 0);
    const cuts = new Map<string, number>();
    for (const n of nodes) for (const [k, v] of n.stats.cut) cuts.set(k, (cuts.get(k) ?? 0) + v);
    const statuses = new Map<string, number>();
    for (const u of users) statuses.set(u.status, (statuses.get(u.status) ?? 0) + 1);
    const rate = (http.sent - lastSent) / Math.max(1, (Date.now() - lastAt) / 1000);
    lastSent = http.sent;
    lastAt = Date.now();
    return (
      `[demo ${new Date().toISOString().slice(11, 19)}] active sessions ${sim.active} (${nodes.map((n) => `${n.name} ${n.active}`).join(', ')})` +
      ` | started ${sum((n) => n.stats.started)}, ended ${sum((n) => n.stats.ended)}, cut: ${list(cuts) || 0}` +
      ` | traffic ${size(sum((n) => n.stats.bytes + n.liveBytes()))} | credentials: ${list(sim.credentials) || '-'}` +
      ` | over limit: ${sim.overLimit.size} users | users: ${list(statuses)} | ${rate.toFixed(1)} req/s, failed syncs ${sum((n) => n.stats.failedSyncs)}`
    );
  };
};
