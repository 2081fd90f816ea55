/**
 * The App Store, through Apple's App Store Server Library: SignedDataVerifier checks every signed
 * statement (x5c chain up to Apple's root certificates, Apple's marker OIDs on the intermediate and
 * leaf, the ES256 signature, bundle id, app Apple id, environment), and the App Store Server API
 * client reads a subscription's current status. Base URLs and the roots are configuration, so tests
 * point them at a local fake and a throwaway root.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { X509Certificate } from 'node:crypto';
import {
  APIException,
  AppStoreServerAPIClient,
  Environment,
  SignedDataVerifier,
  VerificationException,
  VerificationStatus,
  type JWSRenewalInfoDecodedPayload,
  type JWSTransactionDecodedPayload,
  type ResponseBodyV2DecodedPayload,
} from '@apple/app-store-server-library';
import { StoreFailure, type StoreEnvironment, type StoreVerdict } from '../domain/purchases.ts';

export interface AppleCredentials {
  issuerId: string;
  keyId: string;
  /** the .p8 key from App Store Connect (PKCS#8 PEM, EC P-256) */
  privateKey: string;
  bundleId: string;
  appAppleId: number;
}

export interface AppleStoreOptions {
  /** DER or PEM files; null = the Apple roots shipped in apple-roots/ */
  rootFiles: string[] | null;
  onlineChecks: boolean;
  productionUrl: string;
  sandboxUrl: string;
  timeoutMs: number;
}

const SHIPPED_ROOTS = [resolve(import.meta.dirname, 'apple-roots/AppleRootCA-G3.cer')];
export const AUTO_RENEWABLE = 'Auto-Renewable Subscription';
const STATUS = { ACTIVE: 1, EXPIRED: 2, BILLING_RETRY: 3, GRACE_PERIOD: 4, REVOKED: 5 } as const;

const loadRoots = (files: string[]): Buffer[] =>
  files.map((f) => {
    const raw = readFileSync(f);
    return new X509Certificate(raw).raw; // PEM or DER in, DER out; throws on anything else
  });

const appleEnv = (e: StoreEnvironment) => (e === 'production' ? Environment.PRODUCTION : Environment.SANDBOX);
const ourEnv = (e: string | undefined): StoreEnvironment | null =>
  e === Environment.PRODUCTION ? 'production' : e === Environment.SANDBOX ? 'sandbox' : null;

/** The unverified payload of a JWS, only to choose the verifier (which then checks everything). */
const peek = (jws: string): Record<string, unknown> | null => {
  try {
    const part = jws.split('.')[1];
    const v: unknown = part ? JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) : null;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

/** The library's client, with the base URL from configuration and a timeout on every call. */
class ApiClient extends AppStoreServerAPIClient {
  constructor(
    creds: AppleCredentials,
    env: StoreEnvironment,
    private readonly base: string,
    private readonly timeoutMs: number,
  ) {
    super(creds.privateKey, creds.keyId, creds.issuerId, creds.bundleId, appleEnv(env));
  }
  protected override async makeFetchRequest(
    path: string,
    query: URLSearchParams,
    method: string,
    body: string | Buffer | undefined,
    headers: { [key: string]: string },
  ) {
    // The global fetch's Response offers what the library reads (ok, status, json()).
    const res = await fetch(`${this.base.replace(/\/$/, '')}${path}?${query}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    return res as never;
  }
}

export interface AppleNotification {
  payload: ResponseBodyV2DecodedPayload;
  environment: StoreEnvironment;
  transaction: JWSTransactionDecodedPayload | null;
  renewal: JWSRenewalInfoDecodedPayload | null;
}

export class AppleStore {
  private readonly roots: Buffer[];
  private readonly verifiers = new Map<string, SignedDataVerifier>();
  private readonly clients = new Map<string, ApiClient>();

  constructor(private readonly opts: AppleStoreOptions) {
    this.roots = loadRoots(opts.rootFiles ?? SHIPPED_ROOTS);
  }

  /** Verifies a signed transaction that the app sent (JWSTransaction from StoreKit 2). */
  async transactionFromApp(creds: AppleCredentials, jws: string): Promise<{ environment: StoreEnvironment; transaction: JWSTransactionDecodedPayload }> {
    const env = this.envOf(jws);
    const transaction = await this.verify(creds, env, jws, (v) => v.verifyAndDecodeTransaction(jws));
    return { environment: env, transaction };
  }

  /** Finds a transaction by id: production first, then sandbox (Apple's advice for TestFlight and review). */
  async transactionById(creds: AppleCredentials, transactionId: string): Promise<{ environment: StoreEnvironment; transaction: JWSTransactionDecodedPayload }> {
    let notFound: StoreFailure | null = null;
    for (const env of ['production', 'sandbox'] as const) {
      try {
        const r = await this.call(creds, env, (c) => c.getTransactionInfo(transactionId));
        if (!r.signedTransactionInfo) throw new StoreFailure('unavailable', 'the App Store answered without signedTransactionInfo');
        const jws = r.signedTransactionInfo;
        return { environment: env, transaction: await this.verify(creds, env, jws, (v) => v.verifyAndDecodeTransaction(jws)) };
      } catch (e) {
        if (!(e instanceof StoreFailure) || e.kind !== 'invalid' || !/does not know/.test(e.message)) throw e;
        notFound = e;
      }
    }
    throw notFound ?? new StoreFailure('invalid', `the App Store does not know transaction ${transactionId}`);
  }

  /**
   * The current state of a purchase: for an auto-renewable subscription, its status from the App Store
   * Server API; for anything else, the transaction as Apple signs it now (a refund shows there).
   */
  async currentState(creds: AppleCredentials, env: StoreEnvironment, transactionId: string, subscription: boolean, now: number): Promise<StoreVerdict> {
    if (!subscription) {
      const r = await this.call(creds, env, (c) => c.getTransactionInfo(transactionId));
      if (!r.signedTransactionInfo) throw new StoreFailure('unavailable', 'the App Store answered without signedTransactionInfo');
      const jws = r.signedTransactionInfo;
      return this.verdict(await this.verify(creds, env, jws, (v) => v.verifyAndDecodeTransaction(jws)), null, undefined, env, now);
    }
    const statuses = await this.call(creds, env, (c) => c.getAllSubscriptionStatuses(transactionId));
    const items = (statuses.data ?? []).flatMap((g) => g.lastTransactions ?? []);
    const item = items.find((i) => i.originalTransactionId === transactionId) ?? (items.length === 1 ? items[0]! : undefined);
    if (!item?.signedTransactionInfo) throw new StoreFailure('invalid', `the App Store has no subscription status for transaction ${transactionId}`);
    const txJws = item.signedTransactionInfo;
    const transaction = await this.verify(creds, env, txJws, (v) => v.verifyAndDecodeTransaction(txJws));
    const renewalJws = item.signedRenewalInfo;
    const renewal = renewalJws ? await this.verify(creds, env, renewalJws, (v) => v.verifyAndDecodeRenewalInfo(renewalJws)) : null;
    return this.verdict(transaction, renewal, item.status, env, now);
  }

  /** Verifies an App Store Server Notification V2 (`signedPayload`) and the statements inside it. */
  async notification(creds: AppleCredentials, signedPayload: string): Promise<AppleNotification> {
    const unverified = peek(signedPayload);
    const data = (unverified?.data ?? unverified?.summary) as { environment?: string } | undefined;
    const env = ourEnv(data?.environment);
    if (!env) throw new StoreFailure('invalid', `notification environment ${String(data?.environment)} is not Production or Sandbox`);
    const payload = await this.verify(creds, env, signedPayload, (v) => v.verifyAndDecodeNotification(signedPayload));
    const txJws = payload.data?.signedTransactionInfo;
    const renewalJws = payload.data?.signedRenewalInfo;
    return {
      payload,
      environment: env,
      transaction: txJws ? await this.verify(creds, env, txJws, (v) => v.verifyAndDecodeTransaction(txJws)) : null,
      renewal: renewalJws ? await this.verify(creds, env, renewalJws, (v) => v.verifyAndDecodeRenewalInfo(renewalJws)) : null,
    };
  }

  /** A verdict from verified statements; `status` from the Server API or a notification, when known. */
  verdict(
    tx: JWSTransactionDecodedPayload,
    renewal: JWSRenewalInfoDecodedPayload | null,
    status: number | undefined,
    env: StoreEnvironment,
    now: number,
  ): StoreVerdict {
    const grace = renewal?.gracePeriodExpiresDate ?? null;
    const expires = tx.expiresDate ?? null;
    let reason: string | null = null;
    if (tx.revocationDate != null) reason = tx.revocationType === 'FAMILY_REVOKE' ? 'revoked' : 'refunded';
    else if (status === STATUS.REVOKED) reason = 'revoked';
    else if (status === STATUS.EXPIRED) reason = 'expired';
    else if (status === STATUS.BILLING_RETRY) reason = 'expired (billing retry)';
    else if (status === undefined && expires !== null && expires <= now && !(grace !== null && grace > now)) reason = 'expired';
    const until = expires === null ? null : Math.max(expires, grace ?? 0);
    return {
      transactionId: tx.originalTransactionId ?? tx.transactionId ?? '',
      productId: tx.productId ?? '',
      transactionTime: tx.purchaseDate ?? null,
      expirationTime: expires,
      inactiveReason: reason,
      trial: tx.offerDiscountType === 'FREE_TRIAL',
      environment: env,
      raw: { transaction: tx, renewal_info: renewal, status: status ?? null },
      signedAt: tx.signedDate ?? null,
      linkedTransactionId: null,
      entitledUntil: until,
    };
  }

  private envOf(jws: string): StoreEnvironment {
    const p = peek(jws);
    if (!p) throw new StoreFailure('invalid', 'not a signed transaction (JWS)');
    const env = ourEnv(p.environment as string | undefined);
    if (!env) throw new StoreFailure('invalid', `transaction environment ${String(p.environment)} is not Production or Sandbox`);
    return env;
  }

  private verifier(creds: AppleCredentials, env: StoreEnvironment): SignedDataVerifier {
    const key = `${env}|${creds.bundleId}|${creds.appAppleId}`;
    let v = this.verifiers.get(key);
    if (!v) {
      v = new SignedDataVerifier(this.roots, this.opts.onlineChecks, appleEnv(env), creds.bundleId, creds.appAppleId);
      this.verifiers.set(key, v);
    }
    return v;
  }

  private async verify<T>(creds: AppleCredentials, env: StoreEnvironment, jws: string, fn: (v: SignedDataVerifier) => Promise<T>): Promise<T> {
    try {
      return await fn(this.verifier(creds, env));
    } catch (e) {
      if (!(e instanceof VerificationException)) throw e;
      throw verificationFailure(e, jws, creds);
    }
  }

  private client(creds: AppleCredentials, env: StoreEnvironment): ApiClient {
    const key = `${env}|${creds.issuerId}|${creds.keyId}|${creds.bundleId}|${creds.privateKey}`;
    let c = this.clients.get(key);
    if (!c) {
      c = new ApiClient(creds, env, env === 'production' ? this.opts.productionUrl : this.opts.sandboxUrl, this.opts.timeoutMs);
      if (this.clients.size > 256) this.clients.clear();
      this.clients.set(key, c);
    }
    return c;
  }

  private async call<T>(creds: AppleCredentials, env: StoreEnvironment, fn: (c: ApiClient) => Promise<T>): Promise<T> {
    try {
      return await fn(this.client(creds, env));
    } catch (e) {
      throw apiFailure(e, this.opts.timeoutMs);
    }
  }
}

const verificationFailure = (e: VerificationException, jws: string, creds: AppleCredentials): StoreFailure => {
  const p = peek(jws) ?? {};
  const d = (p.data ?? p.summary ?? p) as Record<string, unknown>;
  switch (e.status) {
    case VerificationStatus.INVALID_APP_IDENTIFIER:
      return new StoreFailure(
        'invalid',
        d.bundleId !== creds.bundleId
          ? `bundle id ${String(d.bundleId)} is not this project's bundle id ${creds.bundleId}`
          : `app Apple id ${String(d.appAppleId)} is not this project's app Apple id ${creds.appAppleId}`,
      );
    case VerificationStatus.INVALID_ENVIRONMENT:
      return new StoreFailure('invalid', `the signed data's environment ${String(d.environment)} does not match`);
    case VerificationStatus.INVALID_CHAIN_LENGTH:
      return new StoreFailure('invalid', 'the signature carries no Apple certificate chain (x5c must hold 3 certificates)');
    case VerificationStatus.INVALID_CERTIFICATE:
      return new StoreFailure('invalid', "a certificate of the signature's chain is malformed, expired or not yet valid");
    case VerificationStatus.RETRYABLE_VERIFICATION_FAILURE:
      return new StoreFailure('unavailable', "Apple's certificate status service (OCSP) could not be reached");
    case VerificationStatus.FAILURE:
      return new StoreFailure('invalid', 'not a well-formed App Store signed statement');
    default:
      return new StoreFailure('invalid', "the signature does not verify against Apple's root certificates (foreign or altered data)");
  }
};

const apiFailure = (e: unknown, timeoutMs: number): StoreFailure => {
  if (e instanceof StoreFailure) return e;
  if (e instanceof APIException) {
    const s = e.httpStatusCode;
    const detail = e.errorMessage ? `: ${e.errorMessage}` : '';
    if (s === 404) return new StoreFailure('invalid', `the App Store does not know this transaction (HTTP 404${detail})`);
    if (s === 401 || s === 403) {
      return new StoreFailure('unavailable', `the App Store Server API refused the project's credentials (HTTP ${s}); check issuer id, key id and private key`);
    }
    if (s === 429 || s >= 500) return new StoreFailure('unavailable', `the App Store Server API is unavailable (HTTP ${s}${detail})`);
    return new StoreFailure('invalid', `the App Store Server API rejected the request (HTTP ${s}${detail})`);
  }
  const err = e as Error;
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') {
    return new StoreFailure('unavailable', `the App Store Server API did not answer within ${timeoutMs} ms`);
  }
  return new StoreFailure('unavailable', `the App Store Server API could not be reached (${err?.message ?? String(e)})`);
};
