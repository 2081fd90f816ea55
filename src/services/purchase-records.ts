/**
 * How a store verdict lands on a purchase row: whether it is active (and if not, why), when it is
 * checked next, and how a Google purchase replaces the one its linkedPurchaseToken names, so that a
 * subscription never entitles twice. Callers run these inside a transaction with an EntitlementChange.
 */
import type { Conn } from '../store/db.ts';
import * as store from '../store/purchases.ts';
import { writeAudit } from '../store/audit.ts';
import { nextCheckAt, type StoreVerdict } from '../domain/purchases.ts';
import type { Purchase as PurchaseView } from '../contract/purchases.ts';
import type { ProjectStores } from './store-settings.ts';
import type { EntitlementChange } from './entitlements.ts';

export const SANDBOX_NOT_COUNTED = 'sandbox purchase: this project does not count sandbox purchases';
export const DEACTIVATED = 'deactivated by an operator';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const purchaseView = (p: store.Purchase): PurchaseView => ({
  id: p.id,
  transaction_id: p.transactionId,
  product_id: p.productId,
  type: p.type,
  transaction_time: iso(p.transactionTime),
  expiration_time: iso(p.expirationTime),
  active: p.active,
  trial: p.trial,
  raw_data: JSON.parse(p.rawData) as unknown,
  environment: p.environment,
  last_verified_at: iso(p.lastVerifiedAt),
  verify_error: p.verifyError,
  next_verify_at: iso(p.nextVerifyAt),
  replaced_by: p.replacedBy,
  created_at: new Date(p.createdAt).toISOString(),
});

/** Whether a verified purchase counts, and if not, why. */
export const judge = (
  v: StoreVerdict,
  type: 'apple' | 'google',
  settings: ProjectStores,
  opts: { manualOff?: boolean; replacedBy?: number | null } = {},
): { active: boolean; error: string | null } => {
  if (opts.replacedBy != null) return { active: false, error: `replaced by purchase ${opts.replacedBy}` };
  if (v.inactiveReason !== null) return { active: false, error: v.inactiveReason };
  const allowSandbox = (type === 'apple' ? settings.apple?.allow_sandbox : settings.google?.allow_sandbox) ?? false;
  if (v.environment === 'sandbox' && !allowSandbox) return { active: false, error: SANDBOX_NOT_COUNTED };
  if (opts.manualOff) return { active: false, error: DEACTIVATED };
  return { active: true, error: null };
};

/** The columns a verification sets; an active purchase is checked again within 24 hours. */
export const verdictPatch = (v: StoreVerdict, j: { active: boolean; error: string | null }, now: number, prevSignedAt: number | null = null): store.PurchasePatch => ({
  product_id: v.productId,
  transaction_time: v.transactionTime === null ? null : BigInt(v.transactionTime),
  expiration_time: v.expirationTime === null ? null : BigInt(v.expirationTime),
  active: j.active ? 1 : 0,
  trial: v.trial ? 1 : 0,
  environment: v.environment,
  raw_data: JSON.stringify(v.raw ?? {}),
  last_verified_at: BigInt(now),
  verify_error: j.error,
  verify_attempts: 0,
  next_verify_at: j.active ? BigInt(nextCheckAt(now, v.entitledUntil, Math.random())) : null,
  linked_transaction_id: v.linkedTransactionId,
  store_signed_at: v.signedAt === null ? (prevSignedAt === null ? null : BigInt(prevSignedAt)) : BigInt(Math.max(v.signedAt, prevSignedAt ?? 0)),
});

const summary = (p: { transactionId: string; productId: string; active: boolean; environment: string; verifyError?: string | null }) => ({
  transaction_id: p.transactionId,
  product_id: p.productId,
  active: p.active,
  environment: p.environment,
  ...(p.verifyError !== undefined ? { verify_error: p.verifyError } : {}),
});

export interface Change {
  tx: Conn;
  projectId: string;
  settings: ProjectStores;
  entitlements: EntitlementChange;
  author: string;
  now: number;
}

/**
 * Records a verified purchase for `userId` (new, or moved from another user who restored it
 * elsewhere), explicitly activated: an operator's earlier deactivation no longer holds. If it names
 * a purchase it replaces (Google), that one is retired for good.
 */
export const saveForUser = async (
  c: Change,
  type: 'apple' | 'google',
  userId: number,
  v: StoreVerdict,
  existing: store.Purchase | null,
  action: string,
): Promise<store.Purchase> => {
  const linked = v.linkedTransactionId ? await store.purchaseByTransaction(c.tx, c.projectId, type, v.linkedTransactionId) : null;
  await c.entitlements.watch(userId, existing?.userId, linked?.userId);
  const j = judge(v, type, c.settings, { replacedBy: existing?.replacedBy ?? null });
  const patch = verdictPatch(v, j, c.now, existing?.storeSignedAt ?? null);
  let id: number;
  if (existing) {
    id = existing.id;
    await store.updatePurchase(c.tx, c.projectId, id, { ...patch, user_id: BigInt(userId), manual_off: 0 });
  } else {
    id = await store.insertPurchase(c.tx, {
      ...patch,
      project_id: c.projectId,
      user_id: BigInt(userId),
      type,
      transaction_id: v.transactionId,
      product_id: v.productId,
      active: j.active ? 1 : 0,
      trial: v.trial ? 1 : 0,
      environment: v.environment,
      raw_data: JSON.stringify(v.raw ?? {}),
      created_at: BigInt(c.now),
    });
  }
  if (linked && linked.id !== id && linked.replacedBy === null) {
    await store.updatePurchase(c.tx, c.projectId, linked.id, {
      active: 0,
      replaced_by: BigInt(id),
      next_verify_at: null,
      verify_error: `replaced by purchase ${id}`,
    });
    await writeAudit(c.tx, { projectId: c.projectId, at: c.now, author: c.author, action: 'purchase.replace', objectType: 'purchase', objectId: String(linked.id), before: summary(linked), after: { replaced_by: id, active: false } });
  }
  const saved = (await store.getPurchase(c.tx, c.projectId, id))!;
  const moved = existing && existing.userId !== userId ? { moved_from_user: existing.userId } : {};
  await writeAudit(c.tx, {
    projectId: c.projectId,
    at: c.now,
    author: c.author,
    action,
    objectType: 'purchase',
    objectId: String(id),
    before: existing ? { ...summary(existing), user_id: existing.userId } : null,
    after: { ...summary(saved), user_id: userId, ...moved },
  });
  return saved;
};

/** Applies a fresh verdict to a stored purchase (re-verification, notification); audits a state change. */
export const applyVerdict = async (c: Change, p: store.Purchase, v: StoreVerdict, override?: string): Promise<store.Purchase> => {
  await c.entitlements.watch(p.userId);
  const j = override ? { active: false, error: override } : judge(v, p.type, c.settings, { manualOff: p.manualOff, replacedBy: p.replacedBy });
  await store.updatePurchase(c.tx, c.projectId, p.id, verdictPatch(v, j, c.now, p.storeSignedAt));
  if (j.active !== p.active) {
    await writeAudit(c.tx, {
      projectId: c.projectId,
      at: c.now,
      author: c.author,
      action: j.active ? 'purchase.activate' : 'purchase.deactivate',
      objectType: 'purchase',
      objectId: String(p.id),
      before: summary(p),
      after: { active: j.active, verify_error: j.error },
    });
  }
  return (await store.getPurchase(c.tx, c.projectId, p.id))!;
};

/** Turns a purchase off without a store verdict (refund notice, lapse during an outage, operator). */
export const deactivate = async (c: Change, p: store.Purchase, reason: string, extra: store.PurchasePatch = {}): Promise<void> => {
  await c.entitlements.watch(p.userId);
  await store.updatePurchase(c.tx, c.projectId, p.id, { active: 0, verify_error: reason, next_verify_at: null, ...extra });
  if (p.active) {
    await writeAudit(c.tx, { projectId: c.projectId, at: c.now, author: c.author, action: 'purchase.deactivate', objectType: 'purchase', objectId: String(p.id), before: summary(p), after: { active: false, verify_error: reason } });
  }
};
