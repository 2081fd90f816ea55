/**
 * Parser for `wg show <if> dump` and `wg show all dump` (wireguard-tools src/show.c dump_print).
 * The interface line starts with the private key: it is dropped here and never kept, logged or echoed in errors.
 */
export interface PeerDump {
  publicKey: string;
  hasPresharedKey: boolean;
  /** `ip:port` or `[v6]:port`; null when the peer never sent anything */
  endpoint: string | null;
  allowedIps: string[];
  /** unix seconds of the latest completed handshake; 0 = never */
  latestHandshake: number;
  /** bytes received from the peer (device upload) */
  rx: bigint;
  /** bytes sent to the peer (device download) */
  tx: bigint;
  persistentKeepalive: number | null;
}

export interface InterfaceDump {
  publicKey: string | null;
  listenPort: number;
  fwmark: number | null;
  peers: PeerDump[];
}

export class DumpParseError extends Error {}

/** `wg show <if> dump`: interface line (4 fields) then peer lines (8 fields). */
export function parseDump(text: string): InterfaceDump {
  const lines = splitLines(text);
  if (lines.length === 0) throw new DumpParseError('empty dump');
  const iface = parseInterfaceFields(lines[0]!.split('\t'), 1);
  iface.peers = lines.slice(1).map((line, i) => parsePeerFields(line.split('\t'), i + 2));
  return iface;
}

/** `wg show all dump`: the same lines, each prefixed with the interface name. */
export function parseAllDump(text: string): Map<string, InterfaceDump> {
  const result = new Map<string, InterfaceDump>();
  splitLines(text).forEach((line, i) => {
    const [name, ...fields] = line.split('\t');
    if (!name) throw new DumpParseError(`line ${i + 1}: no interface name`);
    const known = result.get(name);
    if (fields.length === 4) {
      if (known) throw new DumpParseError(`line ${i + 1}: interface ${name} listed twice`);
      result.set(name, parseInterfaceFields(fields, i + 1));
    } else {
      if (!known) throw new DumpParseError(`line ${i + 1}: peer before interface ${name}`);
      known.peers.push(parsePeerFields(fields, i + 1));
    }
  });
  return result;
}

function splitLines(text: string): string[] {
  return text.split('\n').filter((l) => l.length > 0);
}

function parseInterfaceFields(f: string[], line: number): InterfaceDump {
  // f[0] is the private key: checked for shape only, never stored or quoted.
  if (f.length !== 4) throw new DumpParseError(`line ${line}: interface line has ${f.length} fields, expected 4`);
  const fwmark = f[3]!;
  return {
    publicKey: f[1] === '(none)' ? null : key(f[1]!, line, 'public-key'),
    listenPort: int(f[2]!, line, 'listen-port'),
    fwmark: fwmark === 'off' ? null : parseFwmark(fwmark, line),
    peers: [],
  };
}

function parsePeerFields(f: string[], line: number): PeerDump {
  if (f.length !== 8) throw new DumpParseError(`line ${line}: peer line has ${f.length} fields, expected 8`);
  const [pub, psk, endpoint, allowed, handshake, rx, tx, keepalive] = f as [string, string, string, string, string, string, string, string];
  return {
    publicKey: key(pub, line, 'public-key'),
    hasPresharedKey: psk !== '(none)',
    endpoint: endpoint === '(none)' ? null : endpoint,
    allowedIps: allowed === '(none)' ? [] : allowed.split(','),
    latestHandshake: int(handshake, line, 'latest-handshake'),
    rx: u64(rx, line, 'transfer-rx'),
    tx: u64(tx, line, 'transfer-tx'),
    persistentKeepalive: keepalive === 'off' ? null : int(keepalive, line, 'persistent-keepalive'),
  };
}

const KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

export function isWireGuardKey(s: string): boolean {
  return KEY.test(s);
}

function key(s: string, line: number, field: string): string {
  if (!KEY.test(s)) throw new DumpParseError(`line ${line}: ${field} is not a WireGuard key`);
  return s;
}

function int(s: string, line: number, field: string): number {
  if (!/^\d{1,15}$/.test(s)) throw new DumpParseError(`line ${line}: ${field} is not an integer`);
  return Number(s);
}

function u64(s: string, line: number, field: string): bigint {
  if (!/^\d{1,20}$/.test(s)) throw new DumpParseError(`line ${line}: ${field} is not an integer`);
  return BigInt(s);
}

function parseFwmark(s: string, line: number): number {
  if (!/^(0x[0-9a-f]{1,8}|\d{1,10})$/i.test(s)) throw new DumpParseError(`line ${line}: fwmark is not off or a number`);
  return Number(s);
}
