/**
 * Google Play, through @googleapis/androidpublisher with the project's service account
 * (google-auth-library's JWT flow): purchases.subscriptionsv2.get reads a subscription's state and
 * purchases.subscriptions.acknowledge confirms a new one. The API root and the OAuth token URL are
 * configuration, so tests serve both on localhost.
 */
import { createHash } from 'node:crypto';
import { androidpublisher, type androidpublisher_v3 } from '@googleapis/androidpublisher';
import { JWT } from 'google-auth-library';
import { StoreFailure, type StoreVerdict } from '../domain/purchases.ts';

export interface GoogleCredentials {
  packageName: string;
  serviceAccount: { client_email: string; private_key: string; private_key_id?: string };
}

export interface GooglePlayOptions {
  apiRootUrl: string;
  tokenUrl: string;
  timeoutMs: number;
}

/** Where google-auth-library sends the service account's signed assertion (fixed in the library). */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const SCOPE = 'https://www.googleapis.com/auth/androidpublisher';

type Api = androidpublisher_v3.Androidpublisher;
export type GoogleSubscription = androidpublisher_v3.Schema$SubscriptionPurchaseV2;

export class GooglePlay {
  private readonly apis = new Map<string, { api: Api; tokenUrl: string }>();

  constructor(private readonly opts: GooglePlayOptions) {}

  /** The subscription behind a purchase token, as a verdict; `ack` when it still awaits acknowledgement. */
  async subscription(creds: GoogleCredentials, token: string, now: number): Promise<{ verdict: StoreVerdict; ack: string | null }> {
    const sub = await this.call(creds, (api, o) => api.purchases.subscriptionsv2.get({ packageName: creds.packageName, token }, o));
    const verdict = this.verdict(token, sub, now);
    const ack = sub.acknowledgementState === 'ACKNOWLEDGEMENT_STATE_PENDING' && verdict.inactiveReason === null ? verdict.productId : null;
    return { verdict, ack };
  }

  /** Acknowledges a new subscription purchase (Google refunds purchases left unacknowledged for 3 days). */
  async acknowledge(creds: GoogleCredentials, productId: string, token: string): Promise<void> {
    await this.call(creds, (api, o) =>
      api.purchases.subscriptions.acknowledge({ packageName: creds.packageName, subscriptionId: productId, token, requestBody: {} }, o),
    );
  }

  verdict(token: string, sub: GoogleSubscription, now: number): StoreVerdict {
    const items = sub.lineItems ?? [];
    const line = items.reduce<(typeof items)[number] | undefined>(
      (best, l) => (!best || Date.parse(l.expiryTime ?? '') > Date.parse(best.expiryTime ?? '') ? l : best),
      undefined,
    );
    const expiry = line?.expiryTime ? Date.parse(line.expiryTime) : null;
    const live = expiry !== null && expiry > now;
    const state = sub.subscriptionState ?? 'SUBSCRIPTION_STATE_UNSPECIFIED';
    const reasons: Record<string, string | null> = {
      SUBSCRIPTION_STATE_ACTIVE: null,
      SUBSCRIPTION_STATE_IN_GRACE_PERIOD: null,
      SUBSCRIPTION_STATE_CANCELED: live ? null : 'expired',
      SUBSCRIPTION_STATE_EXPIRED: live ? 'revoked' : 'expired',
      SUBSCRIPTION_STATE_ON_HOLD: 'on hold (payment declined)',
      SUBSCRIPTION_STATE_PAUSED: 'paused',
      SUBSCRIPTION_STATE_PENDING: 'payment pending',
      SUBSCRIPTION_STATE_PENDING_PURCHASE_CANCELED: 'pending purchase canceled',
    };
    return {
      transactionId: token,
      productId: line?.productId ?? '',
      transactionTime: sub.startTime ? Date.parse(sub.startTime) : null,
      expirationTime: expiry,
      inactiveReason: state in reasons ? reasons[state]! : `unknown subscription state ${state}`,
      trial: Boolean(line?.offerPhase?.freeTrial),
      environment: sub.testPurchase ? 'sandbox' : 'production',
      raw: sub,
      signedAt: null,
      linkedTransactionId: sub.linkedPurchaseToken ?? null,
      entitledUntil: expiry,
    };
  }

  private api(creds: GoogleCredentials): Api {
    const sa = creds.serviceAccount;
    const key = createHash('sha256').update(`${creds.packageName}|${sa.client_email}|${sa.private_key}`).digest('hex');
    let entry = this.apis.get(key);
    if (!entry) {
      const auth = new JWT({
        email: sa.client_email,
        key: sa.private_key,
        ...(sa.private_key_id ? { keyId: sa.private_key_id } : {}),
        scopes: [SCOPE],
        transporterOptions: { timeout: this.opts.timeoutMs },
      });
      const tokenUrl = this.opts.tokenUrl;
      if (tokenUrl !== GOOGLE_TOKEN_URL) {
        auth.transporter.interceptors.request.add({
          resolved: async (o) => (String(o.url) === GOOGLE_TOKEN_URL ? { ...o, url: new URL(tokenUrl) } : o),
        });
      }
      // googleapis-common bundles its own copy of google-auth-library; the client is used by duck typing.
      const api = androidpublisher({ version: 'v3', auth: auth as unknown as androidpublisher_v3.Options['auth'], rootUrl: this.opts.apiRootUrl, retry: false });
      if (this.apis.size > 256) this.apis.clear();
      entry = { api, tokenUrl };
      this.apis.set(key, entry);
    }
    return entry.api;
  }

  /**
   * One API call under a timeout of our own: gaxios' `timeout` option leaves its timer armed after
   * the call (and trips over bodiless responses), so the call gets a signal that is disarmed at the end.
   */
  private async call<T>(creds: GoogleCredentials, fn: (api: Api, o: { signal: AbortSignal }) => Promise<{ data: T }>): Promise<T> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.opts.timeoutMs);
    try {
      return (await fn(this.api(creds), { signal: abort.signal })).data;
    } catch (e) {
      throw this.failure(e, creds);
    } finally {
      clearTimeout(timer);
    }
  }

  private failure(e: unknown, creds: GoogleCredentials): StoreFailure {
    const err = e as { status?: number; response?: { status?: number; data?: { error?: { message?: string } | string } }; config?: { url?: unknown }; code?: string; name?: string; message?: string };
    const status = err.response?.status ?? err.status;
    const url = String(err.config?.url ?? '');
    const detail = typeof err.response?.data?.error === 'object' ? err.response.data.error.message : err.response?.data?.error;
    if (url === this.opts.tokenUrl || url === GOOGLE_TOKEN_URL) {
      return new StoreFailure('unavailable', `Google did not issue an access token for the service account${status ? ` (HTTP ${status})` : ''}: ${detail ?? err.message ?? ''}`.trim());
    }
    if (status === 404 || status === 410) {
      return new StoreFailure('invalid', `Google Play does not know this purchase token for package ${creds.packageName} (HTTP ${status})`);
    }
    if (status === 401 || status === 403) {
      return new StoreFailure('unavailable', `Google Play refused the service account (HTTP ${status}); check its access to ${creds.packageName}`);
    }
    if (status !== undefined && (status === 429 || status >= 500)) return new StoreFailure('unavailable', `Google Play is unavailable (HTTP ${status})`);
    if (status !== undefined) return new StoreFailure('invalid', `Google Play rejected the purchase token (HTTP ${status}${detail ? `: ${detail}` : ''})`);
    if (err.name === 'AbortError' || err.name === 'TimeoutError' || /timeout|aborted/i.test(err.message ?? '')) {
      return new StoreFailure('unavailable', `Google Play did not answer within ${this.opts.timeoutMs} ms`);
    }
    return new StoreFailure('unavailable', `Google Play could not be reached (${err.code ?? err.message ?? String(e)})`);
  }
}
