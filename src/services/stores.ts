/**
 * The bridge from a project's store settings to the Apple and Google adapters: verifies a receipt the
 * app or an operator hands over, or re-reads a stored purchase, and turns store failures into result
 * codes (INVALID_PURCHASE: not valid, with the reason; SERVER_UNAVAILABLE: the store could not tell).
 */
import type { AppContext } from '../context.ts';
import type { Config } from '../platform/config.ts';
import { AppleStore, AUTO_RENEWABLE, type AppleCredentials } from '../integrations/apple-store.ts';
import { GooglePlay, type GoogleCredentials } from '../integrations/google-play.ts';
import { GatehouseError, invalid } from '../domain/errors.ts';
import { StoreFailure, type StoreVerdict } from '../domain/purchases.ts';
import type { PurchaseInput } from '../contract/purchases.ts';
import type { Purchase } from '../store/purchases.ts';
import type { AppleSettings, GoogleSettings, ProjectStores } from './store-settings.ts';

export interface Stores {
  apple: AppleStore;
  google: GooglePlay;
}

/** The store adapters, built once by the composition root (context.ts) from configuration. */
export const buildStores = (c: Config): Stores => ({
  apple: new AppleStore({
    rootFiles: c.appleRootCerts ? c.appleRootCerts.split(',').map((f) => f.trim()).filter(Boolean) : null,
    onlineChecks: c.appleOnlineChecks,
    productionUrl: c.appleApiProductionUrl,
    sandboxUrl: c.appleApiSandboxUrl,
    timeoutMs: c.storeTimeoutMs,
  }),
  google: new GooglePlay({ apiRootUrl: c.googleApiRootUrl, tokenUrl: c.googleTokenUrl, timeoutMs: c.storeTimeoutMs }),
});

export const storesOf = (ctx: AppContext): Stores => ctx.stores;

export const appleCredentials = (a: AppleSettings): AppleCredentials => ({
  issuerId: a.issuer_id,
  keyId: a.key_id,
  privateKey: a.private_key,
  bundleId: a.bundle_id,
  appAppleId: a.app_apple_id,
});

export const googleCredentials = (g: GoogleSettings): GoogleCredentials => ({
  packageName: g.package_name,
  serviceAccount: g.service_account,
});

/** Store failures as result codes; anything else is a bug and propagates. */
export const asResult = (e: unknown, field?: string): unknown => {
  if (!(e instanceof StoreFailure)) return e;
  if (e.kind === 'unavailable') return new GatehouseError('SERVER_UNAVAILABLE', e.message);
  return field ? new GatehouseError('INVALID_PURCHASE', `${field}: ${e.message}`, field) : new GatehouseError('INVALID_PURCHASE', e.message);
};

const notConfigured = (type: string) => new GatehouseError('INVALID_PURCHASE', `type: this project has no ${type === 'apple' ? 'Apple' : 'Google'} store settings`, 'type');

export interface Receipt {
  verdict: StoreVerdict;
  /** Google: the product to acknowledge once the purchase is recorded */
  ack: string | null;
}

/** Verifies a receipt from the app or an operator: signatures, bundle/package, then the store's current state. */
export const verifyReceipt = async (ctx: AppContext, settings: ProjectStores, input: PurchaseInput, now: number): Promise<Receipt> => {
  const { apple, google } = storesOf(ctx);
  if (input.type === 'apple') {
    if (input.token !== undefined && input.transaction_id !== undefined) throw invalid('transaction_id', 'give token or transaction_id, not both');
    if (input.token === undefined && input.transaction_id === undefined) {
      throw invalid('token', 'an apple purchase needs token (the signed transaction) or transaction_id');
    }
    if (!settings.apple) throw notConfigured('apple');
    const creds = appleCredentials(settings.apple);
    try {
      const { environment, transaction } =
        input.token !== undefined ? await apple.transactionFromApp(creds, input.token) : await apple.transactionById(creds, input.transaction_id!);
      const id = transaction.originalTransactionId ?? transaction.transactionId;
      if (!id) throw new StoreFailure('invalid', 'the signed transaction carries no transaction id');
      const verdict = await apple.currentState(creds, environment, id, transaction.type === AUTO_RENEWABLE, now);
      return { verdict, ack: null };
    } catch (e) {
      throw asResult(e, input.token !== undefined ? 'token' : 'transaction_id');
    }
  }
  if (input.token === undefined) throw invalid('token', 'a google purchase needs token (the purchase token)');
  if (input.transaction_id !== undefined) throw invalid('transaction_id', 'applies to apple purchases only');
  if (!settings.google) throw notConfigured('google');
  let r: Receipt;
  try {
    r = await google.subscription(googleCredentials(settings.google), input.token, now);
  } catch (e) {
    throw asResult(e, 'token');
  }
  if (input.product_id !== undefined && r.verdict.productId !== input.product_id) {
    throw new GatehouseError('INVALID_PURCHASE', `product_id: the purchase token is for product ${r.verdict.productId}, not ${input.product_id}`, 'product_id');
  }
  return r;
};

/** Re-reads a stored purchase from its store; throws StoreFailure. */
export const verifyStored = async (ctx: AppContext, settings: ProjectStores, p: Purchase, now: number): Promise<Receipt> => {
  const { apple, google } = storesOf(ctx);
  if (p.type === 'apple') {
    if (!settings.apple) throw new StoreFailure('unavailable', 'the project has no Apple store settings any more');
    const raw = JSON.parse(p.rawData) as { transaction?: { type?: string } };
    const subscription = (raw.transaction?.type ?? AUTO_RENEWABLE) === AUTO_RENEWABLE;
    return { verdict: await apple.currentState(appleCredentials(settings.apple), p.environment, p.transactionId, subscription, now), ack: null };
  }
  if (!settings.google) throw new StoreFailure('unavailable', 'the project has no Google store settings any more');
  return google.subscription(googleCredentials(settings.google), p.transactionId, now);
};

/** Acknowledges a Google purchase; a failure is retried by the next verification (Google allows 3 days). */
export const acknowledge = async (ctx: AppContext, settings: ProjectStores, productId: string, token: string): Promise<boolean> => {
  if (!settings.google) return false;
  try {
    await storesOf(ctx).google.acknowledge(googleCredentials(settings.google), productId, token);
    return true;
  } catch (e) {
    if (e instanceof StoreFailure) return false;
    throw e;
  }
};
