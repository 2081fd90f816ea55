import { describe, expect, it } from 'vitest';
import type { OutboxItem } from '../../agent/outbox.ts';
import { SessionTracker } from '../../agent/session-tracker.ts';
import type { PeerDump } from '../../agent/wg-dump.ts';
import { key } from './fake-wireguard.ts';

const TIMEOUT_MS = 185_000;
const T0 = 1_733_230_000; // unix s

function setup() {
  const out: OutboxItem[] = [];
  const tracker = new SessionTracker((items) => out.push(...items), TIMEOUT_MS);
  tracker.track(1, key(1), '10.8.0.2');
  tracker.peerWillBeAdded(1);
  tracker.peerAdded(1);
  const see = (now: number, rx: bigint, tx: bigint, hs: number) => tracker.observe(now, peers(rx, tx, hs));
  return { tracker, out, see };
}

function peers(rx: bigint, tx: bigint, latestHandshake: number): Map<string, PeerDump> {
  const p: PeerDump = { publicKey: key(1), hasPresharedKey: false, endpoint: null, allowedIps: ['10.8.0.2/32'], latestHandshake, rx, tx, persistentKeepalive: null };
  return new Map([[p.publicKey, p]]);
}

const c = (epoch: number, seq: number, download: bigint, upload: bigint, at: number) =>
  ({ kind: 'counter', session_id: 1, epoch, seq, download, upload, at }) as const;

describe('SessionTracker: start and end', () => {
  it('starts at the first handshake, with the handshake time, and reports counters from 0', () => {
    const { tracker, out, see } = setup();
    see(T0 * 1000 - 5000, 148n, 0n, 0); // initiation received, handshake not complete yet
    expect(out).toEqual([]);
    see(T0 * 1000 + 2000, 1372n, 1460n, T0);
    expect(out).toEqual([{ kind: 'start', session_id: 1, at: T0 * 1000 }]);
    tracker.flush();
    expect(out.slice(1)).toEqual([c(0, 1, 1460n, 1372n, T0 * 1000 + 2000)]);
    tracker.flush();
    expect(out).toHaveLength(2); // unchanged counters are not reported again
  });

  it('ends after the timeout without handshake, at the last activity, with final counters first', () => {
    const { out, see } = setup();
    see(T0 * 1000, 500n, 600n, T0);
    out.length = 0;
    expect(see(T0 * 1000 + TIMEOUT_MS - 1, 500n, 700n, T0)).toEqual([]); // tx alone is not the device
    expect(out).toEqual([]);
    expect(see(T0 * 1000 + TIMEOUT_MS, 500n, 800n, T0)).toEqual([1]);
    expect(out).toEqual([c(0, 1, 800n, 500n, T0 * 1000 + TIMEOUT_MS), { kind: 'end', session_id: 1, at: T0 * 1000 }]);
    see(T0 * 1000 + TIMEOUT_MS + 5000, 900n, 900n, T0 + 300);
    expect(out).toHaveLength(2); // ended sessions are not observed again
  });

  it('counts a newer handshake or an upload as activity', () => {
    const { out, see } = setup();
    see(T0 * 1000, 100n, 100n, T0);
    see(T0 * 1000 + 120_000, 100n, 100n, T0 + 120); // rekey
    see(T0 * 1000 + 200_000, 150n, 100n, T0 + 120); // upload seen at this poll
    expect(see(T0 * 1000 + 200_000 + TIMEOUT_MS - 1, 150n, 100n, T0 + 120)).toEqual([]);
    expect(see(T0 * 1000 + 200_000 + TIMEOUT_MS, 150n, 100n, T0 + 120)).toEqual([1]);
    expect(out.at(-1)).toEqual({ kind: 'end', session_id: 1, at: T0 * 1000 + 200_000 });
  });

  it('a cut session that never started ends now; a revoked one says nothing', () => {
    const out: OutboxItem[] = [];
    const tracker = new SessionTracker((items) => out.push(...items), TIMEOUT_MS);
    tracker.track(1, key(1), '10.8.0.2');
    tracker.track(2, key(2), '10.8.0.3');
    tracker.end(1, 5000, 'cut');
    tracker.end(2, 5000, 'revoked');
    expect(out).toEqual([{ kind: 'end', session_id: 1, at: 5000 }]);
    expect(tracker.sessions.get(2)!.ended).toBe(true);
  });

  it('a cut started session reports its final counters then ends at its last activity', () => {
    const { tracker, out, see } = setup();
    see(T0 * 1000 + 1000, 10n, 20n, T0);
    see(T0 * 1000 + 6000, 30n, 40n, T0);
    out.length = 0;
    tracker.end(1, T0 * 1000 + 7000, 'cut');
    expect(out).toEqual([c(0, 1, 40n, 30n, T0 * 1000 + 6000), { kind: 'end', session_id: 1, at: T0 * 1000 + 6000 }]);
  });
});

describe('SessionTracker: epochs', () => {
  it('a counter decrease starts a new epoch whose value counts from 0, after the old epoch is closed', () => {
    const { tracker, out, see } = setup();
    see(1000, 1000n, 2000n, T0);
    tracker.flush();
    see(2000, 1500n, 2500n, T0);
    see(3000, 300n, 100n, T0 + 3); // peer re-added by someone else
    tracker.flush();
    expect(out.filter((i) => i.kind === 'counter')).toEqual([
      c(0, 1, 2000n, 1000n, 1000),
      c(0, 2, 2500n, 1500n, 2000),
      c(1, 3, 100n, 300n, 3000),
    ]);
  });

  it('reset then regrow past the old value within one poll: the recreation starts the epoch, nothing is lost', () => {
    const { tracker, out, see } = setup();
    see(1000, 1000n, 2000n, T0);
    tracker.flush();
    tracker.interfaceReset(); // identity changed: new ifindex / wireguard-go pid
    tracker.peerWillBeAdded(1); // the re-add does not start a second epoch
    tracker.peerAdded(1);
    see(6000, 5000n, 9000n, T0 + 5); // already above the old values
    tracker.flush();
    expect(out.filter((i) => i.kind === 'counter')).toEqual([c(0, 1, 2000n, 1000n, 1000), c(1, 2, 9000n, 5000n, 6000)]);
    // the platform credits epoch 0's 1000/2000 plus epoch 1's full 5000/9000: 6000 up, 11000 down
  });

  it('closes the old epoch with its last observed, unreported counters when the peer is re-added', () => {
    const { tracker, out, see } = setup();
    see(1000, 10n, 20n, T0);
    tracker.flush();
    see(2000, 70n, 80n, T0); // observed, not yet reported
    tracker.peerWillBeAdded(1); // peer vanished; the agent recreates it
    tracker.peerAdded(1);
    see(3000, 0n, 0n, T0);
    tracker.flush();
    expect(out.filter((i) => i.kind === 'counter')).toEqual([c(0, 1, 20n, 10n, 1000), c(0, 2, 80n, 70n, 2000)]);
    see(4000, 32n, 0n, T0 + 4);
    tracker.flush();
    expect(out.at(-1)).toEqual(c(1, 3, 0n, 32n, 4000));
  });

  it('skips observation of a new session until its own peer exists', () => {
    const out: OutboxItem[] = [];
    const tracker = new SessionTracker((items) => out.push(...items), TIMEOUT_MS);
    tracker.track(1, key(1), '10.8.0.2');
    tracker.observe(1000, peers(999n, 999n, T0)); // a leftover peer with the same key
    expect(out).toEqual([]);
    expect(tracker.wantedPeers().get(key(1))).toEqual({ sessionId: 1, allowedIp: '10.8.0.2/32', fresh: true });
  });
});
