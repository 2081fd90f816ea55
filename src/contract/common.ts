import { Type, type TSchema } from 'typebox';
import { RESULT_STATUS } from './result-codes.ts';
import { COUNTRY_CODES } from './countries.ts';

export const INT64_MAX = 9223372036854775807n;

/**
 * A 64-bit integer on input. JSON bodies are parsed with exact integers (see http/json-body.ts): a
 * literal beyond 2^53 arrives as a bigint, so plain `integer` would refuse it. The `x-int64` keyword
 * (registered in http/app.ts) accepts integer numbers and bigints within [min, max], and nothing else:
 * not `"12"`, not `1.5`, not `1e3`.
 */
export const Int64In = (opts: { min?: bigint; max?: bigint; description?: string } = {}) =>
  Type.Unsafe<bigint | number>({
    'x-int64': { min: String(opts.min ?? 0n), max: String(opts.max ?? INT64_MAX) },
    description: opts.description ?? `64-bit integer in [${opts.min ?? 0n}, ${opts.max ?? INT64_MAX}]`,
  });

/** A 64-bit integer on output; the serializer writes bigints exactly. */
export const Int64Out = (description?: string) =>
  Type.Unsafe<bigint>({ type: 'integer', format: 'int64', ...(description ? { description } : {}) });

/** A nullable 64-bit integer on output (`nullable`: the serializer's anyOf and type-list checks cannot see bigints). */
export const Int64OrNull = (description?: string) =>
  Type.Unsafe<bigint | null>({ type: 'integer', nullable: true, format: 'int64', ...(description ? { description } : {}) });

/** Instants travel as ISO 8601 UTC strings with milliseconds. */
export const Instant = (description?: string) =>
  Type.String({ format: 'date-time', ...(description ? { description } : {}) });

export const CountryCode = Type.Unsafe<string>({
  type: 'string',
  enum: [...COUNTRY_CODES],
  description: 'ISO 3166-1 alpha-2 country code (upper case)',
});

export const ResultOk = Type.Literal('OK');

export const ErrorBody = Type.Object(
  {
    result: Type.Union(
      Object.keys(RESULT_STATUS)
        .filter((c) => c !== 'OK')
        .map((c) => Type.Literal(c)),
    ),
    error: Type.String(),
    field: Type.Optional(Type.String()),
  },
  { $id: 'ErrorBody' },
);

/** `{result: 'OK', ...fields}` */
export const Ok = <T extends Record<string, TSchema>>(fields: T) =>
  Type.Object({ result: ResultOk, ...fields }, { additionalProperties: false });

export const OkOnly = Ok({});

/** Standard error responses for an operation's schema. */
export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, Type.Ref('ErrorBody')]));

export const PageQuery = {
  cursor: Type.Optional(Type.String({ maxLength: 512, description: 'Opaque cursor from next_cursor' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
};
