import { CommandError, type RunCommand } from '../../agent/command.ts';

export interface FakePeer {
  allowedIps: string[];
  latestHandshake: number;
  rx: bigint;
  tx: bigint;
}

export const PRIVATE_KEY = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
export const NODE_PUBLIC_KEY = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';

/** Kernel-like WireGuard behind `ip`/`wg`: peers keep counters until removed; recreating the interface zeroes all. */
export class FakeWireGuard {
  exists = false;
  ifindex = 0;
  private nextIfindex = 4;
  peers = new Map<string, FakePeer>();
  commands: string[][] = [];
  listenPort = 0;
  failNextWgSet = false;
  kernelModule = true;
  /** pid of the fake wireguard-go serving the interface, when userspace */
  pid: number | null = null;

  constructor(readonly iface = 'wg0') {}

  run: RunCommand = async (cmd, args) => {
    this.commands.push([cmd, ...args]);
    const a = args.join(' ');
    if (cmd === 'ip' && a === `-o link show dev ${this.iface}`) {
      if (!this.exists) throw new CommandError(cmd, args, 1, `Device "${this.iface}" does not exist.\n`);
      return `${this.ifindex}: ${this.iface}: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 qdisc noqueue state UNKNOWN\\    link/none \n`;
    }
    if (cmd === 'ip' && a === `link add dev ${this.iface} type wireguard`) {
      if (!this.kernelModule) throw new CommandError(cmd, args, 2, 'Error: Unknown device type.\n');
      this.create();
      return '';
    }
    if (cmd === 'ip' && (args[0] === 'address' || args[0] === 'link')) return '';
    if (cmd === 'wg' && a === `show ${this.iface} dump`) return this.dump();
    if (cmd === 'wg' && args[0] === 'set' && args[1] === this.iface) return this.set(args.slice(2));
    throw new Error(`fake wireguard: unexpected command ${cmd} ${a}`);
  };

  create(): void {
    this.exists = true;
    this.ifindex = this.nextIfindex++;
    this.peers.clear();
    this.listenPort = 0;
  }

  /** `ip link del` + whatever recreates it later */
  destroy(): void {
    this.exists = false;
    this.peers.clear();
  }

  traffic(key: string, rx: bigint, tx: bigint, handshake?: number): void {
    const p = this.peers.get(key);
    if (!p) throw new Error('no such peer');
    p.rx += rx;
    p.tx += tx;
    if (handshake !== undefined) p.latestHandshake = handshake;
  }

  wgSets(): string[][] {
    return this.commands.filter((c) => c[0] === 'wg' && c[1] === 'set' && c[3] === 'peer');
  }

  private set(rest: string[]): string {
    if (this.failNextWgSet) {
      this.failNextWgSet = false;
      throw new CommandError('wg', ['set'], 1, 'Unable to modify interface: Protocol not supported\n');
    }
    for (let i = 0; i < rest.length; ) {
      const word = rest[i]!;
      if (word === 'listen-port') {
        this.listenPort = Number(rest[i + 1]);
        i += 2;
      } else if (word === 'private-key') i += 2;
      else if (word === 'peer') {
        const key = rest[i + 1]!;
        if (rest[i + 2] === 'remove') {
          this.peers.delete(key);
          i += 3;
        } else if (rest[i + 2] === 'allowed-ips') {
          const p = this.peers.get(key) ?? { allowedIps: [], latestHandshake: 0, rx: 0n, tx: 0n };
          p.allowedIps = rest[i + 3]!.split(',');
          this.peers.set(key, p);
          i += 4;
        } else throw new Error(`fake wireguard: bad peer args ${rest.join(' ')}`);
      } else throw new Error(`fake wireguard: bad set args ${rest.join(' ')}`);
    }
    return '';
  }

  private dump(): string {
    if (!this.exists) throw new CommandError('wg', ['show'], 1, 'Unable to access interface: No such device\n');
    const lines = [`${PRIVATE_KEY}\t${NODE_PUBLIC_KEY}\t${this.listenPort}\toff`];
    for (const [key, p] of this.peers)
      lines.push(
        [key, '(none)', p.latestHandshake ? '192.0.2.7:41000' : '(none)', p.allowedIps.join(',') || '(none)', p.latestHandshake, p.rx, p.tx, 'off'].join('\t'),
      );
    return lines.join('\n') + '\n';
  }
}

/** Deterministic valid WireGuard public keys: key(1), key(2)… */
export function key(n: number): string {
  return Buffer.alloc(32, n).toString('base64');
}
