/** Byte formatting on exact bigints (counters may exceed 2^53). 1 KB = 1024 B. */
const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'] as const;
const K = 1024n;

const groupDigits = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** `value / 1024^power` with two decimals, rounded half up, trailing zeros trimmed. */
function scaled(value: bigint, power: number): string {
  const neg = value < 0n;
  const abs = neg ? -value : value;
  const unit = K ** BigInt(power);
  const hundredths = (abs * 100n + unit / 2n) / unit;
  const whole = groupDigits((hundredths / 100n).toString());
  const frac = (hundredths % 100n).toString().padStart(2, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

export const toBigInt = (v: bigint | number | string): bigint =>
  typeof v === 'bigint' ? v : BigInt(typeof v === 'number' ? Math.trunc(v) : v);

/** Auto-scaled: `512 B`, `1.5 KB`, `3.02 GB`. */
export function formatBytes(v: bigint | number | string): string {
  const value = toBigInt(v);
  const abs = value < 0n ? -value : value;
  let power = 0;
  while (power < UNITS.length - 1 && abs >= K ** BigInt(power + 1)) power++;
  return `${power === 0 ? groupDigits(value.toString()) : scaled(value, power)} ${UNITS[power]}`;
}

/** Always in MB (the User page's Traffic field). */
export const formatMB = (v: bigint | number | string): string => `${scaled(toBigInt(v), 2)} MB`;

/** Exact byte count with digit grouping, for titles and tooltips. */
export const formatExactBytes = (v: bigint | number | string): string =>
  `${groupDigits(toBigInt(v).toString())} bytes`;

/** The largest unit (MB at least) that keeps `max` at or above 1, and a converter to floats in it, for charts. */
export function chartUnit(max: bigint): { label: string; scale: (v: bigint) => number } {
  let power = 2;
  while (power < UNITS.length - 1 && max >= K ** BigInt(power + 1)) power++;
  const unit = K ** BigInt(power);
  return { label: UNITS[power]!, scale: (v) => Number((v * 100n) / unit) / 100 };
}

const INT64_MAX = 9223372036854775807n;

/** Parses a byte count typed by the operator: digits only, exact, within int64. */
export function parseByteCount(text: string): { value: bigint } | { error: string } {
  const t = text.trim().replace(/[_\s,]/g, '');
  if (t === '') return { error: 'Enter a number of bytes' };
  if (!/^\d+$/.test(t)) return { error: 'Whole number of bytes, digits only' };
  const value = BigInt(t);
  if (value > INT64_MAX) return { error: 'Too large (max 9223372036854775807)' };
  return { value };
}
