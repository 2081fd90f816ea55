/**
 * The agent on real WireGuard (wireguard-go or kernel) in network namespaces, against a stub platform that
 * applies reports as the Node API promises. Run with `npm run test:wireguard` as root.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWireguardGoPid } from '../../agent/wireguard-go.ts';
import { ReferencePlatform } from '../agent/agent-harness.ts';
import { ECHO_SERVER, Topology, UNDERLAY, canRun, sh, sleep, udpEcho, waitFor, type Client } from './wireguard-netns.ts';

const reason = canRun();
const TOKEN = 'e2e-node-token';
const ECHO_PORT = 7777;
const MSG = 1072n; // a 1000-byte UDP payload: 1028-byte IP packet, padded to 1040, + 32 bytes of WireGuard framing

describe.skipIf(reason)(`agent on real WireGuard${reason ? ` — skipped: ${reason}` : ''}`, () => {
  let t: Topology;
  let http: Server;
  let port = 0;
  let agent: ChildProcess | null = null;
  let c1: Client;
  let c2: Client;
  const platform = new ReferencePlatform(Date.now);
  platform.syncInterval = 1;
  /** bytes of closed epochs per session, as the node's dump showed them last */
  const closed = new Map<number, { download: bigint; upload: bigint }>([
    [1, { download: 0n, upload: 0n }],
    [2, { download: 0n, upload: 0n }],
  ]);

  const listen = () =>
    new Promise<void>((resolve) => {
      http = createServer((req, res) => {
        let body = '';
        req.on('data', (b: Buffer) => (body += b.toString()));
        req.on('end', () => {
          if (req.headers.authorization !== `Bearer ${TOKEN}`) {
            res.writeHead(401).end('{"result":"NOT_AUTHORIZED","error":"bad node token"}');
            return;
          }
          platform.sync(body).then(
            (reply) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply)),
            (e: Error) => res.writeHead(500).end(JSON.stringify({ result: 'INTERNAL_SERVER_ERROR', error: e.message })),
          );
        });
      });
      http.listen(port, '127.0.0.1', () => {
        port = (http.address() as AddressInfo).port;
        resolve();
      });
    });

  const startAgent = async () => {
    const args = ['--platform-url', `http://127.0.0.1:${port}`, '--token', TOKEN, '--interface', t.nodeIf, '--listen-port', '51820'];
    args.push('--address', '10.214.0.1/24', '--poll-interval', '1', '--sync-interval', '1', '--state-dir', join(t.dir, 'agent'));
    agent = t.spawn(t.nodeNs, process.execPath, ['bin/gatehouse.js', 'agent', ...args], `agent-${Date.now()}`);
    await waitFor('the agent to apply peers', () => {
      try {
        return t.nodePeers().size === desiredCount();
      } catch {
        return false;
      }
    });
  };
  const desiredCount = () => platform.peers.length;
  const killAgent = async (signal: NodeJS.Signals) => {
    const a = agent!;
    if (a.exitCode !== null || a.signalCode !== null) return a.exitCode;
    const exited = new Promise<number | null>((r) => a.on('exit', (code) => r(code)));
    a.kill(signal);
    agent = null;
    return exited;
  };
  /** waits for two more syncs after traffic settled, then compares platform totals with closed epochs + live counters */
  const expectExact = async (...clients: [number, Client][]) => {
    await sleep(1500);
    const n = platform.bodies.length;
    await waitFor('two syncs', () => platform.bodies.length >= n + 2);
    const peers = t.nodePeers();
    for (const [sid, c] of clients) {
      const p = peers.get(c.publicKey)!;
      const before = closed.get(sid)!;
      expect({ sid, ...platform.totals(sid) }).toEqual({ sid, download: before.download + p.tx, upload: before.upload + p.rx });
    }
  };
  const closeEpochs = (...clients: [number, Client][]) => {
    const peers = t.nodePeers();
    for (const [sid, c] of clients) {
      const p = peers.get(c.publicKey)!;
      const before = closed.get(sid)!;
      closed.set(sid, { download: before.download + p.tx, upload: before.upload + p.rx });
    }
  };

  beforeAll(async () => {
    t = await Topology.create('ga');
    await listen();
    await t.bridgePlatform(port);
    mkdirSync(join(t.dir, 'agent'), { mode: 0o700 });
    const nodeKey = sh('wg', ['genkey']).trim();
    writeFileSync(join(t.dir, 'agent', 'private.key'), nodeKey + '\n', { mode: 0o600 });
    const nodePublicKey = sh('wg', ['pubkey'], nodeKey + '\n').trim();
    c1 = t.addClient(1);
    c2 = t.addClient(2);
    for (const [c, ip] of [
      [c1, '10.214.0.11'],
      [c2, '10.214.0.12'],
    ] as const)
      t.configureClient(c, { address: `${ip}/32`, nodePublicKey, endpoint: `${UNDERLAY}.1:51820`, allowedIps: '10.214.0.0/24' });
    platform.peers = [
      { session_id: 1, public_key: c1.publicKey, internal_ip: '10.214.0.11' },
      { session_id: 2, public_key: c2.publicKey, internal_ip: '10.214.0.12' },
    ];
    await t.spawnReady(t.nodeNs, process.execPath, ['-e', ECHO_SERVER('0.0.0.0', ECHO_PORT)], /ready/);
  }, 60_000);

  afterAll(async () => {
    const steps = [() => agent && killAgent('SIGKILL'), () => http?.close(), () => t?.destroy()];
    for (const step of steps) await Promise.resolve(step()).catch((e: unknown) => console.error('cleanup:', e));
  }, 60_000);

  it('reports exact counters of real traffic, with starts at the first handshake', async () => {
    await startAgent();
    expect(udpEcho(c1.ns, '10.214.0.1', ECHO_PORT, 200, 1000)).toEqual({ got: 200, resent: 0 });
    expect(udpEcho(c2.ns, '10.214.0.1', ECHO_PORT, 50, 1000)).toEqual({ got: 50, resent: 0 });
    await expectExact([1, c1], [2, c2]);
    const hs = t.nodePeers().get(c1.publicKey)!.latestHandshake;
    expect(platform.events.find((e) => e.session_id === 1)).toEqual({ type: 'start', session_id: 1, at: hs * 1000 });

    await sleep(11_000); // let the clients' keepalives go out
    const before = t.nodePeers().get(c1.publicKey)!;
    expect(udpEcho(c1.ns, '10.214.0.1', ECHO_PORT, 100, 1000)).toEqual({ got: 100, resent: 0 });
    const after = t.nodePeers().get(c1.publicKey)!;
    expect([after.rx - before.rx, after.tx - before.tx]).toEqual([100n * MSG, 100n * MSG]);
    await expectExact([1, c1], [2, c2]);
  }, 120_000);

  it('an agent killed and restarted continues the same epoch: nothing lost, nothing doubled', async () => {
    await killAgent('SIGKILL');
    expect(udpEcho(c1.ns, '10.214.0.1', ECHO_PORT, 30, 1000).got).toBe(30);
    await startAgent();
    await expectExact([1, c1], [2, c2]);
    expect(platform.bodies.join('')).not.toContain('"epoch":1');
  }, 120_000);

  it('a restarted wireguard-go starts a new epoch and the agent re-adds every peer', async () => {
    closeEpochs([1, c1], [2, c2]);
    const pid = await findWireguardGoPid(t.nodeIf);
    expect(pid).not.toBe(null);
    process.kill(pid!, 'SIGKILL');
    await waitFor('wireguard-go to be restarted', async () => {
      const p = await findWireguardGoPid(t.nodeIf);
      return p !== null && p !== pid && peerCount(t) === 2;
    });
    expect(udpEcho(c1.ns, '10.214.0.1', ECHO_PORT, 20, 1000, 60_000).got).toBe(20);
    expect(udpEcho(c2.ns, '10.214.0.1', ECHO_PORT, 20, 1000, 60_000).got).toBe(20);
    await expectExact([1, c1], [2, c2]);
    expect(platform.bodies.join('')).toContain('"session_id":1,"epoch":1');
  }, 180_000);

  it('keeps reports across a platform outage and an agent restart during it', async () => {
    await new Promise<void>((r) => http.close(() => r()));
    http.closeAllConnections();
    const bodies = platform.bodies.length;
    expect(udpEcho(c1.ns, '10.214.0.1', ECHO_PORT, 20, 1000).got).toBe(20);
    await sleep(2500);
    await killAgent('SIGKILL');
    await startAgent();
    expect(udpEcho(c2.ns, '10.214.0.1', ECHO_PORT, 20, 1000).got).toBe(20);
    await sleep(2500);
    expect(readFileSync(join(t.dir, 'agent', 'outbox.jsonl'), 'utf8')).not.toBe('');
    expect(platform.bodies.length).toBe(bodies);
    await listen();
    await expectExact([1, c1], [2, c2]);
  }, 180_000);

  it('cuts a session: its peer goes, its traffic stops, its end is reported', async () => {
    await sleep(1500);
    const last = t.nodePeers().get(c2.publicKey)!;
    platform.peers = platform.peers.filter((p) => p.session_id !== 2);
    platform.cut = [{ session_id: 2, reason: 'TRAFFIC_EXCEED' }];
    await waitFor('the peer to be removed', () => !t.nodePeers().has(c2.publicKey));
    platform.cut = [];
    await waitFor('the end event', () => platform.events.some((e) => e.type === 'end' && e.session_id === 2));
    const end = platform.events.find((e) => e.type === 'end' && e.session_id === 2)!;
    expect(end.at).toBeLessThanOrEqual(Date.now());
    expect(end.at).toBeGreaterThanOrEqual(last.latestHandshake * 1000);
    // Between the snapshot and the removal the client may still send a keepalive (32 B) or start a
    // handshake (148 B): the final report may exceed the snapshot by protocol bytes, never by data.
    const final = platform.totals(2);
    const extraDown = final.download - (closed.get(2)!.download + last.tx);
    const extraUp = final.upload - (closed.get(2)!.upload + last.rx);
    for (const extra of [extraDown, extraUp]) {
      expect(extra).toBeGreaterThanOrEqual(0n);
      expect(extra).toBeLessThanOrEqual(148n + 92n + 32n);
    }
    expect(udpEcho(c2.ns, '10.214.0.1', ECHO_PORT, 1, 1000, 3000).got).toBe(0);
    expect(udpEcho(c1.ns, '10.214.0.1', ECHO_PORT, 1, 1000, 3000).got).toBe(1);
  }, 120_000);

  it('stops on SIGTERM with exit 0 and leaves the interface and its peers up', async () => {
    expect(await killAgent('SIGTERM')).toBe(0);
    expect([...t.nodePeers().keys()]).toEqual([c1.publicKey]);
    expect(existsSync(join(t.dir, 'agent', 'agent.lock'))).toBe(false);
  }, 60_000);
});

function peerCount(t: Topology): number {
  try {
    return t.nodePeers().size;
  } catch {
    return -1;
  }
}
