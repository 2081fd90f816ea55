/**
 * Network namespaces for the WireGuard end-to-end tests. Every address lives inside a namespace made here;
 * the host's own namespace only reaches the node through a unix socket (filesystem-scoped), so the
 * platform can listen on the host's loopback and the agent in the node namespace still reaches it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findWireguardGoPid } from '../../agent/wireguard-go.ts';
import { parseDump, type PeerDump } from '../../agent/wg-dump.ts';

export const UNDERLAY = '10.213.0'; // bridge in the node namespace: .1 node, .2+ clients

export function canRun(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  if (!existsSync('/dev/net/tun')) return 'no /dev/net/tun';
  for (const bin of ['ip', 'wg', 'wireguard-go'])
    try {
      execFileSync('which', [bin], { stdio: 'ignore' });
    } catch {
      return `${bin} is not installed (apt-get install iproute2 wireguard-tools wireguard-go)`;
    }
  return null;
}

export function sh(cmd: string, args: string[], input?: string, env?: NodeJS.ProcessEnv): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, env, stdio: ['pipe', 'pipe', 'pipe'] });
}

export function inNs(ns: string, cmd: string, args: string[], input?: string): string {
  return sh('ip', ['netns', 'exec', ns, cmd, ...args], input);
}

export function peersOf(ns: string, iface: string): Map<string, PeerDump> {
  const d = parseDump(inNs(ns, 'wg', ['show', iface, 'dump']));
  return new Map(d.peers.map((p) => [p.publicKey, p]));
}

export interface Client {
  ns: string;
  iface: string;
  underlayIp: string;
  privateKey: string;
  publicKey: string;
}

/** Names carry a short tag per test file, so two files can run at once; interface names stay <= 15 chars. */
export class Topology {
  readonly dir = mkdtempSync(join(tmpdir(), 'gh-e2e-'));
  /** process logs, kept after the run (gitignored) */
  readonly logDir: string;
  readonly nodeNs: string;
  readonly nodeIf: string;
  readonly clients: Client[] = [];
  private readonly children: ChildProcess[] = [];
  private readonly servers: Server[] = [];

  /** Removes what an earlier, crashed run may have left, then builds the node namespace and its bridge. */
  private constructor(readonly tag: string) {
    this.nodeNs = `${tag}-node`;
    this.nodeIf = `${tag}-wg`;
    this.logDir = join(process.cwd(), 'test-artifacts', `wireguard-${tag}`);
    rmSync(this.logDir, { recursive: true, force: true });
    mkdirSync(this.logDir, { recursive: true });
  }

  static async create(tag: string): Promise<Topology> {
    await cleanupStale(tag);
    const t = new Topology(tag);
    addQuietNs(t.nodeNs);
    inNs(t.nodeNs, 'ip', ['link', 'add', 'br0', 'type', 'bridge']);
    inNs(t.nodeNs, 'ip', ['address', 'add', `${UNDERLAY}.1/24`, 'dev', 'br0']);
    inNs(t.nodeNs, 'ip', ['link', 'set', 'br0', 'up']);
    return t;
  }

  nodePeers(): Map<string, PeerDump> {
    return peersOf(this.nodeNs, this.nodeIf);
  }

  /** A client namespace on the node's bridge, with a wireguard-go interface and a fresh key pair. */
  addClient(n: number): Client {
    const ns = `${this.tag}-c${n}`;
    const iface = `${this.tag}-c${n}`;
    const hostSide = `${this.tag}-v${n}`;
    addQuietNs(ns);
    sh('ip', ['link', 'add', hostSide, 'netns', this.nodeNs, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    inNs(this.nodeNs, 'ip', ['link', 'set', hostSide, 'master', 'br0', 'up']);
    const underlayIp = `${UNDERLAY}.${n + 1}`;
    inNs(ns, 'ip', ['address', 'add', `${underlayIp}/24`, 'dev', 'eth0']);
    inNs(ns, 'ip', ['link', 'set', 'eth0', 'up']);
    inNs(ns, 'wireguard-go', [iface]);
    const privateKey = sh('wg', ['genkey']).trim();
    const publicKey = sh('wg', ['pubkey'], privateKey + '\n').trim();
    const c = { ns, iface, underlayIp, privateKey, publicKey };
    this.clients.push(c);
    return c;
  }

  /** Points the client's tunnel at the node: its own address, the node's key and endpoint. */
  configureClient(c: Client, opts: { address: string; nodePublicKey: string; endpoint: string; allowedIps: string }): void {
    const keyFile = join(this.dir, `${c.iface}.key`);
    writeFileSync(keyFile, c.privateKey + '\n', { mode: 0o600 });
    inNs(c.ns, 'wg', ['set', c.iface, 'private-key', keyFile, 'peer', opts.nodePublicKey, 'endpoint', opts.endpoint, 'allowed-ips', opts.allowedIps]);
    inNs(c.ns, 'ip', ['address', 'replace', opts.address, 'dev', c.iface]);
    inNs(c.ns, 'ip', ['link', 'set', c.iface, 'up']);
    // IPv4 routes only (the namespaces have no IPv6); the endpoint stays reachable through eth0's own /24
    for (const route of opts.allowedIps.split(',').map((r) => r.trim()))
      if (!route.includes(':') && route !== opts.address) inNs(c.ns, 'ip', ['route', 'replace', route, 'dev', c.iface]);
  }

  /**
   * Makes 127.0.0.1:`port` inside the node namespace reach 127.0.0.1:`port` of the host namespace:
   * node-ns TCP → unix socket → host TCP. Closing the host side is a platform outage for the agent.
   */
  async bridgePlatform(port: number): Promise<void> {
    const sock = join(this.dir, 'platform.sock');
    const server = createServer((inbound) => {
      const out = createConnection({ host: '127.0.0.1', port });
      inbound.pipe(out).pipe(inbound);
      out.on('error', () => inbound.destroy()).on('close', () => inbound.destroy());
      inbound.on('error', () => out.destroy()).on('close', () => out.destroy());
    });
    await new Promise<void>((r) => server.listen(sock, r));
    this.servers.push(server);
    const script = `const net=require('node:net');net.createServer(c=>{const u=net.createConnection(${JSON.stringify(sock)});c.pipe(u).pipe(c);for(const [a,b] of [[u,c],[c,u]]){a.on('error',()=>b.destroy());a.on('close',()=>b.destroy())}}).listen(${port},'127.0.0.1',()=>console.log('ready'))`;
    await this.spawnReady(this.nodeNs, 'node', ['-e', script], /ready/);
  }

  /** Runs a long-lived process in a namespace; resolves once its output matches `ready`. */
  spawn(ns: string, cmd: string, args: string[], logName?: string): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    if (logName) {
      const log: string[] = [];
      const keep = (b: Buffer) => log.push(b.toString());
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      child.on('exit', () => writeFileSync(join(this.logDir, `${logName}.log`), log.join('')));
      (child as ChildProcess & { log?: string[] }).log = log;
    }
    return child;
  }

  spawnReady(ns: string, cmd: string, args: string[], ready: RegExp, timeoutMs = 15_000): Promise<ChildProcess> {
    const child = this.spawn(ns, cmd, args);
    return new Promise((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`${cmd} not ready: ${seen.slice(-500)}`)), timeoutMs);
      const onData = (b: Buffer) => {
        seen += b.toString();
        if (ready.test(seen)) {
          clearTimeout(timer);
          resolve(child);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${cmd} exited ${code}: ${seen.slice(-500)}`));
      });
    });
  }

  async destroy(): Promise<void> {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const s of this.servers) s.close();
    await cleanupStale(this.tag);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * IPv6 off: a new interface would send router solicitations and MLD reports through the tunnel (the
 * credentials allow ::/0), bytes at random moments that would race the exact counter snapshots.
 */
function addQuietNs(ns: string): void {
  sh('ip', ['netns', 'add', ns]);
  for (const scope of ['all', 'default']) inNs(ns, 'sysctl', ['-qw', `net.ipv6.conf.${scope}.disable_ipv6=1`]);
  inNs(ns, 'ip', ['link', 'set', 'lo', 'up']);
}

/** Kills our wireguard-go daemons (found by their interface names) and deletes our namespaces. */
export async function cleanupStale(tag: string): Promise<void> {
  const ifaces = [`${tag}-wg`, ...Array.from({ length: 9 }, (_, i) => `${tag}-c${i + 1}`)];
  for (const iface of ifaces) {
    const pid = await findWireguardGoPid(iface);
    if (pid) process.kill(pid, 'SIGKILL');
    rmSync(`/var/run/wireguard/${iface}.sock`, { force: true });
  }
  const list = sh('ip', ['netns', 'list']);
  for (const line of list.split('\n')) {
    const ns = line.split(' ')[0];
    if (ns?.startsWith(`${tag}-`)) sh('ip', ['netns', 'del', ns]);
  }
}

/**
 * Sends `count` UDP datagrams of `size` bytes through the tunnel to an echo server, one at a time, each after
 * the previous echo; a datagram without echo within 1 s is sent again (counted in `resent`).
 */
export function udpEcho(ns: string, target: string, port: number, count: number, size: number, timeoutMs = 30_000): { got: number; resent: number } {
  const script = `
    const s = require('node:dgram').createSocket('udp4');
    const payload = Buffer.alloc(${size}, 7);
    let got = 0, resent = 0, retry;
    const finish = () => { console.log(JSON.stringify({ got, resent })); process.exit(0); };
    const deadline = setTimeout(finish, ${timeoutMs});
    const send = () => { s.send(payload, ${port}, '${target}'); clearTimeout(retry); retry = setTimeout(() => { resent++; send(); }, 1000); };
    s.on('message', () => { got++; if (got >= ${count}) { clearTimeout(deadline); finish(); } else send(); });
    send();`;
  return JSON.parse(inNs(ns, 'node', ['-e', script]).trim()) as { got: number; resent: number };
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const ECHO_SERVER = (ip: string, port: number) =>
  `const s=require('node:dgram').createSocket('udp4');s.on('message',(m,r)=>s.send(m,r.port,r.address));s.bind(${port},'${ip}',()=>console.log('ready'))`;
