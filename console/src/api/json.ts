import { isLosslessNumber, parse, stringify } from 'lossless-json';

/**
 * Byte counters are 64-bit integers on the wire and may exceed 2^53, so JSON.parse would round them.
 * These keys always become bigint (matching the contract's Int64Out types); every other number
 * becomes a plain number.
 */
const BYTE_KEYS = new Set([
  'download',
  'upload',
  'limit',
  'used',
  'remaining',
  'traffic_limit',
  'traffic_used',
  'traffic_remaining',
]);

export function parseJson(text: string): unknown {
  return parse(text, (key, value) => {
    if (!isLosslessNumber(value)) return value;
    if (BYTE_KEYS.has(key) && /^-?\d+$/.test(value.value)) return BigInt(value.value);
    return Number(value.value);
  });
}

/** Serializes bigints as exact JSON integer literals. */
export function stringifyJson(value: unknown): string {
  return stringify(value) ?? 'null';
}
