import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../agent/log.ts';
import { findWireguardGoPid } from '../../agent/wireguard-go.ts';
import { WireGuard } from '../../agent/wireguard.ts';
import { FakeWireGuard } from './fake-wireguard.ts';

function userspaceWg(fake: FakeWireGuard, started: string[], userspace = false) {
  return new WireGuard({
    iface: 'wg0',
    listenPort: 51820,
    privateKeyFile: '/k',
    address: null,
    userspace,
    run: fake.run,
    log: silentLogger,
    startUserspace: async (iface) => {
      started.push(iface);
      fake.create();
      fake.pid = 4242;
    },
    findUserspacePid: async () => fake.pid,
    userspaceSocketExists: () => fake.pid !== null,
  });
}

describe('WireGuard interface', () => {
  it('falls back to wireguard-go when the kernel has no WireGuard, and tries the kernel only once', async () => {
    const fake = new FakeWireGuard();
    fake.kernelModule = false;
    const started: string[] = [];
    const wg = userspaceWg(fake, started);
    expect(await wg.ensureExists()).toBe('ifindex=4,pid=4242');
    fake.destroy();
    fake.pid = null;
    expect(await wg.ensureExists()).toBe('ifindex=5,pid=4242');
    expect(started).toEqual(['wg0', 'wg0']);
    expect(fake.commands.filter((c) => c[2] === 'add')).toHaveLength(1);
  });

  it('uses wireguard-go directly with --userspace', async () => {
    const fake = new FakeWireGuard();
    const started: string[] = [];
    await userspaceWg(fake, started, true).ensureExists();
    expect(started).toEqual(['wg0']);
    expect(fake.commands.filter((c) => c[2] === 'add')).toEqual([]);
  });

  it('changes identity when wireguard-go restarts, even on the same ifindex', async () => {
    const fake = new FakeWireGuard();
    const wg = userspaceWg(fake, [], true);
    await wg.ensureExists();
    fake.pid = 5000;
    expect(await wg.identity()).toBe('ifindex=4,pid=5000');
  });

  it('applies peer operations in batches of 100 per wg command', async () => {
    const fake = new FakeWireGuard();
    fake.create();
    const wg = userspaceWg(fake, []);
    const ops = Array.from({ length: 250 }, (_, i) => ({ kind: 'add' as const, publicKey: Buffer.alloc(32, i).toString('base64'), allowedIp: `10.9.${i >> 8}.${i & 255}/32` }));
    await wg.apply(ops);
    expect(fake.wgSets().map((c) => (c.length - 3) / 4)).toEqual([100, 100, 50]);
    expect(fake.peers.size).toBe(250);
  });
});

describe('findWireguardGoPid', () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds the process serving the interface by its command line', async () => {
    root = mkdtempSync(join(tmpdir(), 'gh-proc-'));
    const proc = (pid: string, argv: string[]) => {
      mkdirSync(join(root, pid));
      writeFileSync(join(root, pid, 'cmdline'), argv.join('\0') + '\0');
    };
    proc('10', ['/usr/bin/wireguard-go', 'wg-n1']);
    proc('11', ['wireguard-go', 'wg0']);
    proc('12', ['/usr/bin/vim', 'wg0']);
    mkdirSync(join(root, 'self'));
    expect(await findWireguardGoPid('wg0', root)).toBe(11);
    expect(await findWireguardGoPid('wg-n1', root)).toBe(10);
    expect(await findWireguardGoPid('wg7', root)).toBe(null);
  });
});
