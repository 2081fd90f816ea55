/** The one place where errors become HTTP: GatehouseError codes, validation failures, everything else. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { GatehouseError } from '../domain/errors.ts';
import { RESULT_STATUS, type ErrorCode } from '../contract/result-codes.ts';

interface ValidationItem {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

const fieldOf = (v: ValidationItem): string => {
  const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const extra = (v.params.missingProperty ?? v.params.additionalProperty) as string | undefined;
  return [path, extra].filter(Boolean).join('.') || '(body)';
};

const describe = (v: ValidationItem, field: string): string => {
  switch (v.keyword) {
    case 'required':
      return `${field}: required`;
    case 'additionalProperties':
      return `${field}: unknown field`;
    case 'x-int64':
      return `${field}: must be an integer between 0 and 9223372036854775807`;
    case 'enum':
      return `${field}: must be one of ${((v.params.allowedValues as unknown[]) ?? []).slice(0, 12).join(', ')}${((v.params.allowedValues as unknown[]) ?? []).length > 12 ? ', ...' : ''}`;
    default:
      return `${field}: ${v.message ?? 'is not valid'}`;
  }
};

export const sendError = (reply: FastifyReply, code: ErrorCode, error: string, field?: string) =>
  reply.status(RESULT_STATUS[code]).send({ result: code, error, ...(field ? { field } : {}) });

/**
 * A unique or foreign-key violation that reaches here lost a race with a concurrent request (the
 * services check first, but two requests can pass the check together): a conflict, not a crash.
 */
const constraintConflict = (err: unknown): boolean => {
  const code = String((err as { code?: unknown }).code ?? '');
  return code === '23505' || code === '23503' || /^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY|FOREIGNKEY)$/.test(code);
};

export const errorHandler = (err: FastifyError | GatehouseError, req: FastifyRequest, reply: FastifyReply) => {
  if (err instanceof GatehouseError) return sendError(reply, err.code, err.message, err.field);
  if (constraintConflict(err)) {
    req.log.warn({ err }, 'constraint conflict');
    return sendError(reply, 'CONFLICT', 'a concurrent change conflicted with this request; read the current state and retry');
  }
  const fe = err as FastifyError & { validation?: ValidationItem[]; validationContext?: string };
  if (fe.validation && fe.validation.length) {
    // Prefer the most specific complaint: unions report every branch, the first one is the clearest.
    const v = fe.validation.find((x) => x.keyword !== 'anyOf' && x.keyword !== 'oneOf') ?? fe.validation[0]!;
    const field = fieldOf(v);
    return sendError(reply, 'INVALID_PARAMS', describe(v, field), field);
  }
  if (fe.statusCode === 429) return sendError(reply, 'TOO_MANY_REQUESTS', 'too many requests; slow down');
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code: ErrorCode = fe.statusCode === 404 ? 'NOT_FOUND' : fe.statusCode === 401 ? 'NOT_AUTHORIZED' : 'INVALID_PARAMS';
    const field = fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'content-type' : fe.code?.startsWith('FST_ERR_CTP') ? '(body)' : undefined;
    return sendError(reply, code, fe.message, field);
  }
  req.log.error({ err }, 'unhandled error');
  return sendError(reply, 'INTERNAL_SERVER_ERROR', 'internal error; it has been logged');
};
