import type { ErrorCode } from '../contract/result-codes.ts';

/**
 * The one error type that services and domain rules throw. `http/errors.ts` maps it to a status and a
 * `{result, error, field}` body; nothing below the HTTP layer knows about HTTP.
 */
export class GatehouseError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'GatehouseError';
  }
}

export const invalid = (field: string, message: string): GatehouseError =>
  new GatehouseError('INVALID_PARAMS', `${field}: ${message}`, field);

export const notFound = (what: string): GatehouseError => new GatehouseError('NOT_FOUND', `${what} not found`);
