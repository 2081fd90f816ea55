import type { PeerDump } from './wg-dump.ts';

export interface WantedPeer {
  /** e.g. `10.8.0.5/32` */
  allowedIp: string;
  /** The peer must start from zero counters: remove it first if the key is already on the interface. */
  fresh: boolean;
}

export type PeerOp =
  | { kind: 'add'; publicKey: string; allowedIp: string }
  | { kind: 'set-allowed-ips'; publicKey: string; allowedIp: string }
  | { kind: 'remove'; publicKey: string };

/**
 * The smallest set of changes from the interface's peers to the wanted ones. Peers that already match are
 * not touched: re-adding or replacing a peer would zero its counters and drop its handshake.
 * Removals come first so that an allowed IP moving between peers is free when it is added.
 */
export function planPeerOps(
  wanted: ReadonlyMap<string, WantedPeer>,
  actual: readonly PeerDump[],
  mayRemove: (publicKey: string) => boolean,
): PeerOp[] {
  const removes: PeerOp[] = [];
  const adds: PeerOp[] = [];
  const present = new Map(actual.map((p) => [p.publicKey, p]));
  for (const p of actual) {
    const w = wanted.get(p.publicKey);
    if (w?.fresh || (!w && mayRemove(p.publicKey))) removes.push({ kind: 'remove', publicKey: p.publicKey });
  }
  for (const [publicKey, w] of wanted) {
    const p = present.get(publicKey);
    if (!p || w.fresh) adds.push({ kind: 'add', publicKey, allowedIp: w.allowedIp });
    else if (p.allowedIps.length !== 1 || p.allowedIps[0] !== w.allowedIp)
      adds.push({ kind: 'set-allowed-ips', publicKey, allowedIp: w.allowedIp });
  }
  return [...removes, ...adds];
}

/** `wg set <if>` arguments for a batch of operations. */
export function wgSetArgs(iface: string, ops: readonly PeerOp[]): string[] {
  const args = ['set', iface];
  for (const op of ops) {
    if (op.kind === 'remove') args.push('peer', op.publicKey, 'remove');
    else args.push('peer', op.publicKey, 'allowed-ips', op.allowedIp);
  }
  return args;
}

export function hostRoute(ip: string): string {
  return ip.includes(':') ? `${ip}/128` : `${ip}/32`;
}
