import type { OutboxItem } from './outbox.ts';
import { hostRoute, type WantedPeer } from './peer-plan.ts';
import type { PeerDump } from './wg-dump.ts';

export interface TrackedSession {
  sessionId: number;
  publicKey: string;
  internalIp: string;
  epoch: number;
  /** last seq used; seqs strictly increase over the session's whole life */
  seq: number;
  /** No counters observed in this epoch yet, so starting another one would lose nothing. */
  epochFresh: boolean;
  /** A new session's peer must be created by us (from zero), even if its key is already on the interface. */
  needsFreshPeer: boolean;
  /** last observed counters of this epoch, and when */
  rx: bigint;
  tx: bigint;
  observedAt: number;
  /** last counters put in the outbox for this epoch; null = none yet */
  reportedRx: bigint | null;
  reportedTx: bigint | null;
  /** unix seconds, as WireGuard reports it */
  lastHandshake: number;
  /** unix ms of the latest handshake or upload seen; the session's end time */
  lastActivityMs: number;
  startedAt: number | null;
  /** ended and reported; kept only while the platform still lists it, so it is not re-added */
  ended: boolean;
}

export type EndReason = 'timeout' | 'cut' | 'revoked';

/**
 * Per-session accounting: epochs, sequence numbers, start and end. Pure: time comes in as `now`, counters
 * as parsed dumps, and reports go out through `emit` (the outbox) before any state that depends on them
 * is saved.
 */
export class SessionTracker {
  readonly sessions: Map<number, TrackedSession>;
  private pending: OutboxItem[] = [];

  constructor(
    private readonly emit: (items: OutboxItem[]) => void,
    private readonly handshakeTimeoutMs: number,
    sessions: Iterable<TrackedSession> = [],
  ) {
    this.sessions = new Map([...sessions].map((s) => [s.sessionId, s]));
  }

  track(sessionId: number, publicKey: string, internalIp: string): TrackedSession {
    const s: TrackedSession = {
      sessionId,
      publicKey,
      internalIp,
      epoch: 0,
      seq: 0,
      epochFresh: true,
      needsFreshPeer: true,
      rx: 0n,
      tx: 0n,
      observedAt: 0,
      reportedRx: null,
      reportedTx: null,
      lastHandshake: 0,
      lastActivityMs: 0,
      startedAt: null,
      ended: false,
    };
    this.sessions.set(sessionId, s);
    return s;
  }

  forget(sessionId: number): void {
    this.sessions.delete(sessionId);
  }

  /** Peers that should be on the interface, by public key. */
  wantedPeers(): Map<string, WantedPeer & { sessionId: number }> {
    const m = new Map<string, WantedPeer & { sessionId: number }>();
    for (const s of this.live())
      m.set(s.publicKey, { sessionId: s.sessionId, allowedIp: hostRoute(s.internalIp), fresh: s.needsFreshPeer });
    return m;
  }

  /** The agent is about to (re)create this session's peer: its counters will restart from 0. */
  peerWillBeAdded(sessionId: number): void {
    const s = this.sessions.get(sessionId);
    if (s) this.newEpoch(s);
    this.commit();
  }

  peerAdded(sessionId: number): void {
    const s = this.sessions.get(sessionId);
    if (s) s.needsFreshPeer = false;
  }

  /** The interface was recreated or wireguard-go restarted: every peer counts from 0 again. */
  interfaceReset(): void {
    for (const s of this.live()) this.newEpoch(s);
    this.commit();
  }

  /** Takes one dump's counters and handshakes; returns the sessions that just ended for lack of handshakes. */
  observe(now: number, peers: ReadonlyMap<string, PeerDump>): number[] {
    const timedOut: number[] = [];
    for (const s of this.live()) {
      const p = peers.get(s.publicKey);
      // a missing peer is re-added by the agent, which starts a new epoch
      if (p && !s.needsFreshPeer) this.take(s, p, now);
      if (s.startedAt !== null && now - s.lastActivityMs >= this.handshakeTimeoutMs) {
        this.endSession(s, now, 'timeout');
        timedOut.push(s.sessionId);
      }
    }
    this.commit();
    return timedOut;
  }

  private take(s: TrackedSession, p: PeerDump, now: number): void {
    if (!s.epochFresh && (p.rx < s.rx || p.tx < s.tx)) this.newEpoch(s);
    const uploaded = p.rx > s.rx;
    s.rx = p.rx;
    s.tx = p.tx;
    s.observedAt = now;
    s.epochFresh = false;
    if (p.latestHandshake > 0 && p.latestHandshake !== s.lastHandshake) {
      s.lastHandshake = p.latestHandshake;
      s.lastActivityMs = Math.max(s.lastActivityMs, p.latestHandshake * 1000);
      if (s.startedAt === null) {
        s.startedAt = p.latestHandshake * 1000;
        this.pending.push({ kind: 'start', session_id: s.sessionId, at: s.startedAt });
      }
    }
    // Only bytes from the device prove it is there: tx also grows with our own handshake retries to it.
    if (uploaded && s.startedAt !== null) s.lastActivityMs = Math.max(s.lastActivityMs, now);
  }

  /** Final counters, then the end event at the last activity. A cut session that never started ends now. */
  end(sessionId: number, now: number, reason: EndReason): void {
    const s = this.sessions.get(sessionId);
    if (s && !s.ended) this.endSession(s, now, reason);
    this.commit();
  }

  /**
   * The platform repeats a cut order until it receives the session's end. For a session already ended here
   * (or unknown: state lost, forgotten) the end is sent again; a duplicate end is harmless.
   */
  confirmEnded(sessionId: number, now: number): void {
    const s = this.sessions.get(sessionId);
    const at = s && s.startedAt !== null ? s.lastActivityMs : now;
    this.pending.push({ kind: 'end', session_id: sessionId, at });
    this.commit();
  }

  /** Counters changed since the last report, for every started session. */
  flush(): void {
    for (const s of this.live()) if (s.startedAt !== null) this.reportCounters(s);
    this.commit();
  }

  private endSession(s: TrackedSession, now: number, reason: EndReason): void {
    if (s.startedAt !== null) {
      this.reportCounters(s);
      this.pending.push({ kind: 'end', session_id: s.sessionId, at: s.lastActivityMs });
    } else if (reason === 'cut') {
      this.pending.push({ kind: 'end', session_id: s.sessionId, at: now });
    }
    s.ended = true;
  }

  private newEpoch(s: TrackedSession): void {
    if (s.epochFresh) return;
    if (s.startedAt !== null) this.reportCounters(s);
    s.epoch += 1;
    s.epochFresh = true;
    s.rx = 0n;
    s.tx = 0n;
    s.reportedRx = null;
    s.reportedTx = null;
  }

  private reportCounters(s: TrackedSession): void {
    const unchanged =
      s.reportedRx === null ? s.rx === 0n && s.tx === 0n : s.rx === s.reportedRx && s.tx === s.reportedTx;
    if (unchanged) return;
    s.seq += 1;
    this.pending.push({
      kind: 'counter',
      session_id: s.sessionId,
      epoch: s.epoch,
      seq: s.seq,
      download: s.tx,
      upload: s.rx,
      at: s.observedAt,
    });
    s.reportedRx = s.rx;
    s.reportedTx = s.tx;
  }

  private commit(): void {
    if (this.pending.length === 0) return;
    const items = this.pending;
    this.pending = [];
    this.emit(items);
  }

  private *live(): Iterable<TrackedSession> {
    for (const s of this.sessions.values()) if (!s.ended) yield s;
  }
}
