/**
 * In-app purchases (SPEC §1 "Purchase"): what a store verdict is, when a purchase is checked again,
 * and what active purchases entitle a user to. Pure rules: no I/O, time comes in as arguments.
 */
export type { PurchaseType } from '../contract/purchases.ts';
export type StoreEnvironment = 'production' | 'sandbox';

/** What a store says about one purchase, after its signatures or credentials checked out. */
export interface StoreVerdict {
  /** our key: Apple's originalTransactionId (stable across renewals), Google's purchase token */
  transactionId: string;
  productId: string;
  transactionTime: number | null;
  expirationTime: number | null;
  /** null while the store grants the purchase; otherwise why not: expired, refunded, revoked, ... */
  inactiveReason: string | null;
  trial: boolean;
  environment: StoreEnvironment;
  /** the store's own data (decoded), kept as raw_data */
  raw: unknown;
  /** when the store signed this statement (Apple), for ordering notifications */
  signedAt: number | null;
  /** Google linkedPurchaseToken: the purchase this one replaces */
  linkedTransactionId: string | null;
  /** when the entitlement ends (expiry, or the end of a grace period) */
  entitledUntil: number | null;
}

/**
 * A store call that did not produce a verdict. `invalid`: the data is forged, foreign, unknown to the
 * store or malformed (the purchase is not valid). `unavailable`: an outage, a timeout or a refused
 * credential: nothing can be concluded about the purchase.
 */
export class StoreFailure extends Error {
  constructor(
    readonly kind: 'invalid' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'StoreFailure';
  }
}

// ---- schedule -----------------------------------------------------------------------------------
export const REVERIFY_EVERY_MS = 24 * 3600_000;
/** re-verifications spread over the last half hour before the 24 hours are up */
export const REVERIFY_JITTER_MS = 30 * 60_000;
/** a store flips a subscription at its expiry; look a minute later */
export const EXPIRY_SLACK_MS = 60_000;
const BACKOFF_FIRST_MS = 5 * 60_000;
const BACKOFF_MAX_MS = 6 * 3600_000;
/** outages in a row after which a lapsed purchase is no longer retried (about three days) */
export const MAX_OUTAGE_ATTEMPTS = 16;

/** The next check of a verified active purchase: within 24 hours, or just after it ends if sooner. */
export const nextCheckAt = (now: number, entitledUntil: number | null, rand: number): number => {
  const regular = now + REVERIFY_EVERY_MS - Math.floor(rand * REVERIFY_JITTER_MS);
  if (entitledUntil !== null && entitledUntil + EXPIRY_SLACK_MS < regular) return Math.max(now + EXPIRY_SLACK_MS, entitledUntil + EXPIRY_SLACK_MS);
  return regular;
};

/** The retry after the `attempts`-th outage in a row: exponential, capped, jittered; never past the end. */
export const retryAt = (now: number, attempts: number, entitledUntil: number | null, rand: number): number => {
  const base = Math.min(BACKOFF_FIRST_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);
  const at = now + Math.floor(base * (0.8 + 0.4 * rand));
  if (entitledUntil !== null && entitledUntil > now && entitledUntil + EXPIRY_SLACK_MS < at) return entitledUntil + EXPIRY_SLACK_MS;
  return at;
};

// ---- entitlement --------------------------------------------------------------------------------
/** A product's effect on a paying user; a product without a rule grants unlimited traffic. */
export interface ProductRule {
  /** null = the user's license stays as it is */
  licenseId: number | null;
  /** null = unlimited */
  trafficLimit: bigint | null;
}

export interface Entitlement {
  paid: boolean;
  /** null = keep the user's license */
  licenseId: number | null;
  trafficLimit: bigint | null;
}

/**
 * What the active purchases grant together: unlimited traffic if any grants it, else the largest
 * limit; the license of the purchase that runs longest among those that name one.
 */
export const paidEntitlement = (
  active: Array<{ productId: string; expirationTime: number | null }>,
  rules: ReadonlyMap<string, ProductRule>,
): Entitlement | null => {
  if (active.length === 0) return null;
  let limit: bigint | null | undefined;
  let license: { id: number; until: number } | null = null;
  for (const p of active) {
    const rule = rules.get(p.productId) ?? { licenseId: null, trafficLimit: null };
    if (rule.trafficLimit === null || limit === null) limit = null;
    else limit = limit === undefined || rule.trafficLimit > limit ? rule.trafficLimit : limit;
    const until = p.expirationTime ?? Number.MAX_SAFE_INTEGER;
    if (rule.licenseId !== null && (license === null || until > license.until)) license = { id: rule.licenseId, until };
  }
  return { paid: true, licenseId: license?.id ?? null, trafficLimit: limit ?? null };
};

export const sameEntitlement = (a: Entitlement | null, b: Entitlement | null): boolean =>
  a === b || (a !== null && b !== null && a.paid === b.paid && a.licenseId === b.licenseId && a.trafficLimit === b.trafficLimit);

/** Secrets are shown as their last four characters only. */
export const maskSecret = (secret: string): string => {
  const body = secret.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  return `****${body.slice(-4)}`;
};
