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

export const parseJsonBody = (text: string): unknown => (text.length === 0 ? {} : parse(text, null, parseNumber));

/** Validator for the `x-int64` schema keyword (see contract/common.ts Int64In). */
export const int64Keyword = {
  keyword: 'x-int64',
  schemaType: 'object',
  errors: false,
  validate: (schema: { min: string; max: string }, data: unknown): boolean => {
    let v: bigint;
    if (typeof data === 'bigint') v = data;
    else if (typeof data === 'number' && Number.isInteger(data)) v = BigInt(data);
    else return false;
    return v >= BigInt(schema.min) && v <= BigInt(schema.max);
  },
} as const;
