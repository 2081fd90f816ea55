/**
 * VPN credentials (/user/credentials, /user/provide): pick a node, allocate the session's tunnel
 * address from the node's pool and hand out a WireGuard client configuration. The platform never sees
 * the device's private key: the device supplies its public key.
 */
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import { transaction } from '../store/db.ts';
import { listNodesWithLoad, type Node } from '../store/nodes.ts';
import { updateDevice, type Device } from '../store/devices.ts';
import { updateUser } from '../store/users.ts';
import { getLicense } from '../store/licenses.ts';
import { cutSessions, extendLease, insertSession, liveSessionCount, liveSessionOfDevice, usedIpKeys } from '../store/sessions.ts';
import { firstFree, ipKey, parsePool } from '../domain/ip-pool.ts';
import { isOverQuota } from '../domain/traffic.ts';
import { GatehouseError } from '../domain/errors.ts';
import type { CredentialsQuery } from '../contract/client.ts';
import { requireProject } from './projects.ts';
import { requireUser } from './subscribers.ts';
import { currentTraffic } from './traffic.ts';

const KEEPALIVE = 25;
/** advisory lock class of per-node address allocation (PostgreSQL) */
const IP_LOCK_CLASS = 7301;
const NOMINAL_CAPACITY = 1000;

const pickNode = (nodes: Array<Node & { load: number }>, q: CredentialsQuery, online: (n: Node) => boolean) => {
  let candidates = nodes;
  if (q.location) {
    candidates = candidates.filter((n) => n.location === q.location);
    if (!candidates.length) throw new GatehouseError('NOT_FOUND', `no location named ${q.location}`, 'location');
  }
  if (q.country) {
    candidates = candidates.filter((n) => n.country === q.country);
    if (!candidates.length) throw new GatehouseError('NOT_FOUND', `no server in country ${q.country}`, 'country');
  }
  const usable = candidates.filter((n) => online(n) && n.publicKey !== '' && (n.capacity === 0 || n.load < n.capacity));
  if (!usable.length) throw new GatehouseError('SERVER_UNAVAILABLE', 'no server is available right now; try again later');
  // Least loaded relative to capacity (a node without a set capacity counts as NOMINAL_CAPACITY);
  // ties go to the first node by name, for a stable choice.
  const ratio = (n: Node & { load: number }) => n.load / (n.capacity === 0 ? NOMINAL_CAPACITY : n.capacity);
  return usable.reduce((best, n) => (ratio(n) < ratio(best) ? n : best));
};

export const wireguardConfig = (node: Node, ip: string) => {
  const allowed = ['0.0.0.0/0', '::/0'];
  const dns = node.dns;
  const config = [
    '[Interface]',
    'PrivateKey = {PRIVATE_KEY}',
    `Address = ${ip}/32`,
    ...(dns.length ? [`DNS = ${dns.join(', ')}`] : []),
    '',
    '[Peer]',
    `PublicKey = ${node.publicKey}`,
    `Endpoint = ${node.endpoint}`,
    `AllowedIPs = ${allowed.join(', ')}`,
    `PersistentKeepalive = ${KEEPALIVE}`,
    '',
  ].join('\n');
  return {
    interface: { address: `${ip}/32`, dns },
    peer: { public_key: node.publicKey, endpoint: node.endpoint, allowed_ips: allowed, persistent_keepalive: KEEPALIVE },
    config,
  };
};

export const provideCredentials = async (ctx: AppContext, device: Device, q: CredentialsQuery) => {
  const project = await requireProject(ctx.store, device.projectId);
  const publicKey = q.public_key ?? device.publicKey;
  if (!publicKey) {
    throw new GatehouseError('INVALID_PARAMS', 'public_key: the device has no WireGuard public key; send one', 'public_key');
  }
  return transaction(ctx.store, async (tx) => {
    const now = ctx.clock.now();
    const user = await requireUser(tx, project.id, device.userId, true);
    if (user.status === 'disabled') throw new GatehouseError('USER_SUSPENDED', 'this user is disabled');
    const traffic = await currentTraffic(ctx, tx, project, user);
    if (isOverQuota(traffic.limit, traffic.used)) {
      throw new GatehouseError('TRAFFIC_EXCEED', `the traffic limit of this period is used up; it resets at ${new Date(traffic.periodEnd).toISOString()}`);
    }
    const nodes = await listNodesWithLoad(tx, project.id);
    const onlineSince = now - ctx.config.nodeOfflineAfter * 1000;
    const node = pickNode(nodes, q, (n) => n.lastSyncAt !== null && n.lastSyncAt >= onlineSince);
    const expires = now + ctx.config.credentialsTtl * 1000;
    if (publicKey !== device.publicKey) await updateDevice(tx, device.id, { public_key: publicKey });
    await updateDevice(tx, device.id, { last_connection_at: BigInt(now) });
    await updateUser(tx, project.id, user.id, { last_connection_at: BigInt(now) });

    let sessionId: number;
    let ip: string;
    const existing = await liveSessionOfDevice(tx, device.id, node.id);
    if (existing && existing.public_key === publicKey) {
      // A reconnect to the same node keeps its session and address.
      sessionId = Number(existing.id);
      ip = existing.internal_ip;
      if (existing.status === 'pending') await extendLease(tx, sessionId, expires);
    } else {
      if (existing) await cutSessions(tx, { projectId: project.id, ids: [Number(existing.id)] }, 'SUPERSEDED', now);
      const license = await getLicense(tx, project.id, user.licenseId);
      const limit = license?.sessionsLimit ?? 0;
      if (limit > 0 && (await liveSessionCount(tx, user.id, device.id, now)) >= limit) {
        throw new GatehouseError('SESSIONS_EXCEED', `the license allows ${limit} concurrent session(s)`);
      }
      // PostgreSQL: concurrent requests for one node all see the same first free address and all but
      // one fail on sessions_node_ip_live; allocate one at a time per node (SQLite is serial anyway).
      if (tx.dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(${IP_LOCK_CLASS}, ${node.id})`.execute(tx.db);
      const used = await usedIpKeys(tx, node.id);
      // Re-checked under the lock: the load seen when the node was picked may be stale by now.
      if (node.capacity > 0 && used.size >= node.capacity) {
        throw new GatehouseError('SERVER_UNAVAILABLE', `server ${node.name} is full; try again later`);
      }
      const pool = parsePool(node.poolCidr);
      const free = pool ? firstFree(pool, used) : null;
      if (!free) throw new GatehouseError('SERVER_UNAVAILABLE', `server ${node.name} has no free tunnel address`);
      ip = free;
      sessionId = await insertSession(tx, {
        project_id: project.id,
        user_id: BigInt(user.id),
        device_id: BigInt(device.id),
        device_name: device.name,
        node_id: BigInt(node.id),
        server: node.name,
        location: node.location,
        public_key: publicKey,
        internal_ip: ip,
        ip_key: ipKey(ip),
        status: 'pending',
        created_at: BigInt(now),
        expires_at: BigInt(expires),
        started_at: null,
        ended_at: null,
        last_activity_at: null,
        end_reason: null,
        cut_reason: null,
        download: 0n,
        upload: 0n,
        base_down: 0n,
        base_up: 0n,
        counter_epoch: -1n,
        last_seq: 0n,
      });
    }
    return {
      session_id: sessionId,
      servers: [{ name: node.name, country: node.country, location: node.location, address: node.endpoint, public_key: node.publicKey }],
      client_ip: ip,
      create_time: Math.floor(now / 1000),
      expire_time: Math.floor(expires / 1000),
      wireguard: wireguardConfig(node, ip),
    };
  });
};
