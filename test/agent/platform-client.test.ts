import { describe, expect, it } from 'vitest';
import { PlatformClient, PlatformError, type Fetch } from '../../agent/platform-client.ts';
import { syncBodyJson } from '../../agent/sync-body.ts';

const reply = { result: 'OK', now: 1, sync_interval: 10, applied_counters: 0, ignored_counters: 0, peers: [], cut: [] };

function fakeFetch(status: number, body: string, seen: { url?: string; init?: RequestInit }[] = []): Fetch {
  return (async (url: string, init: RequestInit) => {
    seen.push({ url, init });
    return new Response(body, { status });
  }) as unknown as Fetch;
}

describe('syncBodyJson', () => {
  it('writes counters beyond 2^53 as plain integer literals, saturating u64 values at the platform limit 2^63-1', () => {
    const text = syncBodyJson('gatehouse-agent/0.1.0', [
      { kind: 'start', session_id: 3, at: 1_733_230_000_000 },
      { kind: 'counter', session_id: 3, epoch: 2, seq: 9, download: 18_446_744_073_709_551_615n, upload: 9_007_199_254_740_993n, at: 1_733_230_005_000 },
      { kind: 'end', session_id: 3, at: 1_733_230_004_000 },
    ]);
    expect(text).toBe(
      '{"agent_version":"gatehouse-agent/0.1.0","events":[{"type":"start","session_id":3,"at":1733230000000},{"type":"end","session_id":3,"at":1733230004000}],' +
        '"counters":[{"session_id":3,"epoch":2,"seq":9,"download":9223372036854775807,"upload":9007199254740993,"at":1733230005000}]}',
    );
  });

  it('reports the node public key when it has one', () => {
    expect(syncBodyJson('v', [], 'k'.repeat(43) + '=')).toBe(`{"agent_version":"v","public_key":"${'k'.repeat(43)}=","events":[],"counters":[]}`);
  });
});

describe('PlatformClient', () => {
  it('posts the body with the node token and returns the checked reply', async () => {
    const seen: { url?: string; init?: RequestInit }[] = [];
    const client = new PlatformClient('http://127.0.0.1:9', 'node-secret', 1000, fakeFetch(200, JSON.stringify(reply), seen));
    expect(await client.sync('{"events":[],"counters":[]}')).toEqual(reply);
    expect(seen[0]!.url).toBe('http://127.0.0.1:9/node/sync');
    expect(seen[0]!.init!.method).toBe('POST');
    expect(seen[0]!.init!.headers).toEqual({ authorization: 'Bearer node-secret', 'content-type': 'application/json' });
  });

  it('says when the token is refused, with the platform error', async () => {
    const client = new PlatformClient('http://x', 't', 1000, fakeFetch(401, '{"result":"NOT_AUTHORIZED","error":"bad node token"}'));
    await expect(client.sync('{}')).rejects.toEqual(
      new PlatformError(401, 'platform answered 401 (the node token was refused): NOT_AUTHORIZED: bad node token'),
    );
  });

  it('marks a 2xx with an unexpected body as accepted (status kept) but unusable', async () => {
    const client = new PlatformClient('http://x', 't', 1000, fakeFetch(200, '{"result":"OK"}'));
    const err = (await client.sync('{}').catch((e: unknown) => e)) as PlatformError;
    expect([err.status, err.message]).toEqual([200, 'platform reply does not match SyncReply']);
  });
});
