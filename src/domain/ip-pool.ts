/**
 * Tunnel address pools. A node's pool is an IPv4 CIDR; its first host address is the node's own, and
 * sessions get the lowest free host address after it.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface Pool {
  network: number;
  prefix: number;
  /** first and last assignable host (inclusive) */
  first: number;
  last: number;
}

const v4ToInt = (ip: string): number => ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
export const intToV4 = (n: number): string =>
  [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

export const parsePool = (cidr: string): Pool | null => {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(cidr);
  if (!m || !isIPv4(m[1]!)) return null;
  const prefix = Number(m[2]);
  if (prefix < 8 || prefix > 30) return null;
  const size = 2 ** (32 - prefix);
  const network = v4ToInt(m[1]!) - (v4ToInt(m[1]!) % size);
  return { network, prefix, first: network + 2, last: network + size - 2 };
};

/** Lowest host address of the pool not in `used` (given as ip_key strings), or null when full. */
export const firstFree = (pool: Pool, used: ReadonlySet<string>): string | null => {
  for (let n = pool.first; n <= pool.last; n++) {
    const ip = intToV4(n);
    if (!used.has(ipKey(ip))) return ip;
  }
  return null;
};

/** 32 hex digits of the address as IPv6 (IPv4 mapped to ::ffff:a.b.c.d): text order = address order. */
export const ipKey = (ip: string): string => {
  if (isIPv4(ip)) return '00000000000000000000ffff' + v4ToInt(ip).toString(16).padStart(8, '0');
  if (!isIPv6(ip)) throw new Error(`not an IP address: ${ip}`);
  const [head, tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((g: string) => g.padStart(4, '0')).join('').toLowerCase();
};
