import { parseJson, stringifyJson } from './json.ts';

/** A failed call: the server's `{result, error, field}` (or a network failure) as an Error. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
let onUnauthorized: () => void = () => {};

/** The session's CSRF token; every non-GET request carries it. */
export const setCsrfToken = (token: string | null): void => {
  csrfToken = token;
};
/** Called when a request other than the session check comes back 401 (signed out elsewhere). */
export const setUnauthorizedHandler = (fn: () => void): void => {
  onUnauthorized = fn;
};

type Query = Record<string, string | number | boolean | bigint | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Do not treat 401 as "session gone" (the session check and sign-in themselves). */
  quiet401?: boolean;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : stringifyJson(opts.body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', 'The server could not be reached');
  }
  const text = await res.text();
  let body: unknown = null;
  if (text) {
    try {
      body = parseJson(text);
    } catch {
      body = null;
    }
  }
  if (!res.ok) {
    const err = (body ?? {}) as { result?: string; error?: string; field?: string };
    if (res.status === 401 && !opts.quiet401) onUnauthorized();
    throw new ApiError(
      res.status,
      err.result ?? `HTTP_${res.status}`,
      err.error ?? (res.status === 429 ? 'Too many requests, try again later' : `Request failed (${res.status})`),
      err.field,
    );
  }
  return body as T;
}

export const get = <T>(path: string, query?: Query, opts?: Omit<RequestOptions, 'query'>) =>
  request<T>('GET', path, { ...opts, query });
export const post = <T>(path: string, body?: unknown, query?: Query) =>
  request<T>('POST', path, { body: body ?? {}, query });
export const put = <T>(path: string, body: unknown) => request<T>('PUT', path, { body });
export const del = <T>(path: string, query?: Query) => request<T>('DELETE', path, { query });

/** Base path of a project's operations (the partner API mounted under the console session). */
export const projectPath = (projectId: string, path: string): string =>
  `/console/api/projects/${encodeURIComponent(projectId)}/${path}`;
