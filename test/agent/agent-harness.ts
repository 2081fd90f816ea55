import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SyncReply } from '../../src/contract/node.ts';
import { Agent } from '../../agent/agent.ts';
import { silentLogger } from '../../agent/log.ts';
import { Outbox } from '../../agent/outbox.ts';
import { PlatformError } from '../../agent/platform-client.ts';
import { WireGuard } from '../../agent/wireguard.ts';
import { FakeWireGuard, key } from './fake-wireguard.ts';

export const TIMEOUT_MS = 185_000;

/** Applies counter reports the way the platform promises: once per seq, a new epoch counting from 0. */
export class ReferencePlatform {
  peers: SyncReply['peers'] = [];
  cut: SyncReply['cut'] = [];
  down = false;
  syncInterval = 10;
  bodies: string[] = [];
  events: { type: string; session_id: number; at: number }[] = [];
  private perSession = new Map<number, { epoch: number; seq: number; down: bigint; up: bigint; totalDown: bigint; totalUp: bigint }>();

  constructor(private readonly clock: () => number) {}

  sync = async (bodyJson: string): Promise<SyncReply> => {
    if (this.down) throw new PlatformError(null, 'platform unreachable: connect ECONNREFUSED');
    this.bodies.push(bodyJson);
    // u64 counters arrive as plain integer literals; read them exactly
    const exact = bodyJson.replace(/"(download|upload)":(\d+)/g, '"$1":"$2"');
    const body = JSON.parse(exact) as {
      events: ReferencePlatform['events'];
      counters: { session_id: number; epoch: number; seq: number; download: string; upload: string }[];
    };
    this.events.push(...body.events);
    let applied = 0;
    for (const r of body.counters) {
      const s = this.perSession.get(r.session_id) ?? { epoch: -1, seq: 0, down: 0n, up: 0n, totalDown: 0n, totalUp: 0n };
      if (r.seq <= s.seq) continue;
      if (r.epoch < s.epoch) throw new Error(`epoch went back for session ${r.session_id}`);
      if (r.epoch > s.epoch) Object.assign(s, { epoch: r.epoch, down: 0n, up: 0n });
      const [d, u] = [BigInt(r.download), BigInt(r.upload)];
      if (d < s.down || u < s.up) throw new Error(`counter decreased within epoch for session ${r.session_id}`);
      s.totalDown += d - s.down;
      s.totalUp += u - s.up;
      Object.assign(s, { seq: r.seq, down: d, up: u });
      this.perSession.set(r.session_id, s);
      applied++;
    }
    return { result: 'OK', now: this.clock(), sync_interval: this.syncInterval, applied_counters: applied, ignored_counters: body.counters.length - applied, peers: this.peers, cut: this.cut };
  };

  totals(sessionId: number): { download: bigint; upload: bigint } {
    const s = this.perSession.get(sessionId);
    return { download: s?.totalDown ?? 0n, upload: s?.totalUp ?? 0n };
  }
}

export function desired(n: number, ip = `10.8.0.${n + 1}`) {
  return { session_id: n, public_key: key(n), internal_ip: ip };
}

const dirs: string[] = [];

export function removeHarnessDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function harness() {
  const dir = mkdtempSync(join(tmpdir(), 'gh-agent-'));
  dirs.push(dir);
  let now = 1_733_230_000_000;
  const clock = () => now;
  const fake = new FakeWireGuard();
  const platform = new ReferencePlatform(clock);
  const start = () =>
    new Agent({
      wg: new WireGuard({
        iface: 'wg0',
        listenPort: 51820,
        privateKeyFile: join(dir, 'private.key'),
        address: '10.8.0.1/24',
        userspace: false,
        run: fake.run,
        log: silentLogger,
        startUserspace: async () => {
          throw new Error('no userspace in this test');
        },
        findUserspacePid: async () => null,
        userspaceSocketExists: () => false,
      }),
      platform,
      outbox: Outbox.open(join(dir, 'outbox.jsonl'), silentLogger),
      statePath: join(dir, 'state.json'),
      clock,
      log: silentLogger,
      agentVersion: 'test',
      handshakeTimeoutMs: TIMEOUT_MS,
      syncIntervalMs: 10_000,
    });
  return {
    dir,
    fake,
    platform,
    start,
    /** advances the clock; returns unix seconds for handshakes */
    tick(ms: number): number {
      now += ms;
      return Math.floor(now / 1000);
    },
    now: clock,
  };
}
