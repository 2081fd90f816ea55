/**
 * A stand-in for Google Play on localhost: the OAuth token endpoint (verifies the service account's
 * signed assertion and issues an access token) and the Play Developer API endpoints Gatehouse calls
 * (purchases.subscriptionsv2.get, purchases.subscriptions.acknowledge), checking that access token.
 * Tests change a subscription's state, make the store fail (503) or hang, and build Pub/Sub push
 * bodies of Real-time Developer Notifications.
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { jwtVerify } from 'jose';

export interface FakeGoogleSubscription {
  token: string;
  packageName: string;
  productId: string;
  startTime: number;
  expiryTime: number;
  state: string;
  test: boolean;
  trial: boolean;
  linkedPurchaseToken?: string;
  acknowledged: boolean;
}

export interface FakeGooglePlay {
  config: { googleApiRootUrl: string; googleTokenUrl: string };
  /** store settings for a project (PUT /settings/stores body.google) */
  settings(allowSandbox?: boolean): { package_name: string; service_account_json: string; allow_sandbox: boolean };
  packageName: string;
  purchase(p: Partial<FakeGoogleSubscription> & { productId: string; expiryTime: number }): FakeGoogleSubscription;
  get(token: string): FakeGoogleSubscription;
  /** a Pub/Sub push body carrying an RTDN */
  push(notification: Record<string, unknown>, messageId?: string): { message: { data: string; messageId: string; publishTime: string }; subscription: string };
  mode: 'ok' | '503' | 'hang';
  acks: string[];
  tokensIssued: number;
  close(): Promise<void>;
}

export const startFakeGooglePlay = async (now: () => number): Promise<FakeGooglePlay> => {
  const sa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientEmail = 'gatehouse@test-project.iam.gserviceaccount.com';
  const packageName = 'com.example.gatehouse.vpn';
  const subs = new Map<string, FakeGoogleSubscription>();
  const accessTokens = new Set<string>();
  const hanging: ServerResponse[] = [];

  const body = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let s = '';
      req.on('data', (c: Buffer) => (s += c.toString('utf8')));
      req.on('end', () => resolve(s));
    });
  const json = (res: ServerResponse, status: number, v: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(v));
  };
  const notFound = (res: ServerResponse) => json(res, 404, { error: { code: 404, message: 'The purchase token was not found.', status: 'NOT_FOUND' } });
  const view = (s: FakeGoogleSubscription) => ({
    kind: 'androidpublisher#subscriptionPurchaseV2',
    regionCode: 'DE',
    startTime: new Date(s.startTime).toISOString(),
    subscriptionState: s.state,
    latestOrderId: `GPA.3300-0000-0000-${s.token.slice(0, 5)}`,
    acknowledgementState: s.acknowledged ? 'ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED' : 'ACKNOWLEDGEMENT_STATE_PENDING',
    ...(s.linkedPurchaseToken ? { linkedPurchaseToken: s.linkedPurchaseToken } : {}),
    ...(s.test ? { testPurchase: {} } : {}),
    lineItems: [
      {
        productId: s.productId,
        expiryTime: new Date(s.expiryTime).toISOString(),
        autoRenewingPlan: { autoRenewEnabled: s.state === 'SUBSCRIPTION_STATE_ACTIVE' },
        offerDetails: { basePlanId: 'monthly' },
        ...(s.trial ? { offerPhase: { freeTrial: {} } } : { offerPhase: { basePrice: {} } }),
      },
    ],
  });

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/token' && req.method === 'POST') {
        const form = new URLSearchParams(await body(req));
        try {
          const { payload } = await jwtVerify(form.get('assertion') ?? '', sa.publicKey, {
            issuer: clientEmail,
            audience: 'https://oauth2.googleapis.com/token',
            currentDate: new Date(),
          });
          if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' || !String(payload.scope).includes('androidpublisher')) throw new Error('bad grant');
        } catch {
          return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
        }
        const token = `ya29.${randomBytes(16).toString('hex')}`;
        accessTokens.add(token);
        fake.tokensIssued++;
        return json(res, 200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
      }
      if (fake.mode === 'hang') return void hanging.push(res);
      if (fake.mode === '503') return json(res, 503, { error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } });
      if (!accessTokens.has(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '')) {
        return json(res, 401, { error: { code: 401, message: 'Request had invalid authentication credentials.' } });
      }
      const get = /^\/androidpublisher\/v3\/applications\/([^/]+)\/purchases\/subscriptionsv2\/tokens\/([^/]+)$/.exec(url.pathname);
      const ack = /^\/androidpublisher\/v3\/applications\/([^/]+)\/purchases\/subscriptions\/([^/]+)\/tokens\/([^/:]+):acknowledge$/.exec(url.pathname);
      if (get && req.method === 'GET') {
        const s = subs.get(decodeURIComponent(get[2]!));
        if (!s || s.packageName !== decodeURIComponent(get[1]!)) return notFound(res);
        return json(res, 200, view(s));
      }
      if (ack && req.method === 'POST') {
        const s = subs.get(decodeURIComponent(ack[3]!));
        if (!s || s.packageName !== decodeURIComponent(ack[1]!) || s.productId !== decodeURIComponent(ack[2]!)) return notFound(res);
        s.acknowledged = true;
        fake.acks.push(s.token);
        res.writeHead(204);
        return res.end();
      }
      json(res, 404, { error: { code: 404, message: `no route ${url.pathname}` } });
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const fake: FakeGooglePlay = {
    config: { googleApiRootUrl: `${base}/`, googleTokenUrl: `${base}/token` },
    settings: (allowSandbox = false) => ({
      package_name: packageName,
      service_account_json: JSON.stringify({
        type: 'service_account',
        project_id: 'test-project',
        private_key_id: 'a1b2c3d4e5',
        private_key: sa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        client_email: clientEmail,
        client_id: '100000000000000000001',
        token_uri: 'https://oauth2.googleapis.com/token',
      }),
      allow_sandbox: allowSandbox,
    }),
    packageName,
    purchase: (p) => {
      const s: FakeGoogleSubscription = {
        token: `tok-${randomBytes(24).toString('base64url')}`,
        packageName,
        startTime: now(),
        state: 'SUBSCRIPTION_STATE_ACTIVE',
        test: false,
        trial: false,
        acknowledged: false,
        ...p,
      };
      subs.set(s.token, s);
      return s;
    },
    get: (token) => {
      const s = subs.get(token);
      if (!s) throw new Error(`fake Google Play: no purchase ${token}`);
      return s;
    },
    push: (notification, messageId = String(Math.floor(Math.random() * 1e15))) => ({
      message: {
        data: Buffer.from(JSON.stringify({ version: '1.0', packageName, eventTimeMillis: String(now()), ...notification })).toString('base64'),
        messageId,
        publishTime: new Date(now()).toISOString(),
      },
      subscription: `projects/test-project/subscriptions/play-rtdn-${randomUUID().slice(0, 8)}`,
    }),
    mode: 'ok',
    acks: [],
    tokensIssued: 0,
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return fake;
};
