import { Value } from 'typebox/value';
import { SyncReply } from '../src/contract/node.ts';

export class PlatformError extends Error {
  constructor(
    readonly status: number | null,
    message: string,
  ) {
    super(message);
  }
}

export type Fetch = typeof fetch;

/** POST {platform}/node/sync with the node token. */
export class PlatformClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 15_000,
    private readonly fetchImpl: Fetch = fetch,
  ) {}

  async sync(bodyJson: string): Promise<SyncReply> {
    // A referenced timer, unlike AbortSignal.timeout's: a request stuck on a silent connection must not
    // let the event loop drain and end the agent.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`no reply within ${this.timeoutMs} ms`)), this.timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(`${this.baseUrl}/node/sync`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body: bodyJson,
        signal: abort.signal,
      });
      text = await res.text().catch(() => '');
    } catch (e) {
      const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message;
      throw new PlatformError(null, `platform unreachable: ${(e as Error).message}${why ? ` (${why})` : ''}`);
    } finally {
      clearTimeout(timer);
    }
    if (!res.ok) {
      let detail = text.slice(0, 300);
      try {
        const b = JSON.parse(text) as { result?: string; error?: string; field?: string };
        detail = [b.result, b.error, b.field && `field ${b.field}`].filter(Boolean).join(': ');
      } catch {
        // not JSON: keep the text
      }
      const hint = res.status === 401 ? ' (the node token was refused)' : '';
      throw new PlatformError(res.status, `platform answered ${res.status}${hint}: ${detail}`);
    }
    let reply: unknown;
    try {
      reply = JSON.parse(text);
    } catch {
      throw new PlatformError(res.status, 'platform reply is not JSON');
    }
    if (!Value.Check(SyncReply, reply)) throw new PlatformError(res.status, 'platform reply does not match SyncReply');
    return reply;
  }
}
