import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PlatformError } from '../../agent/platform-client.ts';
import { TIMEOUT_MS, desired, harness, removeHarnessDirs } from './agent-harness.ts';
import { key } from './fake-wireguard.ts';

afterEach(removeHarnessDirs);

describe('Agent: applying the desired peers', () => {
  it('applies only the difference: untouched peers are never named in a command and keep their counters', async () => {
    const h = harness();
    const agent = h.start();
    await agent.poll();
    h.platform.peers = [desired(1), desired(2), desired(3)];
    await agent.sync();
    expect(h.fake.wgSets().map((c) => c.slice(2))).toEqual([
      ['wg0', 'peer', key(1), 'allowed-ips', '10.8.0.2/32', 'peer', key(2), 'allowed-ips', '10.8.0.3/32', 'peer', key(3), 'allowed-ips', '10.8.0.4/32'],
    ]);
    const hs = h.tick(1000);
    for (const n of [1, 2, 3]) h.fake.traffic(key(n), BigInt(n * 100), BigInt(n * 1000), hs);
    await agent.poll();
    h.fake.commands.length = 0;

    h.platform.peers = [desired(1), desired(2, '10.8.0.12'), desired(4)];
    await agent.sync();

    expect(h.fake.wgSets().map((c) => c.slice(2))).toEqual([
      ['wg0', 'peer', key(3), 'remove', 'peer', key(2), 'allowed-ips', '10.8.0.12/32', 'peer', key(4), 'allowed-ips', '10.8.0.5/32'],
    ]);
    expect(h.fake.commands.flat().filter((w) => w === key(1))).toEqual([]);
    expect(h.fake.peers.get(key(1))).toEqual({ allowedIps: ['10.8.0.2/32'], latestHandshake: hs, rx: 100n, tx: 1000n });
    expect(h.fake.peers.get(key(2))).toEqual({ allowedIps: ['10.8.0.12/32'], latestHandshake: hs, rx: 200n, tx: 2000n });
    expect([...h.fake.peers.keys()]).toEqual([key(1), key(2), key(4)]);
  });

  it('leaves unknown peers alone until the platform has answered, then removes them', async () => {
    const h = harness();
    h.fake.create();
    h.fake.peers.set(key(9), { allowedIps: ['10.8.0.99/32'], latestHandshake: 0, rx: 5n, tx: 5n });
    const agent = h.start();
    h.platform.down = true;
    await agent.poll();
    await agent.sync();
    expect(h.fake.peers.has(key(9))).toBe(true);
    h.platform.down = false;
    await agent.sync();
    expect(h.fake.peers.has(key(9))).toBe(false);
  });

  it('re-creates the peer of a new session whose key was left on the interface, so it counts from 0', async () => {
    const h = harness();
    h.fake.create();
    h.fake.peers.set(key(1), { allowedIps: ['10.8.0.2/32'], latestHandshake: 1, rx: 777n, tx: 888n });
    const agent = h.start();
    h.platform.peers = [desired(1)];
    await agent.sync();
    expect(h.fake.wgSets().map((c) => c.slice(3))).toEqual([['peer', key(1), 'remove', 'peer', key(1), 'allowed-ips', '10.8.0.2/32']]);
    expect(h.fake.peers.get(key(1))!.rx).toBe(0n);
  });

  it('configures key, port, address and link once per interface identity', async () => {
    const h = harness();
    const agent = h.start();
    await agent.poll();
    await agent.poll();
    const config = h.fake.commands.filter((c) => c[1] !== '-o' && !(c[1] === 'show'));
    expect(config).toEqual([
      ['ip', 'link', 'add', 'dev', 'wg0', 'type', 'wireguard'],
      ['wg', 'set', 'wg0', 'listen-port', '51820', 'private-key', join(h.dir, 'private.key')],
      ['ip', 'address', 'replace', '10.8.0.1/24', 'dev', 'wg0'],
      ['ip', 'link', 'set', 'dev', 'wg0', 'up'],
    ]);
  });
});

describe('Agent: exact accounting across restarts, recreation and outages', () => {
  it('a restarted agent continues the epoch and seq of a still-present peer: nothing lost, nothing doubled', async () => {
    const h = harness();
    let agent = h.start();
    h.platform.peers = [desired(1)];
    await agent.poll();
    await agent.sync();
    h.fake.traffic(key(1), 1000n, 5000n, h.tick(1000));
    await agent.poll();
    await agent.sync();
    h.fake.traffic(key(1), 10n, 20n, undefined);
    h.tick(5000);
    await agent.poll(); // observed but not reported: the agent dies now

    agent = h.start();
    h.fake.traffic(key(1), 1n, 2n, undefined);
    h.tick(5000);
    await agent.poll();
    await agent.sync();
    expect(h.platform.totals(1)).toEqual({ download: 5022n, upload: 1011n });
    const counters = h.platform.bodies.flatMap((b) => [...b.matchAll(/"epoch":(\d+),"seq":(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]));
    expect(counters).toEqual([
      [0, 1],
      [0, 2],
    ]);
    expect(h.fake.wgSets()).toHaveLength(1); // the peer was added once, never re-added
  });

  it('an interface recreated while the agent was down starts a new epoch even if counters regrew past the old ones', async () => {
    const h = harness();
    let agent = h.start();
    h.platform.peers = [desired(1)];
    await agent.poll();
    await agent.sync();
    h.fake.traffic(key(1), 1000n, 2000n, h.tick(1000));
    await agent.poll();
    await agent.sync();

    h.fake.destroy();
    h.fake.create(); // new ifindex; the old peer is gone
    h.fake.peers.set(key(1), { allowedIps: ['10.8.0.2/32'], latestHandshake: h.tick(1000), rx: 3000n, tx: 4000n }); // e.g. restored by wg-quick
    agent = h.start();
    await agent.poll();
    await agent.sync();
    expect(h.platform.totals(1)).toEqual({ download: 6000n, upload: 4000n });
    expect(h.platform.bodies.at(-1)).toContain('"session_id":1,"epoch":1,"seq":2,"download":4000,"upload":3000');
  });

  it('keeps reports through a platform outage and an agent restart, with a peer re-add in between, then delivers them exactly once', async () => {
    const h = harness();
    let agent = h.start();
    h.platform.peers = [desired(1), desired(2)];
    await agent.poll();
    await agent.sync();
    const hs = h.tick(1000);
    h.fake.traffic(key(1), 100n, 1000n, hs);
    h.fake.traffic(key(2), 200n, 2000n, hs);
    await agent.poll();

    h.platform.down = true;
    await agent.sync();
    h.fake.traffic(key(1), 50n, 500n, h.tick(5000));
    await agent.poll();
    h.fake.peers.delete(key(1)); // peer vanished: the agent re-adds it (new epoch)
    h.tick(5000);
    await agent.poll();
    h.fake.traffic(key(1), 7n, 70n, h.tick(5000));
    await agent.poll();
    await agent.sync();

    agent = h.start(); // restart during the outage
    h.fake.traffic(key(2), 1n, 10n, undefined);
    h.tick(5000);
    await agent.poll();
    await agent.sync();
    expect(h.platform.bodies).toEqual([expect.any(String)]); // only the first sync got through

    h.platform.down = false;
    await agent.sync();
    expect(h.platform.totals(1)).toEqual({ download: 1570n, upload: 157n });
    expect(h.platform.totals(2)).toEqual({ download: 2010n, upload: 201n });
    expect(readFileSync(join(h.dir, 'outbox.jsonl'), 'utf8')).toBe('');
    expect(h.platform.events).toEqual([
      { type: 'start', session_id: 1, at: hs * 1000 },
      { type: 'start', session_id: 2, at: hs * 1000 },
    ]);
  });

  it('acknowledged reports are not sent again; an unacknowledged batch is resent whole and applied once', async () => {
    const h = harness();
    const agent = h.start();
    h.platform.peers = [desired(1)];
    await agent.poll();
    await agent.sync();
    h.fake.traffic(key(1), 10n, 10n, h.tick(1000));
    await agent.poll();
    await agent.sync();
    await agent.sync();
    expect(h.platform.bodies.slice(1)).toEqual([
      `{"agent_version":"test","events":[{"type":"start","session_id":1,"at":${h.now() - (h.now() % 1000)}}],"counters":[{"session_id":1,"epoch":0,"seq":1,"download":10,"upload":10,"at":${h.now()}}]}`,
      '{"agent_version":"test","events":[],"counters":[]}',
    ]);
  });
});

describe('Agent: crash and error windows', () => {
  it('a crash after a report reached the outbox but before the state file keeps seqs increasing', async () => {
    const h = harness();
    let agent = h.start();
    h.platform.peers = [desired(1)];
    await agent.poll();
    await agent.sync();
    h.fake.traffic(key(1), 10n, 10n, h.tick(1000));
    await agent.poll();
    await agent.sync();
    copyFileSync(join(h.dir, 'state.json'), join(h.dir, 'state.old'));
    h.platform.down = true;
    h.fake.traffic(key(1), 5n, 5n, undefined);
    h.tick(5000);
    await agent.poll();
    await agent.sync(); // seq 2 is in the outbox
    copyFileSync(join(h.dir, 'state.old'), join(h.dir, 'state.json')); // ...but the state file says seq 1

    agent = h.start();
    h.fake.traffic(key(1), 1n, 1n, undefined);
    h.tick(5000);
    await agent.poll();
    h.platform.down = false;
    await agent.sync();
    const seqs = h.platform.bodies.flatMap((b) => [...b.matchAll(/"seq":(\d+)/g)].map((m) => Number(m[1])));
    expect(seqs).toEqual([1, 2, 3]);
    expect(h.platform.totals(1)).toEqual({ download: 16n, upload: 16n });
  });

  it('keeps the batch after a 5xx and drops it after a 2xx whose body it cannot use', async () => {
    const h = harness();
    const agent = h.start();
    h.platform.peers = [desired(1)];
    await agent.poll();
    await agent.sync();
    h.fake.traffic(key(1), 10n, 10n, h.tick(1000));
    await agent.poll();
    const real = h.platform.sync;
    h.platform.sync = async () => {
      throw new PlatformError(503, 'platform answered 503: SERVER_UNAVAILABLE');
    };
    expect(await agent.sync()).toBe(1000); // first retry after 1 s
    expect(readFileSync(join(h.dir, 'outbox.jsonl'), 'utf8').split('\n')).toHaveLength(3);
    expect(await agent.sync()).toBe(2000);
    h.platform.sync = async () => {
      throw new PlatformError(200, 'platform reply does not match SyncReply');
    };
    await agent.sync();
    expect(readFileSync(join(h.dir, 'outbox.jsonl'), 'utf8')).toBe('');
    h.platform.sync = real;
  });

  it('stops (fatal) without saving state when a report cannot be written', async () => {
    const h = harness();
    const agent = h.start();
    h.platform.peers = [desired(1)];
    await agent.poll();
    await agent.sync();
    h.fake.traffic(key(1), 10n, 10n, h.tick(1000));
    const before = readFileSync(join(h.dir, 'state.json'), 'utf8');
    (agent as unknown as { d: { outbox: { append(): void } } }).d.outbox.append = () => {
      throw new Error('ENOSPC: no space left on device');
    };
    await expect(agent.poll()).rejects.toThrow('ENOSPC');
    expect(agent.fatal?.message).toBe('ENOSPC: no space left on device');
    expect(readFileSync(join(h.dir, 'state.json'), 'utf8')).toBe(before);
  });
});

describe('Agent: ending sessions', () => {
  it('a cut session reports final counters and its end, loses its peer, and is forgotten', async () => {
    const h = harness();
    const agent = h.start();
    h.platform.peers = [desired(1), desired(2)];
    await agent.poll();
    await agent.sync();
    const hs = h.tick(1000);
    h.fake.traffic(key(1), 10n, 20n, hs);
    await agent.poll();
    h.fake.traffic(key(1), 5n, 5n, undefined);
    h.tick(2000);
    h.platform.peers = [desired(2)];
    h.platform.cut = [{ session_id: 1, reason: 'TRAFFIC_EXCEED' }];
    await agent.sync(); // order received with this reply; reported with the next sync
    expect(h.fake.peers.has(key(1))).toBe(false);
    expect(h.fake.peers.has(key(2))).toBe(true);
    expect(agent.sessions.has(1)).toBe(false);
    h.platform.cut = [];
    await agent.sync();
    expect(h.platform.events).toEqual([
      { type: 'start', session_id: 1, at: hs * 1000 },
      { type: 'end', session_id: 1, at: h.now() }, // upload seen at the cut's own read
    ]);
    expect(h.platform.totals(1)).toEqual({ download: 25n, upload: 15n });
  });

  it('answers a repeated cut of a session it does not track (any more) with an end, once per order', async () => {
    const h = harness();
    const agent = h.start();
    await agent.poll();
    h.platform.cut = [{ session_id: 42, reason: 'USER_DELETED' }];
    await agent.sync();
    h.platform.cut = [];
    await agent.sync();
    await agent.sync();
    expect(h.platform.events).toEqual([{ type: 'end', session_id: 42, at: h.now() }]);
  });

  it('a session silent past the timeout ends at its last handshake and is not re-added while still listed', async () => {
    const h = harness();
    const agent = h.start();
    h.platform.peers = [desired(1)];
    await agent.poll();
    await agent.sync();
    const hs = h.tick(1000);
    h.fake.traffic(key(1), 10n, 20n, hs);
    await agent.poll();
    h.tick(TIMEOUT_MS);
    await agent.poll();
    expect(h.fake.peers.has(key(1))).toBe(false);
    await agent.sync(); // the reply computed before the end was applied may still list it
    h.platform.peers = [desired(1)];
    await agent.sync();
    expect(h.fake.peers.has(key(1))).toBe(false);
    expect(h.platform.events).toEqual([
      { type: 'start', session_id: 1, at: hs * 1000 },
      { type: 'end', session_id: 1, at: hs * 1000 },
    ]);
    h.platform.peers = [];
    await agent.sync();
    expect(agent.sessions.size).toBe(0);
  });

  it('a device reconnecting with the same key gets a fresh peer for its new session', async () => {
    const h = harness();
    const agent = h.start();
    h.platform.peers = [desired(1)];
    await agent.poll();
    await agent.sync();
    h.fake.traffic(key(1), 10n, 20n, h.tick(1000));
    await agent.poll();
    h.platform.peers = [{ session_id: 5, public_key: key(1), internal_ip: '10.8.0.9' }];
    await agent.sync();
    expect(h.fake.peers.get(key(1))).toEqual({ allowedIps: ['10.8.0.9/32'], latestHandshake: 0, rx: 0n, tx: 0n });
    await agent.sync();
    expect(h.platform.totals(1)).toEqual({ download: 20n, upload: 10n });
    expect(h.platform.events.map((e) => [e.type, e.session_id])).toEqual([
      ['start', 1],
      ['end', 1],
    ]);
  });
});
