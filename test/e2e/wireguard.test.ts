/**
 * Issue 4's proof: the real server, the real agent (`gatehouse agent`) in a node namespace, and real
 * WireGuard clients configured from /user/credentials move known bytes; the partner API must show exactly
 * what the node's WireGuard counted, through agent kills, a wireguard-go restart and a platform outage,
 * and cuts must stop traffic. Root only; run with `npm run test:wireguard`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWireguardGoPid } from '../../agent/wireguard-go.ts';
import { ECHO_SERVER, Topology, UNDERLAY, canRun, sh, sleep, udpEcho, waitFor, type Client } from './wireguard-netns.ts';

const reason = canRun();
const PROJECT = 'e2e';
const ECHO_PORT = 7777;
const NODE_TUNNEL_IP = '10.214.0.1';
const MSG = 1072n; // a 1000-byte UDP payload: 1028-byte IP packet, padded to 1040, + 32 bytes of WireGuard framing

interface Device {
  client: Client;
  userId: number;
  deviceId: number;
  accessToken: string;
  sessionId: number;
}
interface PartnerSession {
  id: number;
  download: number;
  upload: number;
  active: boolean;
  start_time: string;
  end_time: string | null;
  end_reason: string | null;
}

describe.skipIf(reason)(`WireGuard end to end${reason ? ` — skipped: ${reason}` : ''}`, () => {
  let t: Topology;
  let port = 0;
  let server: ChildProcess | null = null;
  let agent: ChildProcess | null = null;
  let env: NodeJS.ProcessEnv;
  let nodeToken = '';
  let projectKey = '';
  let stateDir = '';
  const devices: Device[] = [];
  /** per session: bytes of closed counter epochs, from the node's dumps */
  const closed = new Map<number, { download: bigint; upload: bigint }>();

  const cli = (...args: string[]) => sh(process.execPath, ['bin/gatehouse.js', ...args], undefined, env);
  const api = async <T>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: T }> => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as T };
  };
  let partnerToken = '';
  const partner = async <T>(method: string, path: string, body?: unknown) => {
    if (!partnerToken) partnerToken = (await api<{ access_token: string }>('POST', '/partner/login', { login: PROJECT, password: projectKey })).json.access_token;
    return api<T>(method, `/partner${path}`, body, partnerToken);
  };
  const sessionOf = async (d: Device): Promise<PartnerSession> => {
    const r = await partner<{ sessions: PartnerSession[] }>('GET', `/subscribers/${d.userId}/sessions`);
    const s = r.json.sessions.find((x) => x.id === d.sessionId);
    if (!s) throw new Error(`session ${d.sessionId} not listed: ${JSON.stringify(r.json)}`);
    return s;
  };

  const startServer = async () => {
    const child = spawn(process.execPath, ['bin/gatehouse.js', 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    server = child;
    const log: string[] = [];
    child.stdout!.on('data', (b: Buffer) => log.push(b.toString()));
    child.stderr!.on('data', (b: Buffer) => log.push(b.toString()));
    child.on('exit', () => writeFileSync(join(t.logDir, `server-${Date.now()}.log`), log.join('')));
    await waitFor('the server', async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/docs`)).ok;
      } catch {
        return false;
      }
    });
  };
  const stopServer = async () => {
    const s = server!;
    server = null;
    if (s.exitCode !== null || s.signalCode !== null) return;
    const exited = new Promise((r) => s.on('exit', r));
    s.kill('SIGTERM');
    await exited;
  };
  const startAgent = async () => {
    const args = ['bin/gatehouse.js', 'agent', '--platform-url', `http://127.0.0.1:${port}`, '--token', nodeToken];
    args.push('--interface', t.nodeIf, '--address', `${NODE_TUNNEL_IP}/24`, '--poll-interval', '1', '--state-dir', stateDir);
    agent = t.spawn(t.nodeNs, process.execPath, args, `agent-${Date.now()}`);
    await waitFor('the agent interface', () => {
      try {
        t.nodePeers();
        return true;
      } catch {
        return false;
      }
    });
  };
  const killAgent = async (signal: NodeJS.Signals) => {
    const a = agent!;
    agent = null;
    if (a.exitCode !== null || a.signalCode !== null) return a.exitCode;
    const exited = new Promise<number | null>((r) => a.on('exit', (code) => r(code)));
    a.kill(signal);
    return exited;
  };

  /** The partner API shows closed epochs + the node's live counters, exactly, once the agent synced. */
  const expectExact = async (...ds: Device[]) => {
    await sleep(1500); // let in-flight packets land
    const want = () => {
      const peers = t.nodePeers();
      return ds.map((d) => {
        const p = peers.get(d.client.publicKey)!;
        const c = closed.get(d.sessionId) ?? { download: 0n, upload: 0n };
        return { session: d.sessionId, download: Number(c.download + p.tx), upload: Number(c.upload + p.rx) };
      });
    };
    const got = async () => Promise.all(ds.map(async (d) => ({ session: d.sessionId, ...pick(await sessionOf(d)) })));
    let last: unknown;
    await waitFor(
      'the platform to show the node counters',
      async () => JSON.stringify((last = await got())) === JSON.stringify(want()),
      20_000,
    ).catch(() => undefined);
    expect(last).toEqual(want());
  };
  const pick = (s: PartnerSession) => ({ download: s.download, upload: s.upload });
  const closeEpochs = (...ds: Device[]) => {
    const peers = t.nodePeers();
    for (const d of ds) {
      const p = peers.get(d.client.publicKey)!;
      const c = closed.get(d.sessionId) ?? { download: 0n, upload: 0n };
      closed.set(d.sessionId, { download: c.download + p.tx, upload: c.upload + p.rx });
    }
  };

  beforeAll(async () => {
    t = await Topology.create('gw');
    port = await freePort();
    stateDir = join(t.dir, 'agent');
    mkdirSync(stateDir, { mode: 0o700 });
    env = {
      ...process.env,
      GATEHOUSE_DATA_DIR: join(t.dir, 'data'),
      GATEHOUSE_PORT: String(port),
      GATEHOUSE_HOST: '127.0.0.1',
      GATEHOUSE_NODE_SYNC_INTERVAL: '1',
      GATEHOUSE_LOG_LEVEL: 'warn',
    };
    const nodeKey = sh('wg', ['genkey']).trim();
    writeFileSync(join(stateDir, 'private.key'), nodeKey + '\n', { mode: 0o600 });
    const nodePublicKey = sh('wg', ['pubkey'], nodeKey + '\n').trim();
    projectKey = /private key \(shown once\): (\S+)/.exec(cli('project', 'create', PROJECT, '--type', 'public', '--auth', 'anonymous'))![1]!;
    nodeToken = /node token \(shown once\): (\S+)/.exec(
      cli('node', 'add', '--project', PROJECT, '--name', 'n1', '--country', 'DE', '--city', 'Berlin', '--endpoint', `${UNDERLAY}.1:51820`, '--public-key', nodePublicKey, '--pool', '10.214.0.0/24'),
    )![1]!;
    await startServer();
    await t.bridgePlatform(port);
    await startAgent();
    await t.spawnReady(t.nodeNs, process.execPath, ['-e', ECHO_SERVER('0.0.0.0', ECHO_PORT)], /ready/);

    for (const n of [1, 2]) {
      const client = t.addClient(n);
      const login = await api<{ access_token: string; device: { id: number }; subscriber: { id: number } }>('POST', '/user/login', {
        auth_method: 'anonymous',
        device_id: `e2e-device-${n}`,
        device_name: `client ${n}`,
        device_type: 'linux',
        carrier_id: PROJECT,
        public_key: client.publicKey,
      });
      expect(login.status).toBe(200);
      type Creds = { session_id: number; client_ip: string; wireguard: { interface: { address: string }; peer: { public_key: string; endpoint: string; allowed_ips: string[] }; config: string } };
      let creds: { status: number; json: Creds } | undefined;
      await waitFor('credentials (the node must have synced)', async () => (creds = await api<Creds>('GET', '/user/credentials', undefined, login.json.access_token)).status === 200);
      const wg = creds!.json.wireguard;
      expect(wg.peer).toMatchObject({ public_key: nodePublicKey, endpoint: `${UNDERLAY}.1:51820` });
      expect(wg.config).toContain('PrivateKey = {PRIVATE_KEY}'); // the platform never holds the device's private key
      expect(wg.config).not.toContain(client.privateKey);
      t.configureClient(client, { address: wg.interface.address, nodePublicKey: wg.peer.public_key, endpoint: wg.peer.endpoint, allowedIps: wg.peer.allowed_ips.join(',') });
      devices.push({ client, userId: login.json.subscriber.id, deviceId: login.json.device.id, accessToken: login.json.access_token, sessionId: creds!.json.session_id });
    }
    await waitFor('the agent to add both peers', () => t.nodePeers().size === 2);
  }, 180_000);

  afterAll(async () => {
    const steps = [() => agent && killAgent('SIGKILL'), () => server && stopServer(), () => t?.destroy()];
    for (const step of steps) await Promise.resolve(step()).catch((e: unknown) => console.error('cleanup:', e));
  }, 60_000);

  it('counts real traffic exactly, from the device side, starting at the first handshake', async () => {
    const [d1, d2] = devices as [Device, Device];
    expect(udpEcho(d1.client.ns, NODE_TUNNEL_IP, ECHO_PORT, 200, 1000).got).toBe(200);
    expect(udpEcho(d2.client.ns, NODE_TUNNEL_IP, ECHO_PORT, 50, 1000).got).toBe(50);
    await expectExact(d1, d2);
    const s1 = await sessionOf(d1);
    expect(s1.active).toBe(true);
    expect(Date.parse(s1.start_time)).toBe(t.nodePeers().get(d1.client.publicKey)!.latestHandshake * 1000);

    // Known bytes: with the tunnel up and keepalives settled, 100 echoes are exactly 100 messages each way.
    await sleep(11_000);
    await expectExact(d1, d2);
    const before = pick(await sessionOf(d1));
    expect(udpEcho(d1.client.ns, NODE_TUNNEL_IP, ECHO_PORT, 100, 1000)).toEqual({ got: 100, resent: 0 });
    await expectExact(d1, d2);
    const after = pick(await sessionOf(d1));
    expect([BigInt(after.download - before.download), BigInt(after.upload - before.upload)]).toEqual([100n * MSG, 100n * MSG]);
  }, 120_000);

  it('an agent killed and restarted loses and double-counts nothing', async () => {
    const [d1, d2] = devices as [Device, Device];
    await killAgent('SIGKILL');
    expect(udpEcho(d1.client.ns, NODE_TUNNEL_IP, ECHO_PORT, 30, 1000).got).toBe(30);
    await startAgent();
    await expectExact(d1, d2);
  }, 120_000);

  it('a restarted wireguard-go (counters back to 0) loses and double-counts nothing', async () => {
    const [d1, d2] = devices as [Device, Device];
    await expectExact(d1, d2);
    closeEpochs(d1, d2);
    const pid = await findWireguardGoPid(t.nodeIf);
    expect(pid).not.toBe(null);
    process.kill(pid!, 'SIGKILL');
    await waitFor('the agent to recreate the interface with both peers', async () => {
      const p = await findWireguardGoPid(t.nodeIf);
      try {
        return p !== null && p !== pid && t.nodePeers().size === 2;
      } catch {
        return false;
      }
    });
    expect(udpEcho(d1.client.ns, NODE_TUNNEL_IP, ECHO_PORT, 20, 1000, 60_000).got).toBe(20);
    expect(udpEcho(d2.client.ns, NODE_TUNNEL_IP, ECHO_PORT, 20, 1000, 60_000).got).toBe(20);
    await expectExact(d1, d2);
  }, 180_000);

  it('a platform outage, with an agent restart during it, loses and double-counts nothing', async () => {
    const [d1, d2] = devices as [Device, Device];
    await stopServer();
    expect(udpEcho(d1.client.ns, NODE_TUNNEL_IP, ECHO_PORT, 20, 1000).got).toBe(20);
    await sleep(2500);
    await killAgent('SIGKILL');
    await startAgent();
    expect(udpEcho(d2.client.ns, NODE_TUNNEL_IP, ECHO_PORT, 20, 1000).got).toBe(20);
    await sleep(2500);
    await startServer();
    await expectExact(d1, d2);
  }, 180_000);

  it('a user over its traffic limit is cut at the next sync: peer removed, traffic stops, new credentials refused', async () => {
    const d2 = devices[1]!;
    const used = await sessionOf(d2);
    const limit = used.download + used.upload + 20_000;
    expect((await partner('POST', `/subscribers/${d2.userId}/traffic`, { traffic_limit: limit })).status).toBe(200);
    udpEcho(d2.client.ns, NODE_TUNNEL_IP, ECHO_PORT, 40, 1000, 15_000);
    await waitFor('the peer to be removed', () => !t.nodePeers().has(d2.client.publicKey));
    await waitFor('the session to end', async () => (await sessionOf(d2)).end_time !== null);
    const s = await sessionOf(d2);
    expect([s.active, s.end_reason]).toEqual([false, 'TRAFFIC_EXCEED']);
    expect(s.download + s.upload).toBeGreaterThanOrEqual(limit);
    expect(udpEcho(d2.client.ns, NODE_TUNNEL_IP, ECHO_PORT, 1, 1000, 3000).got).toBe(0);
    const again = await api<{ result: string }>('GET', '/user/credentials', undefined, d2.accessToken);
    expect([again.status, again.json.result]).toEqual([403, 'TRAFFIC_EXCEED']);
  }, 120_000);

  it('disabling a user cuts its session at the next sync: peer removed, traffic stops, new credentials refused', async () => {
    const d2 = devices[1]!;
    // Lift the traffic block of the previous test, connect again, move traffic, then disable the user.
    expect((await partner('DELETE', `/subscribers/${d2.userId}/traffic`)).status).toBe(200);
    type Creds = { session_id: number; wireguard: { interface: { address: string }; peer: { public_key: string; endpoint: string; allowed_ips: string[] } } };
    const creds = await api<Creds>('GET', '/user/credentials', undefined, d2.accessToken);
    expect(creds.status).toBe(200);
    const wg = creds.json.wireguard;
    t.configureClient(d2.client, { address: wg.interface.address, nodePublicKey: wg.peer.public_key, endpoint: wg.peer.endpoint, allowedIps: wg.peer.allowed_ips.join(',') });
    d2.sessionId = creds.json.session_id;
    await waitFor('the agent to add the peer again', () => t.nodePeers().has(d2.client.publicKey));
    expect(udpEcho(d2.client.ns, NODE_TUNNEL_IP, ECHO_PORT, 10, 1000, 20_000).got).toBe(10);
    await waitFor('the new session to start', async () => (await sessionOf(d2).catch(() => null))?.active === true);

    expect((await partner('PUT', `/subscribers/${d2.userId}`, { status: 'disabled' })).status).toBe(200);
    await waitFor('the peer to be removed', () => !t.nodePeers().has(d2.client.publicKey));
    await waitFor('the session to end', async () => (await sessionOf(d2)).end_time !== null);
    const s = await sessionOf(d2);
    expect([s.active, s.end_reason]).toEqual([false, 'USER_SUSPENDED']);
    expect(s.download).toBeGreaterThanOrEqual(10 * 1000);
    expect(udpEcho(d2.client.ns, NODE_TUNNEL_IP, ECHO_PORT, 1, 1000, 3000).got).toBe(0);
    const again = await api<{ result: string }>('GET', '/user/credentials', undefined, d2.accessToken);
    expect([again.status, again.json.result]).toEqual([403, 'USER_SUSPENDED']);
  }, 120_000);

  it('deleting a device cuts its session with exact final counters and stops its traffic', async () => {
    const d1 = devices[0]!;
    await expectExact(d1);
    const last = t.nodePeers().get(d1.client.publicKey)!;
    const c = closed.get(d1.sessionId)!;
    expect((await partner('DELETE', `/subscribers/${d1.userId}/devices/${d1.deviceId}`)).status).toBe(200);
    await waitFor('the peer to be removed', () => !t.nodePeers().has(d1.client.publicKey));
    await waitFor('the session to end', async () => (await sessionOf(d1)).end_time !== null);
    expect(pick(await sessionOf(d1))).toEqual({ download: Number(c.download + last.tx), upload: Number(c.upload + last.rx) });
    expect(udpEcho(d1.client.ns, NODE_TUNNEL_IP, ECHO_PORT, 1, 1000, 3000).got).toBe(0);
  }, 120_000);

  it('the agent stops on SIGTERM with exit 0 and leaves the interface up', async () => {
    expect(await killAgent('SIGTERM')).toBe(0);
    expect(t.nodePeers().size).toBe(0);
  }, 60_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
