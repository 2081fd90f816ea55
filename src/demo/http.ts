/**
 * The demo's HTTP client: real requests against the running server, paced by one global token
 * bucket so that the simulation stays a few dozen requests per second. A request may leave from its
 * own loopback address (127.x.y.z) so that simulated devices look like distinct client IPs.
 */
import http from 'node:http';
import { isInteger, isSafeNumber, parse } from 'lossless-json';

export interface Res<T = any> {
  status: number;
  body: T;
  headers: http.IncomingHttpHeaders;
}

export interface ReqOpts {
  body?: unknown;
  token?: string | null;
  /** source address of the connection (a loopback alias); dropped if the OS refuses it */
  localAddress?: string;
}

const parseExact = (text: string): any =>
  parse(text, null, (t) => (isInteger(t) ? (isSafeNumber(t) ? Number(t) : BigInt(t)) : Number(t)));

const stringify = (v: unknown): string => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class DemoHttp {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  private readonly base: URL;
  private tokens: number;
  private last = Date.now();
  private queue: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;
  /** false once the OS refused a loopback alias (e.g. macOS without 127.0.0.0/8 aliases) */
  sourceAddresses = true;
  sent = 0;
  failed = 0;
  private closed = false;

  constructor(
    base: string,
    private readonly perSecond = 40,
  ) {
    this.base = new URL(base);
    this.tokens = perSecond;
  }

  /** Waits for a slot of the global rate. */
  private slot(): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push(resolve);
      this.drain();
    });
  }

  private drain(): void {
    const now = Date.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    while (this.queue.length && this.tokens >= 1) {
      this.tokens -= 1;
      this.queue.shift()!();
    }
    if (this.queue.length && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.drain();
      }, Math.ceil(1000 / this.perSecond));
    }
  }

  async req<T = any>(method: string, path: string, o: ReqOpts = {}): Promise<Res<T>> {
    await this.slot();
    if (this.closed) throw new Error('the demo is stopping');
    this.sent++;
    const local = this.sourceAddresses ? o.localAddress : undefined;
    try {
      return await this.once<T>(method, path, o, local);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (local && (code === 'EADDRNOTAVAIL' || code === 'EINVAL')) {
        this.sourceAddresses = false;
        return this.once<T>(method, path, o, undefined);
      }
      this.failed++;
      throw e;
    }
  }

  private once<T>(method: string, path: string, o: ReqOpts, localAddress: string | undefined): Promise<Res<T>> {
    const payload = o.body === undefined ? undefined : stringify(o.body);
    const headers: Record<string, string> = {};
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve, reject) => {
      const r = http.request(
        {
          host: this.base.hostname.replace(/^\[|\]$/g, ''),
          port: this.base.port || 80,
          method,
          path,
          headers,
          agent: this.agent,
          timeout: 30_000,
          ...(localAddress ? { localAddress } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: any = null;
            try {
              body = text ? parseExact(text) : null;
            } catch {
              body = { result: 'INVALID_REPLY', error: text.slice(0, 200) };
            }
            resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
          });
          res.on('error', reject);
        },
      );
      r.on('timeout', () => r.destroy(new Error(`${method} ${path}: timed out`)));
      r.on('error', reject);
      if (payload !== undefined) r.write(payload);
      r.end();
    });
  }

  /** Like req, but waits out 429 answers (Retry-After) a few times. */
  async reqPatient<T = any>(method: string, path: string, o: ReqOpts = {}): Promise<Res<T>> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.req<T>(method, path, o);
      if (res.status !== 429 || attempt >= 8) return res;
      const after = Number(res.headers['retry-after'] ?? 10);
      await sleep(Math.min(60, Number.isFinite(after) ? after : 10) * 1000 + 250);
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const r of this.queue.splice(0)) r();
    this.agent.destroy();
  }
}

/** Loopback alias for the n-th simulated client network (127.77.a.b, never .0 or .255). */
export const loopbackAddress = (n: number): string => `127.77.${1 + Math.floor(n / 200)}.${1 + (n % 200)}`;
