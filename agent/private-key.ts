import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file.ts';
import type { RunCommand } from './command.ts';
import { isWireGuardKey } from './wg-dump.ts';

/** Keeps the node's private key in a 0600 file (generated once) and returns the public key. */
export async function ensurePrivateKey(path: string, run: RunCommand): Promise<string> {
  if (!existsSync(path)) writeFileAtomic(path, (await run('wg', ['genkey'])).trim() + '\n', 0o600);
  const privateKey = readFileSync(path, 'utf8').trim();
  if (!isWireGuardKey(privateKey)) throw new Error(`${path} does not hold a WireGuard private key`);
  return (await run('wg', ['pubkey'], { input: privateKey + '\n' })).trim();
}
