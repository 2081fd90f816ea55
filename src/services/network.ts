/** What the client sees of the network: countries and locations with servers online now. */
import type { AppContext } from '../context.ts';
import { listNodesWithLoad } from '../store/nodes.ts';

const onlineNodes = async (ctx: AppContext, projectId: string) => {
  const since = ctx.clock.now() - ctx.config.nodeOfflineAfter * 1000;
  return (await listNodesWithLoad(ctx.store, projectId)).filter((n) => n.lastSyncAt !== null && n.lastSyncAt >= since);
};

export const countries = async (ctx: AppContext, projectId: string) => {
  const by = new Map<string, number>();
  for (const n of await onlineNodes(ctx, projectId)) by.set(n.country, (by.get(n.country) ?? 0) + 1);
  return [...by].sort(([a], [b]) => a.localeCompare(b)).map(([country, servers]) => ({ country, servers }));
};

export const locations = async (ctx: AppContext, projectId: string) => {
  const by = new Map<string, { name: string; country: string; city: string; servers: number }>();
  for (const n of await onlineNodes(ctx, projectId)) {
    const l = by.get(n.location) ?? { name: n.location, country: n.country, city: n.city, servers: 0 };
    l.servers++;
    by.set(n.location, l);
  }
  return [...by.values()].sort((a, b) => a.name.localeCompare(b.name));
};
