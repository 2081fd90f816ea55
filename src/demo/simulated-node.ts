/**
 * A simulated node agent: every sync_interval it POSTs /node/sync with start events, cumulative
 * counters (epoch 0, seq increasing per session) and end events, and it honours the reply's cut
 * orders by removing the peer and reporting `end`. Events the platform did not acknowledge are sent
 * again with the next sync.
 */
import type { CounterReport, SessionEvent } from '../contract/node.ts';
import type { DemoHttp } from './http.ts';
import type { SimDevice } from './simulated-device.ts';

export interface TunnelPlan {
  /** bytes per second sent to the device */
  rateDown: number;
  /** bytes per second sent by the device */
  rateUp: number;
  durationMs: number;
}

interface Tunnel extends TunnelPlan {
  sessionId: number;
  device: SimDevice;
  down: number;
  up: number;
  seq: number;
  connectedAt: number;
  lastAt: number;
  startSent: boolean;
  onEnd: (reason: string) => void;
}

export interface NodeStats {
  syncs: number;
  failedSyncs: number;
  started: number;
  ended: number;
  cut: Map<string, number>;
  bytes: number;
}

export class SimNode {
  private readonly tunnels = new Map<number, Tunnel>();
  private outbox: SessionEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private interval = 5;
  private firstSync = true;
  private running = false;
  private inFlight: Promise<void> | null = null;
  readonly stats: NodeStats = { syncs: 0, failedSyncs: 0, started: 0, ended: 0, cut: new Map(), bytes: 0 };

  constructor(
    readonly name: string,
    readonly country: string,
    private readonly token: string,
    private readonly http: DemoHttp,
  ) {}

  get active(): number {
    return this.tunnels.size;
  }

  hasDevice(d: SimDevice): boolean {
    for (const t of this.tunnels.values()) if (t.device === d) return true;
    return false;
  }

  /** The device's tunnel came up (its handshake reached this node). */
  connect(sessionId: number, device: SimDevice, plan: TunnelPlan, onEnd: (reason: string) => void): void {
    const now = Date.now();
    this.tunnels.set(sessionId, { ...plan, sessionId, device, down: 0, up: 0, seq: 0, connectedAt: now, lastAt: now, startSent: false, onEnd });
  }

  start(delayMs: number): void {
    this.running = true;
    this.timer = setTimeout(() => void this.loop(), delayMs);
  }

  private async loop(): Promise<void> {
    if (!this.running) return;
    this.inFlight = this.sync().catch(() => {
      this.stats.failedSyncs++;
    });
    await this.inFlight;
    this.inFlight = null;
    if (this.running) this.timer = setTimeout(() => void this.loop(), this.interval * 1000 * (0.9 + Math.random() * 0.2));
  }

  /** One sync; with `final`, every tunnel ends now (the demo is stopping). */
  async sync(final = false): Promise<void> {
    const now = Date.now();
    const events: SessionEvent[] = [...this.outbox];
    const counters: CounterReport[] = [];
    const finished: Tunnel[] = [];
    for (const t of this.tunnels.values()) {
      if (!t.startSent) events.push({ type: 'start', session_id: t.sessionId, at: t.connectedAt });
      const dt = Math.max(0, now - t.lastAt) / 1000;
      const jitter = 0.4 + Math.random() * 1.2;
      const dDown = Math.round(t.rateDown * dt * jitter);
      const dUp = Math.round(t.rateUp * dt * jitter);
      t.down += dDown;
      t.up += dUp;
      t.lastAt = now;
      t.seq++;
      counters.push({ session_id: t.sessionId, epoch: 0, seq: t.seq, download: t.down, upload: t.up, at: now });
      if (final || now - t.connectedAt >= t.durationMs) {
        events.push({ type: 'end', session_id: t.sessionId, at: now });
        finished.push(t);
      }
    }
    const sent = new Set(this.tunnels.keys());
    const r = await this.http.req('POST', '/node/sync', { token: this.token, body: { agent_version: 'demo-sim/1', events, counters } });
    if (r.status !== 200) {
      this.stats.failedSyncs++;
      return;
    }
    this.stats.syncs++;
    this.outbox = [];
    this.interval = Math.min(60, Math.max(1, Number(r.body.sync_interval) || 5));
    for (const e of events) if (e.type === 'start') this.stats.started++;
    for (const t of this.tunnels.values()) t.startSent = true;
    for (const t of finished) this.finish(t, 'DISCONNECTED');

    for (const c of r.body.cut as Array<{ session_id: number; reason: string }>) {
      // Honour the order: drop the peer and confirm with an end event on the next sync.
      this.outbox.push({ type: 'end', session_id: c.session_id, at: Date.now() });
      const t = this.tunnels.get(c.session_id);
      if (t) {
        this.stats.cut.set(c.reason, (this.stats.cut.get(c.reason) ?? 0) + 1);
        this.finish(t, c.reason);
      }
    }
    const peers = new Set((r.body.peers as Array<{ session_id: number }>).map((p) => p.session_id));
    if (this.firstSync) {
      // Sessions left over from an earlier run: this agent has no such tunnels; report them ended.
      for (const id of peers) if (!this.tunnels.has(id)) this.outbox.push({ type: 'end', session_id: id, at: Date.now() });
      this.firstSync = false;
    }
    for (const id of sent) {
      const t = this.tunnels.get(id);
      if (t && !peers.has(id)) this.finish(t, 'REMOVED');
    }
  }

  private finish(t: Tunnel, reason: string): void {
    if (!this.tunnels.delete(t.sessionId)) return;
    this.stats.ended++;
    this.stats.bytes += t.down + t.up;
    t.onEnd(reason);
  }

  /** Stops the loop and reports every tunnel ended. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.inFlight;
    if (this.tunnels.size || this.outbox.length) await this.sync(true).catch(() => undefined);
  }

  /** Bytes moved by tunnels that are still up. */
  liveBytes(): number {
    let n = 0;
    for (const t of this.tunnels.values()) n += t.down + t.up;
    return n;
  }
}
