/**
 * JSON bodies are parsed with exact integers: a literal beyond 2^53 becomes a bigint instead of a
 * rounded double, and a literal written with a fraction or an exponent (`1.0`, `1e3`) stays visibly
 * non-integer (boxed), so no integer field accepts it. This is what lets a byte counter of
 * 9223372036854775807 arrive exactly and 9223372036854775808 be refused (case A2).
 */
import { isInteger, isSafeNumber, parse } from 'lossless-json';

const parseNumber = (text: string): unknown => {
  if (isInteger(text)) return isSafeNumber(text) ? Number(text) : BigInt(text);
  const n = Number(text);
  // 1.0 or 1e3 are integral doubles: keep them from passing as integers.
  // eslint-disable-next-line no-new-wrappers
  return Number.isInteger(n) ? new Number(n) : n;
};

/**
 * One pass over valid JSON text: does it hold a number JSON.parse would not keep exactly (a digit run
 * of 16+, or a fraction/exponent) or an object with a repeated key (which the lossless parser refuses)?
 * Strings are skipped; escaped keys are decoded before comparing.
 */
const needsLossless = (text: string): boolean => {
  const stack: Array<string[] | null> = [];
  let keys: string[] | null = null;
  let keyNext = false;
  let digits = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits >= 16) return true;
      continue;
    }
    if (digits > 0 && (c === 46 || c === 101 || c === 69)) return true; // . e E after a digit
    digits = 0;
    if (c === 34) {
      let j = i + 1;
      let escaped = false;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === 92) {
          escaped = true;
          j++;
        } else if (d === 34) break;
      }
      if (keyNext && keys) {
        const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
        if (keys.includes(key)) return true;
        keys.push(key);
        keyNext = false;
      }
      i = j;
    } else if (c === 123) {
      stack.push(keys);
      keys = [];
      keyNext = true;
    } else if (c === 91) {
      stack.push(keys);
      keys = null;
    } else if (c === 125 || c === 93) {
      keys = stack.pop() ?? null;
      keyNext = false;
    } else if (c === 44) keyNext = keys !== null;
  }
  return false;
};

/** Node sync bodies (100 KB of plain integers) parse ~3x faster through JSON.parse; anything else keeps the lossless parser and its errors. */
export const parseJsonBody = (text: string): unknown => {
  if (text.length === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return parse(text, null, parseNumber);
  }
  return needsLossless(text) ? parse(text, null, parseNumber) : v;
};

/** Validator for the `x-int64` schema keyword (see contract/common.ts Int64In); bounds are parsed once per schema. */
export const int64Keyword = {
  keyword: 'x-int64',
  schemaType: 'object',
  errors: false,
  compile: (schema: { min: string; max: string }) => {
    const min = BigInt(schema.min);
    const max = BigInt(schema.max);
    const minN = Number(min);
    const maxN = Number(max);
    return (data: unknown): boolean => {
      if (typeof data === 'number') {
        if (!Number.isInteger(data)) return false;
        // Safe integers compare as numbers; beyond 2^53 the JSON parser hands bigints instead.
        return Number.isSafeInteger(data) ? data >= minN && data <= maxN : BigInt(data) >= min && BigInt(data) <= max;
      }
      return typeof data === 'bigint' && data >= min && data <= max;
    };
  },
} as const;
