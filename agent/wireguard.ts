import { existsSync } from 'node:fs';
import { CommandError, type RunCommand } from './command.ts';
import type { Logger } from './log.ts';
import { wgSetArgs, type PeerOp } from './peer-plan.ts';
import { parseDump, type InterfaceDump } from './wg-dump.ts';

export interface WireGuardOptions {
  iface: string;
  listenPort: number;
  privateKeyFile: string;
  /** node's own tunnel address with the pool's prefix, e.g. 10.8.0.1/24 */
  address: string | null;
  userspace: boolean;
  run: RunCommand;
  log: Logger;
  startUserspace: (iface: string) => Promise<void>;
  findUserspacePid: (iface: string) => Promise<number | null>;
  userspaceSocketExists?: (iface: string) => boolean;
  sleep?: (ms: number) => Promise<void>;
}

const PEERS_PER_COMMAND = 100;

/** Drives one WireGuard interface through `ip` and `wg` (kernel module, or wireguard-go when there is none). */
export class WireGuard {
  private kernelUnsupported = false;

  constructor(private readonly o: WireGuardOptions) {}

  get iface(): string {
    return this.o.iface;
  }

  /**
   * What changes whenever every peer counter restarts from 0: the ifindex (interface recreated) and, for
   * wireguard-go, its pid (process restarted). null when the interface does not exist.
   */
  async identity(): Promise<string | null> {
    let out: string;
    try {
      out = await this.o.run('ip', ['-o', 'link', 'show', 'dev', this.o.iface]);
    } catch (e) {
      if (e instanceof CommandError && /does not exist|Cannot find device/i.test(e.stderr)) return null;
      throw e;
    }
    const m = /^(\d+):/.exec(out);
    if (!m) throw new Error(`cannot read the ifindex of ${this.o.iface}`);
    const socketExists = this.o.userspaceSocketExists ?? ((i: string) => existsSync(`/var/run/wireguard/${i}.sock`));
    if (!socketExists(this.o.iface)) return `ifindex=${m[1]}`;
    return `ifindex=${m[1]},pid=${(await this.o.findUserspacePid(this.o.iface)) ?? 'unknown'}`;
  }

  /** Creates the interface when missing; returns its identity. */
  async ensureExists(): Promise<string> {
    const existing = await this.identity();
    if (existing) return existing;
    await this.create();
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let i = 0; i < 50; i++) {
      const id = await this.identity();
      if (id) return id;
      await sleep(100);
    }
    throw new Error(`interface ${this.o.iface} did not appear`);
  }

  private async create(): Promise<void> {
    if (!this.o.userspace && !this.kernelUnsupported) {
      try {
        await this.o.run('ip', ['link', 'add', 'dev', this.o.iface, 'type', 'wireguard']);
        this.o.log.info('created kernel WireGuard interface', { iface: this.o.iface });
        return;
      } catch (e) {
        if (!(e instanceof CommandError && /unknown device type|not supported|no such device/i.test(e.stderr))) throw e;
        this.kernelUnsupported = true;
        this.o.log.warn('no WireGuard kernel module, using wireguard-go', { iface: this.o.iface });
      }
    }
    await this.o.startUserspace(this.o.iface);
    this.o.log.info('started wireguard-go', { iface: this.o.iface });
  }

  /** Key, port, address and link state. Leaves peers alone; setting an unchanged key or port is a no-op. */
  async configure(): Promise<void> {
    const i = this.o.iface;
    await this.o.run('wg', ['set', i, 'listen-port', String(this.o.listenPort), 'private-key', this.o.privateKeyFile]);
    if (this.o.address) await this.o.run('ip', ['address', 'replace', this.o.address, 'dev', i]);
    await this.o.run('ip', ['link', 'set', 'dev', i, 'up']);
  }

  async dump(): Promise<InterfaceDump> {
    return parseDump(await this.o.run('wg', ['show', this.o.iface, 'dump']));
  }

  async apply(ops: readonly PeerOp[]): Promise<void> {
    for (let k = 0; k < ops.length; k += PEERS_PER_COMMAND) {
      await this.o.run('wg', wgSetArgs(this.o.iface, ops.slice(k, k + PEERS_PER_COMMAND)));
    }
  }
}
