import type { OutboxItem } from './outbox.ts';

/**
 * The SyncBody JSON text. Counters are u64 and may pass 2^53, so the body is written by hand with every
 * number as a plain integer literal (JSON.stringify cannot print a bigint).
 */
export function syncBodyJson(agentVersion: string, items: readonly OutboxItem[], publicKey?: string): string {
  const events: string[] = [];
  const counters: string[] = [];
  for (const it of items) {
    if (it.kind === 'counter')
      counters.push(
        `{"session_id":${int(it.session_id)},"epoch":${int(it.epoch)},"seq":${int(it.seq)},` +
          `"download":${u64(it.download)},"upload":${u64(it.upload)},"at":${int(it.at)}}`,
      );
    else events.push(`{"type":"${it.kind}","session_id":${int(it.session_id)},"at":${int(it.at)}}`);
  }
  const key = publicKey ? `,"public_key":${JSON.stringify(publicKey)}` : '';
  return `{"agent_version":${JSON.stringify(agentVersion)}${key},"events":[${events.join(',')}],"counters":[${counters.join(',')}]}`;
}

function int(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a non-negative safe integer: ${n}`);
  return String(n);
}

const INT64_MAX = 0x7fff_ffff_ffff_ffffn;

/** WireGuard counters are u64; the platform stores BIGINT. Saturate rather than have the platform refuse the batch forever. */
function u64(n: bigint): string {
  if (n < 0n || n > 0xffff_ffff_ffff_ffffn) throw new Error(`not a u64: ${n}`);
  return (n > INT64_MAX ? INT64_MAX : n).toString();
}
