import { isIP } from 'node:net';
import type { DesiredPeer, SyncReply } from '../src/contract/node.ts';
import { loadState, saveState } from './agent-state.ts';
import type { Logger } from './log.ts';
import type { Outbox, OutboxItem } from './outbox.ts';
import { planPeerOps, type PeerOp } from './peer-plan.ts';
import { PlatformError } from './platform-client.ts';
import { SessionTracker } from './session-tracker.ts';
import { syncBodyJson } from './sync-body.ts';
import { isWireGuardKey, type InterfaceDump, type PeerDump } from './wg-dump.ts';
import type { WireGuard } from './wireguard.ts';

export type WireGuardPort = Pick<WireGuard, 'iface' | 'ensureExists' | 'configure' | 'dump' | 'apply'>;

export interface AgentDeps {
  wg: WireGuardPort;
  platform: { sync(bodyJson: string): Promise<SyncReply> };
  outbox: Outbox;
  statePath: string;
  clock: () => number;
  log: Logger;
  agentVersion: string;
  /** the node's WireGuard public key, reported so the platform hands it to devices */
  publicKey?: string;
  handshakeTimeoutMs: number;
  syncIntervalMs: number;
}

/** Items per sync: SyncBody allows 20 000 events and 20 000 counters. */
export const SYNC_BATCH = 10_000;
const MAX_BACKOFF_MS = 60_000;

/**
 * One node's agent: `poll` reads counters and keeps the interface as wanted, `sync` reports and takes the
 * platform's desired state. Order of writes: outbox (fsync) first, then the state file, so a crash between
 * them only repeats a report (same value, higher seq), never loses one.
 */
export class Agent {
  /** set when a report could not be written: the agent must stop without saving state */
  fatal: Error | null = null;
  syncIntervalMs: number;
  private readonly tracker: SessionTracker;
  private identity: string | null;
  private configured = false;
  private desiredKnown = false;
  private failures = 0;
  private skewWarned = false;

  constructor(private readonly d: AgentDeps) {
    const state = loadState(d.statePath);
    this.identity = state.identity;
    this.syncIntervalMs = d.syncIntervalMs;
    this.tracker = new SessionTracker((items) => this.emit(items), d.handshakeTimeoutMs, state.sessions);
    for (const [id, seq] of d.outbox.maxSeqBySession()) {
      const s = this.tracker.sessions.get(id);
      if (s && s.seq < seq) s.seq = seq;
    }
  }

  get sessions() {
    return this.tracker.sessions;
  }

  async poll(): Promise<void> {
    const dump = await this.readInterface();
    const ended = this.tracker.observe(this.d.clock(), byKey(dump.peers));
    if (ended.length > 0) this.d.log.info('sessions ended without handshake', { sessions: ended });
    await this.reconcile(dump);
    this.save();
  }

  /** Returns the delay until the next sync. */
  async sync(): Promise<number> {
    this.tracker.flush();
    this.save();
    const batch = this.d.outbox.peek(SYNC_BATCH);
    let reply: SyncReply;
    try {
      reply = await this.d.platform.sync(syncBodyJson(this.d.agentVersion, batch.items, this.d.publicKey));
    } catch (e) {
      const accepted = e instanceof PlatformError && e.status !== null && e.status >= 200 && e.status < 300;
      if (accepted) this.d.outbox.ack(batch.lastId);
      this.failures += 1;
      const delay = Math.min(this.syncIntervalMs, 1000 * 2 ** Math.min(this.failures - 1, 6), MAX_BACKOFF_MS);
      this.d.log.warn('sync failed', { error: (e as Error).message, pending: this.d.outbox.size, retry_ms: delay });
      return delay;
    }
    this.d.outbox.ack(batch.lastId);
    this.failures = 0;
    this.syncIntervalMs = Math.max(1, reply.sync_interval) * 1000;
    this.checkSkew(reply.now);
    await this.applyDesired(reply);
    return batch.items.length === SYNC_BATCH ? 0 : this.syncIntervalMs;
  }

  private async applyDesired(reply: SyncReply): Promise<void> {
    const cut = new Map(reply.cut.map((c) => [c.session_id, c.reason]));
    const desired = this.validDesired(reply.peers.filter((p) => !cut.has(p.session_id)));
    const dump = await this.readInterface();
    const now = this.d.clock();
    this.tracker.observe(now, byKey(dump.peers)); // fresh final counters for the sessions ended below
    for (const [id, reason] of cut) {
      const s = this.tracker.sessions.get(id);
      if (s && !s.ended) continue;
      this.tracker.confirmEnded(id, now);
      this.d.log.info('cut of a session not live here: ending it again', { session: id, reason });
    }
    for (const s of [...this.tracker.sessions.values()]) {
      const reason = cut.get(s.sessionId);
      if (!s.ended && reason !== undefined) {
        this.tracker.end(s.sessionId, now, 'cut');
        this.d.log.info('session cut', { session: s.sessionId, reason });
      } else if (!s.ended && !desired.has(s.sessionId)) {
        this.tracker.end(s.sessionId, now, 'revoked');
        this.d.log.info('session left the desired set', { session: s.sessionId });
      }
      if (!desired.has(s.sessionId)) this.tracker.forget(s.sessionId);
    }
    for (const p of desired.values()) {
      const s = this.tracker.sessions.get(p.session_id);
      if (!s) this.tracker.track(p.session_id, p.public_key, p.internal_ip);
      else if (!s.ended) {
        s.internalIp = p.internal_ip;
        s.publicKey = p.public_key;
      }
    }
    this.desiredKnown = true;
    await this.reconcile(dump);
    this.save();
  }

  private async readInterface(): Promise<InterfaceDump> {
    const id = await this.d.wg.ensureExists();
    if (id !== this.identity) {
      if (this.identity !== null)
        this.d.log.warn('interface was recreated: new counter epoch for every session', { from: this.identity, to: id });
      this.tracker.interfaceReset();
      this.identity = id;
      this.configured = false;
    }
    if (!this.configured) {
      await this.d.wg.configure();
      this.configured = true;
    }
    return this.d.wg.dump();
  }

  private async reconcile(dump: InterfaceDump): Promise<void> {
    const wanted = this.tracker.wantedPeers();
    const endedKeys = new Set([...this.tracker.sessions.values()].filter((s) => s.ended).map((s) => s.publicKey));
    // Until the platform has answered once, peers we know nothing about are left alone.
    const ops = planPeerOps(wanted, dump.peers, (key) => this.desiredKnown || endedKeys.has(key));
    if (ops.length === 0) return;
    const added = ops.filter((op) => op.kind === 'add').map((op) => wanted.get(op.publicKey)!.sessionId);
    for (const id of added) this.tracker.peerWillBeAdded(id);
    await this.d.wg.apply(ops);
    for (const id of added) this.tracker.peerAdded(id);
    this.d.log.info('peers applied', summarize(ops));
  }

  private validDesired(peers: readonly DesiredPeer[]): Map<number, DesiredPeer> {
    const byKey = new Map<string, DesiredPeer>();
    for (const p of peers) {
      if (!Number.isSafeInteger(p.session_id) || p.session_id < 1 || !isWireGuardKey(p.public_key) || isIP(p.internal_ip) === 0) {
        this.d.log.warn('ignoring an invalid desired peer', { session: p.session_id });
        continue;
      }
      // one peer per key on an interface: the newest session of a device wins
      const other = byKey.get(p.public_key);
      if (!other || other.session_id < p.session_id) byKey.set(p.public_key, p);
    }
    return new Map([...byKey.values()].map((p) => [p.session_id, p]));
  }

  private emit(items: OutboxItem[]): void {
    try {
      this.d.outbox.append(items);
    } catch (e) {
      this.fatal = e as Error;
      throw e;
    }
  }

  private save(): void {
    if (this.fatal) throw this.fatal;
    saveState(this.d.statePath, { identity: this.identity, sessions: [...this.tracker.sessions.values()] });
  }

  private checkSkew(platformNow: number): void {
    const skew = Math.abs(platformNow - this.d.clock());
    if (skew > 30_000 && !this.skewWarned) this.d.log.warn('clock differs from the platform', { skew_ms: skew });
    this.skewWarned = skew > 30_000;
  }
}

function byKey(peers: readonly PeerDump[]): Map<string, PeerDump> {
  return new Map(peers.map((p) => [p.publicKey, p]));
}

function summarize(ops: readonly PeerOp[]) {
  const count = (k: PeerOp['kind']) => ops.filter((op) => op.kind === k).length;
  return { added: count('add'), updated: count('set-allowed-ips'), removed: count('remove') };
}
