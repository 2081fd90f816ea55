import { describe, expect, it } from 'vitest';
import { DumpParseError, parseAllDump, parseDump } from '../../agent/wg-dump.ts';

const PRIV = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
const PUB = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';
const P1 = 'HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=';
const P2 = 'gN65BkIKy1eCE9pP1wdc8ROUtkHLF2PfAqYdyYBz6EA=';
const P3 = 'TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=';
const PSK = 'FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=';

const tsv = (...rows: (string | number)[][]) => rows.map((r) => r.join('\t')).join('\n') + '\n';

describe('parseDump', () => {
  it('reads the interface line without keeping the private key, and every peer field', () => {
    const text = tsv(
      [PRIV, PUB, 51820, 'off'],
      [P1, '(none)', '203.0.113.5:41020', '10.8.0.2/32', 1733230000, 1372, 1460, 'off'],
      [P2, PSK, '[2001:db8::1%eth0]:51000', '10.8.0.3/32,fd00::3/128', 0, 0, 0, 25],
      [P3, '(none)', '(none)', '(none)', 0, '18446744073709551615', '9007199254740993', 'off'],
    );
    const d = parseDump(text);
    expect(d).toEqual({
      publicKey: PUB,
      listenPort: 51820,
      fwmark: null,
      peers: [
        { publicKey: P1, hasPresharedKey: false, endpoint: '203.0.113.5:41020', allowedIps: ['10.8.0.2/32'], latestHandshake: 1733230000, rx: 1372n, tx: 1460n, persistentKeepalive: null },
        { publicKey: P2, hasPresharedKey: true, endpoint: '[2001:db8::1%eth0]:51000', allowedIps: ['10.8.0.3/32', 'fd00::3/128'], latestHandshake: 0, rx: 0n, tx: 0n, persistentKeepalive: 25 },
        { publicKey: P3, hasPresharedKey: false, endpoint: null, allowedIps: [], latestHandshake: 0, rx: 18446744073709551615n, tx: 9007199254740993n, persistentKeepalive: null },
      ],
    });
    expect(JSON.stringify(d, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(PRIV);
  });

  it('reads an interface without key, port 0 and a hex fwmark, with no peers', () => {
    expect(parseDump(tsv(['(none)', '(none)', 0, '0xca6c']))).toEqual({ publicKey: null, listenPort: 0, fwmark: 0xca6c, peers: [] });
  });

  it('never quotes a dump line in its errors', () => {
    const bad = [
      tsv([PRIV, PUB, 'x', 'off']),
      tsv([PRIV, PUB, 51820]),
      tsv([PRIV, PUB, 51820, 'off'], [P1, '(none)', '(none)', '(none)', 0, '-1', 0, 'off']),
      tsv([PRIV, PUB, 51820, 'off'], [PRIV, '(none)', '(none)']),
      '',
    ];
    for (const text of bad) {
      let err: unknown;
      try {
        parseDump(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DumpParseError);
      expect(String((err as Error).message)).not.toContain(PRIV);
    }
    expect(() => parseDump(tsv([PRIV, PUB, 51820, 'off'], [P1, '(none)', '(none)', '(none)', 0, '1.5', 0, 'off']))).toThrow(
      'line 2: transfer-rx is not an integer',
    );
  });
});

describe('parseAllDump', () => {
  it('groups prefixed lines by interface', () => {
    const text = tsv(
      ['wg0', PRIV, PUB, 51820, 'off'],
      ['wg0', P1, '(none)', '[::1]:4000', '10.8.0.2/32', 1733230001, 10, 20, 'off'],
      ['wg-n2', PRIV, PUB, 51821, '0x1'],
      ['wg-n2', P2, '(none)', '(none)', '(none)', 0, 0, 0, 'off'],
      ['wg-n2', P3, '(none)', '192.0.2.1:1', '10.9.0.5/32', 5, 6, 7, 'off'],
    );
    const all = parseAllDump(text);
    expect([...all.keys()]).toEqual(['wg0', 'wg-n2']);
    expect(all.get('wg0')!.peers.map((p) => [p.publicKey, p.endpoint, p.rx, p.tx])).toEqual([[P1, '[::1]:4000', 10n, 20n]]);
    expect(all.get('wg-n2')!.listenPort).toBe(51821);
    expect(all.get('wg-n2')!.fwmark).toBe(1);
    expect(all.get('wg-n2')!.peers.map((p) => [p.publicKey, p.latestHandshake, p.rx, p.tx])).toEqual([
      [P2, 0, 0n, 0n],
      [P3, 5, 6n, 7n],
    ]);
  });

  it('rejects a peer line before its interface line', () => {
    expect(() => parseAllDump(tsv(['wg0', P1, '(none)', '(none)', '(none)', 0, 0, 0, 'off']))).toThrow('line 1: peer before interface wg0');
  });
});
