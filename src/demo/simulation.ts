/**
 * The live part of the demo: keeps 30–80 sessions up by letting idle devices ask for credentials
 * and connect to the node they were given, and lets the operator block and unblock a user now and
 * then. Everything goes through the real client, node and partner APIs.
 */
import type { DemoHttp } from './http.ts';
import type { FirebaseIssuer } from './firebase.ts';
import type { DemoPartner } from './partner.ts';
import type { SimDevice, SimUser } from './simulated-device.ts';
import type { SimNode, TunnelPlan } from './simulated-node.ts';

const COUNTRIES = ['DE', 'NL', 'US', 'JP'];
const between = (a: number, b: number) => a + Math.random() * (b - a);
const MIN = 60_000;

/** How a session of this device will use the tunnel. */
const planFor = (d: SimDevice): TunnelPlan => {
  const r = Math.random();
  const [down, ms] = d.user.heavy
    ? [between(1.5e6, 4e6), between(3 * MIN, 15 * MIN)]
    : r < 0.7
      ? [between(5e3, 60e3), between(0.5 * MIN, 10 * MIN)]
      : r < 0.97
        ? [between(80e3, 300e3), between(1 * MIN, 6 * MIN)]
        : [between(0.8e6, 1.5e6), between(2 * MIN, 6 * MIN)];
  return { rateDown: down, rateUp: down * between(0.05, 0.25), durationMs: ms };
};

export class Simulation {
  private timer: NodeJS.Timeout | null = null;
  private readonly t0 = Date.now();
  private connecting = 0;
  private lastStatusChange = Date.now();
  private readonly operatorDisabled: SimUser[] = [];
  readonly credentials = new Map<string, number>();
  readonly overLimit = new Set<SimUser>();

  constructor(
    private readonly http: DemoHttp,
    private readonly firebase: FirebaseIssuer,
    private readonly partner: DemoPartner,
    private readonly devices: SimDevice[],
    private readonly nodes: Map<string, SimNode>,
  ) {}

  get active(): number {
    let n = 0;
    for (const node of this.nodes.values()) n += node.active;
    return n;
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), 1000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** 30–80 sessions, swinging slowly like a day's curve. */
  private target(): number {
    const t = (Date.now() - this.t0) / (12 * MIN);
    return Math.round(55 + 20 * Math.sin(2 * Math.PI * t) + between(-3, 3));
  }

  private tick(): void {
    const now = Date.now();
    const want = this.target() - this.active - this.connecting;
    const idle = this.devices.filter(
      (d) => !d.busy && d.blockedUntil <= now && !d.user.neverLogsIn && (d.user.status === 'active' || d.user.status === 'invited'),
    );
    // Heavy users come first in the first minutes, so that some reach the limit early.
    const heavyFirst = now - this.t0 < 2 * MIN ? idle.filter((d) => d.user.heavy) : [];
    for (let k = 0; k < Math.min(3, want) && idle.length; k++) {
      const pool = heavyFirst.length ? heavyFirst : idle;
      const d = pool.splice(Math.floor(Math.random() * pool.length), 1)[0]!;
      if (pool !== idle) idle.splice(idle.indexOf(d), 1);
      void this.connect(d);
    }
    if (now - this.lastStatusChange > (this.operatorDisabled.length ? 4 * MIN : 30_000)) {
      this.lastStatusChange = now;
      void this.operatorStatusChange();
    }
  }

  private count(code: string): void {
    this.credentials.set(code, (this.credentials.get(code) ?? 0) + 1);
  }

  private async connect(d: SimDevice): Promise<void> {
    d.busy = true;
    this.connecting++;
    try {
      if (!d.token) {
        const code = await d.login(this.http, this.firebase);
        if (code !== 'OK') {
          d.blockedUntil = Date.now() + 10 * MIN;
          this.count(`login ${code}`);
          return;
        }
      }
      const country = Math.random() < 0.4 ? COUNTRIES[Math.floor(Math.random() * COUNTRIES.length)]! : null;
      const res = await d.credentials(this.http, country);
      if (!res.ok) {
        this.count(res.code);
        if (res.code === 'TRAFFIC_EXCEED') this.overLimit.add(d.user);
        const wait = { TRAFFIC_EXCEED: 10 * MIN, SESSIONS_EXCEED: MIN, DEVICES_EXCEED: 60 * MIN }[res.code] ?? 30_000;
        d.blockedUntil = Date.now() + wait * between(0.7, 1.3);
        return;
      }
      this.count('OK');
      const node = this.nodes.get(res.server);
      if (!node) return;
      node.connect(res.sessionId, d, planFor(d), (reason) => {
        d.busy = false;
        if (reason === 'TRAFFIC_EXCEED') this.overLimit.add(d.user);
        d.blockedUntil = Date.now() + (reason === 'TRAFFIC_EXCEED' ? 10 * MIN : between(10_000, 4 * MIN));
      });
      return;
    } catch {
      d.blockedUntil = Date.now() + 30_000;
    } finally {
      this.connecting--;
      // busy stays set only while a tunnel is up (the node's onEnd clears it)
      if (d.busy && !this.isConnected(d)) d.busy = false;
    }
  }

  private isConnected(d: SimDevice): boolean {
    for (const n of this.nodes.values()) if (n.hasDevice(d)) return true;
    return false;
  }

  /** The operator blocks a user who is online (its sessions are cut), and later unblocks one. */
  private async operatorStatusChange(): Promise<void> {
    if (this.operatorDisabled.length >= 3) {
      const u = this.operatorDisabled.shift()!;
      if (u.id !== null && (await this.partner.setStatus(u.id, 'active'))) u.status = 'active';
    }
    const online = [...new Set(this.devices.filter((d) => this.isConnected(d) && !d.user.heavy).map((d) => d.user))];
    const u = online[Math.floor(Math.random() * online.length)];
    if (u?.id != null && (await this.partner.setStatus(u.id, 'disabled'))) {
      u.status = 'disabled';
      this.operatorDisabled.push(u);
    }
  }
}
