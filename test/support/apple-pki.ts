/**
 * A throwaway certificate chain shaped like Apple's App Store signing chain, built with node:crypto
 * and a small DER writer: root CA -> intermediate CA (marker OID 1.2.840.113635.100.6.2.1) -> leaf
 * (marker OID 1.2.840.113635.100.6.11.1), all ECDSA P-256. Tests hand the root to Gatehouse as its
 * "Apple root" and sign transactions and notifications (JWS with an x5c header) with the leaf, so the
 * real SignedDataVerifier runs its chain, OID and signature checks against them.
 */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';

// ---- DER ---------------------------------------------------------------------------------------
const len = (n: number): Buffer => {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
};
const tlv = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), len(body.length), body]);
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
const explicit = (n: number, inner: Buffer) => tlv(0xa0 + n, inner);
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0x00]));
const nul = () => tlv(0x05, Buffer.alloc(0));
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const int = (b: Buffer) => tlv(0x02, b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
const oid = (dotted: string): Buffer => {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const out = [a * 40 + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
};
const utcTime = (ms: number): Buffer => {
  const iso = new Date(ms).toISOString(); // 2026-12-03T10:00:00.000Z
  const s = iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
  return tlv(0x17, Buffer.from(s, 'ascii'));
};
const name = (cn: string) => seq(set(seq(oid('2.5.4.3'), utf8(cn))), set(seq(oid('2.5.4.10'), utf8('Gatehouse Test PKI'))));

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
export const APPLE_INTERMEDIATE_OID = '1.2.840.113635.100.6.2.1';
export const APPLE_LEAF_OID = '1.2.840.113635.100.6.11.1';

interface CertSpec {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signer: KeyObject;
  ca: boolean;
  markerOid?: string;
  notBefore: number;
  notAfter: number;
}

/**
 * A positive serial in minimal DER: random bytes starting 0x00 with the next byte below 0x80 would be a
 * non-minimal INTEGER, which OpenSSL refuses as malformed (a flaky test, about one chain in a few hundred).
 */
const serialNumber = (): Buffer => {
  const b = randomBytes(8);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b;
};

const certificate = (s: CertSpec): Buffer => {
  const extensions: Buffer[] = [];
  if (s.ca) extensions.push(seq(oid('2.5.29.19'), bool(true), octets(seq(bool(true)))));
  if (s.markerOid) extensions.push(seq(oid(s.markerOid), octets(nul())));
  const tbs = seq(
    explicit(0, int(Buffer.from([2]))),
    int(serialNumber()),
    ECDSA_SHA256,
    name(s.issuer),
    seq(utcTime(s.notBefore), utcTime(s.notAfter)),
    name(s.subject),
    s.publicKey.export({ type: 'spki', format: 'der' }),
    ...(extensions.length ? [explicit(3, seq(...extensions))] : []),
  );
  return seq(tbs, ECDSA_SHA256, bits(sign('sha256', tbs, s.signer)));
};

// ---- the chain ----------------------------------------------------------------------------------
export interface ApplePki {
  /** DER of the root: what Gatehouse is configured to trust */
  rootDer: Buffer;
  /** signs a payload as Apple would: ES256, x5c = [leaf, intermediate, root] */
  sign(payload: object): Promise<string>;
  /** a signer under the same root whose intermediate or leaf lacks (or has another) marker OID */
  variant(opts: { leafOid?: string | null; intermediateOid?: string | null }): ApplePki;
}

const YEAR = 365 * 24 * 3600_000;
const ROOT = 'Test Apple Root CA - G3';
const INTERMEDIATE = 'Test Apple Worldwide Developer Relations CA - G6';

export const makeApplePki = (opts: { now?: number } = {}): ApplePki => {
  const now = opts.now ?? Date.now();
  const window = { notBefore: now - 5 * YEAR, notAfter: now + 10 * YEAR };
  const root = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rootDer = certificate({ subject: ROOT, issuer: ROOT, publicKey: root.publicKey, signer: root.privateKey, ca: true, ...window });

  const signer = (o: { leafOid?: string | null; intermediateOid?: string | null }): ApplePki => {
    const inter = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const leaf = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const interDer = certificate({
      subject: INTERMEDIATE,
      issuer: ROOT,
      publicKey: inter.publicKey,
      signer: root.privateKey,
      ca: true,
      ...(o.intermediateOid === null ? {} : { markerOid: o.intermediateOid ?? APPLE_INTERMEDIATE_OID }),
      ...window,
    });
    const leafDer = certificate({
      subject: 'Test Prod ECC Mac App Store and iTunes Store Receipt Signing',
      issuer: INTERMEDIATE,
      publicKey: leaf.publicKey,
      signer: inter.privateKey,
      ca: false,
      ...(o.leafOid === null ? {} : { markerOid: o.leafOid ?? APPLE_LEAF_OID }),
      ...window,
    });
    const x5c = [leafDer, interDer, rootDer].map((d) => d.toString('base64'));
    return {
      rootDer,
      sign: (payload) => new CompactSign(Buffer.from(JSON.stringify(payload))).setProtectedHeader({ alg: 'ES256', x5c }).sign(leaf.privateKey),
      variant: signer,
    };
  };
  return signer({});
};
