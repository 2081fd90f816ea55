/**
 * A stand-in for the App Store on localhost: the App Store Server API endpoints Gatehouse calls
 * (subscription statuses, transaction info) under /production and /sandbox, checking the bearer JWT
 * that the library signs with the project's key, and everything signed with a throwaway chain shaped
 * like Apple's (apple-pki.ts). Tests change a subscription's state, or make the store fail (503) or
 * hang, and sign what an app or Apple would send (transactions, notifications V2).
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { makeApplePki, type ApplePki } from './apple-pki.ts';

export type AppleEnv = 'production' | 'sandbox';

export interface FakeSubscription {
  originalTransactionId: string;
  transactionId: string;
  productId: string;
  env: AppleEnv;
  bundleId: string;
  purchaseDate: number;
  expiresDate: number;
  /** 1 active, 2 expired, 3 billing retry, 4 grace period, 5 revoked */
  status: number;
  trial: boolean;
  revocationDate?: number;
  revocationType?: 'REFUND_FULL' | 'FAMILY_REVOKE';
  gracePeriodExpiresDate?: number;
}

export interface FakeAppStore {
  /** configuration for Gatehouse */
  config: { appleApiProductionUrl: string; appleApiSandboxUrl: string; appleRootCerts: string; appleOnlineChecks: boolean };
  /** store settings for a project (PUT /settings/stores body.apple) */
  settings(allowSandbox?: boolean): { issuer_id: string; key_id: string; private_key: string; bundle_id: string; app_apple_id: number; allow_sandbox: boolean };
  bundleId: string;
  appAppleId: number;
  pki: ApplePki;
  subscribe(s: Partial<FakeSubscription> & { productId: string; expiresDate: number }): FakeSubscription;
  get(originalTransactionId: string): FakeSubscription;
  /** what the app sends: the signed transaction (StoreKit 2) */
  signedTransaction(originalTransactionId: string, overrides?: Record<string, unknown>, pki?: ApplePki): Promise<string>;
  /** an App Store Server Notification V2 body's signedPayload */
  notification(
    type: string,
    originalTransactionId: string,
    opts?: { subtype?: string; uuid?: string; signedDate?: number; bundleId?: string; appAppleId?: number },
  ): Promise<string>;
  /** ok, fail every API call with 503, or never answer */
  mode: 'ok' | '503' | 'hang';
  calls: string[];
  close(): Promise<void>;
}

export const startFakeAppStore = async (now: () => number): Promise<FakeAppStore> => {
  const pki = makeApplePki({ now: now() });
  const rootFile = join(tmpdir(), `fake-apple-root-${randomUUID()}.der`);
  writeFileSync(rootFile, pki.rootDer);
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const p8 = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const issuerId = randomUUID();
  const keyId = 'TESTKEY001';
  const bundleId = 'com.example.gatehouse.vpn';
  const appAppleId = 1234567890;
  const subs = new Map<string, FakeSubscription>();
  let seq = 2000000000;
  const hanging: ServerResponse[] = [];

  const txPayload = (s: FakeSubscription, overrides: Record<string, unknown> = {}) => ({
    transactionId: s.transactionId,
    originalTransactionId: s.originalTransactionId,
    webOrderLineItemId: `${s.originalTransactionId}0`,
    bundleId: s.bundleId,
    productId: s.productId,
    subscriptionGroupIdentifier: '21000001',
    purchaseDate: s.purchaseDate,
    originalPurchaseDate: s.purchaseDate,
    expiresDate: s.expiresDate,
    quantity: 1,
    type: 'Auto-Renewable Subscription',
    inAppOwnershipType: 'PURCHASED',
    signedDate: now(),
    environment: s.env === 'production' ? 'Production' : 'Sandbox',
    transactionReason: 'PURCHASE',
    storefront: 'DEU',
    storefrontId: '143443',
    ...(s.trial ? { offerType: 1, offerDiscountType: 'FREE_TRIAL' } : {}),
    ...(s.revocationDate ? { revocationDate: s.revocationDate, revocationReason: 0, revocationType: s.revocationType ?? 'REFUND_FULL' } : {}),
    ...overrides,
  });
  const renewalPayload = (s: FakeSubscription) => ({
    originalTransactionId: s.originalTransactionId,
    autoRenewProductId: s.productId,
    productId: s.productId,
    autoRenewStatus: 1,
    signedDate: now(),
    environment: s.env === 'production' ? 'Production' : 'Sandbox',
    recentSubscriptionStartDate: s.purchaseDate,
    renewalDate: s.expiresDate,
    ...(s.gracePeriodExpiresDate ? { gracePeriodExpiresDate: s.gracePeriodExpiresDate } : {}),
  });

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const authorized = async (req: IncomingMessage): Promise<boolean> => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return false;
    try {
      if (decodeProtectedHeader(token).kid !== keyId) return false;
      const { payload } = await jwtVerify(token, key.publicKey, { issuer: issuerId, audience: 'appstoreconnect-v1', algorithms: ['ES256'] });
      return payload.bid === bundleId;
    } catch {
      return false;
    }
  };
  const find = (env: string, id: string) => {
    const byOriginal = subs.get(id);
    if (byOriginal) return byOriginal.env === env ? byOriginal : undefined;
    return [...subs.values()].find((s) => s.env === env && s.transactionId === id);
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const m = /^\/(production|sandbox)\/inApps\/v1\/(subscriptions|transactions)\/([^/?]+)/.exec(req.url ?? '');
      fake.calls.push(`${req.method} ${req.url?.split('?')[0]}`);
      if (fake.mode === 'hang') return void hanging.push(res);
      if (fake.mode === '503') return json(res, 503, { errorCode: 5000000, errorMessage: 'An unknown error occurred.' });
      if (!(await authorized(req))) return json(res, 401, {});
      if (!m) return json(res, 404, { errorCode: 4040000, errorMessage: 'no such endpoint' });
      const [, env, kind, id] = m as unknown as [string, AppleEnv, string, string];
      const s = find(env, id);
      if (!s) return json(res, 404, { errorCode: 4040010, errorMessage: 'Transaction id not found.' });
      if (kind === 'transactions') return json(res, 200, { signedTransactionInfo: await pki.sign(txPayload(s)) });
      json(res, 200, {
        environment: env === 'production' ? 'Production' : 'Sandbox',
        bundleId: s.bundleId,
        appAppleId,
        data: [
          {
            subscriptionGroupIdentifier: '21000001',
            lastTransactions: [
              { status: s.status, originalTransactionId: s.originalTransactionId, signedTransactionInfo: await pki.sign(txPayload(s)), signedRenewalInfo: await pki.sign(renewalPayload(s)) },
            ],
          },
        ],
      });
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const fake: FakeAppStore = {
    config: { appleApiProductionUrl: `${base}/production`, appleApiSandboxUrl: `${base}/sandbox`, appleRootCerts: rootFile, appleOnlineChecks: false },
    settings: (allowSandbox = false) => ({ issuer_id: issuerId, key_id: keyId, private_key: p8, bundle_id: bundleId, app_apple_id: appAppleId, allow_sandbox: allowSandbox }),
    bundleId,
    appAppleId,
    pki,
    subscribe: (s) => {
      const id = s.originalTransactionId ?? String(++seq);
      const sub: FakeSubscription = {
        originalTransactionId: id,
        transactionId: s.transactionId ?? id,
        env: 'production',
        bundleId,
        purchaseDate: now(),
        status: 1,
        trial: false,
        ...s,
      };
      subs.set(id, sub);
      return sub;
    },
    get: (id) => {
      const s = subs.get(id);
      if (!s) throw new Error(`fake App Store: no subscription ${id}`);
      return s;
    },
    signedTransaction: (id, overrides = {}, signer = pki) => signer.sign(txPayload(fake.get(id), overrides)),
    notification: async (type, id, opts = {}) => {
      const s = fake.get(id);
      return pki.sign({
        notificationType: type,
        ...(opts.subtype ? { subtype: opts.subtype } : {}),
        notificationUUID: opts.uuid ?? randomUUID(),
        version: '2.0',
        signedDate: opts.signedDate ?? now(),
        data: {
          appAppleId: opts.appAppleId ?? appAppleId,
          bundleId: opts.bundleId ?? s.bundleId,
          bundleVersion: '1.0',
          environment: s.env === 'production' ? 'Production' : 'Sandbox',
          signedTransactionInfo: await pki.sign({ ...txPayload(s), ...(opts.signedDate ? { signedDate: opts.signedDate } : {}) }),
          signedRenewalInfo: await pki.sign(renewalPayload(s)),
          status: s.status,
        },
      });
    },
    mode: 'ok',
    calls: [],
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return fake;
};
