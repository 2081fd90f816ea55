/** A small HTTP client for tests: real requests, JSON parsed with exact big integers. */
import { isInteger, isSafeNumber, parse } from 'lossless-json';

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export const parseExact = (text: string): any =>
  parse(text, null, (t) => (isInteger(t) ? (isSafeNumber(t) ? Number(t) : BigInt(t)) : Number(t)));

/** Serializes bigints as plain integer literals. */
export const stringifyExact = (v: unknown): string => {
  const marks: string[] = [];
  const s = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `__BIG${marks.push(x.toString()) - 1}__` : x));
  return s.replace(/"__BIG(\d+)__"/g, (_m, i: string) => marks[Number(i)]!);
};

export class Client {
  constructor(
    readonly base: string,
    public token: string | null = null,
  ) {}

  async req<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.token) h.authorization = `Bearer ${this.token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : stringifyExact(body);
      h['content-type'] ??= 'application/json';
    }
    const r = await fetch(this.base + path, { method, headers: h, body: payload });
    const text = await r.text();
    return { status: r.status, body: text ? parseExact(text) : null, headers: r.headers };
  }
  get<T = any>(path: string) {
    return this.req<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.req<T>('POST', path, body ?? {});
  }
  put<T = any>(path: string, body?: unknown) {
    return this.req<T>('PUT', path, body ?? {});
  }
  del<T = any>(path: string) {
    return this.req<T>('DELETE', path);
  }
}
