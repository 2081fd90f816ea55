/** SQL of purchases, the product mapping, store settings and processed store notifications. */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Conn } from './db.ts';
import { bigOrNull, num, numOrNull } from './db.ts';
import type { PurchaseRow } from './schema.ts';
import type { ProductRule, PurchaseType, StoreEnvironment } from '../domain/purchases.ts';

export interface Purchase {
  id: number;
  projectId: string;
  userId: number;
  type: PurchaseType;
  transactionId: string;
  productId: string;
  transactionTime: number | null;
  expirationTime: number | null;
  active: boolean;
  trial: boolean;
  environment: StoreEnvironment;
  rawData: string;
  lastVerifiedAt: number | null;
  verifyError: string | null;
  createdAt: number;
  nextVerifyAt: number | null;
  verifyAttempts: number;
  linkedTransactionId: string | null;
  replacedBy: number | null;
  manualOff: boolean;
  storeSignedAt: number | null;
}

const toPurchase = (r: Selectable<PurchaseRow>): Purchase => ({
  id: num(r.id),
  projectId: r.project_id,
  userId: num(r.user_id),
  type: r.type as PurchaseType,
  transactionId: r.transaction_id,
  productId: r.product_id,
  transactionTime: numOrNull(r.transaction_time),
  expirationTime: numOrNull(r.expiration_time),
  active: num(r.active) === 1,
  trial: num(r.trial) === 1,
  environment: r.environment as StoreEnvironment,
  rawData: r.raw_data,
  lastVerifiedAt: numOrNull(r.last_verified_at),
  verifyError: r.verify_error,
  createdAt: num(r.created_at),
  nextVerifyAt: numOrNull(r.next_verify_at),
  verifyAttempts: num(r.verify_attempts),
  linkedTransactionId: r.linked_transaction_id,
  replacedBy: numOrNull(r.replaced_by),
  manualOff: num(r.manual_off) === 1,
  storeSignedAt: numOrNull(r.store_signed_at),
});

export type PurchasePatch = Updateable<Omit<PurchaseRow, 'id' | 'project_id' | 'type' | 'created_at'>>;
export type NewPurchase = Insertable<PurchaseRow>;

export const getPurchase = async (c: Conn, projectId: string, id: number, lock = false): Promise<Purchase | null> => {
  const r = await c.db
    .selectFrom('purchases')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('id', '=', BigInt(id))
    .$if(lock && c.dialect === 'postgres', (q) => q.forUpdate())
    .executeTakeFirst();
  return r ? toPurchase(r) : null;
};

export const purchaseByTransaction = async (c: Conn, projectId: string, type: PurchaseType, transactionId: string): Promise<Purchase | null> => {
  const r = await c.db
    .selectFrom('purchases')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('type', '=', type)
    .where('transaction_id', '=', transactionId)
    .executeTakeFirst();
  return r ? toPurchase(r) : null;
};

/** The purchase that names `transactionId` as the one it replaces (Google linkedPurchaseToken). */
export const purchaseReplacing = async (c: Conn, projectId: string, type: PurchaseType, transactionId: string): Promise<Purchase | null> => {
  const r = await c.db
    .selectFrom('purchases')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('type', '=', type)
    .where('linked_transaction_id', '=', transactionId)
    .orderBy('id')
    .executeTakeFirst();
  return r ? toPurchase(r) : null;
};

export const listUserPurchases = async (c: Conn, projectId: string, userId: number): Promise<Purchase[]> =>
  (
    await c.db
      .selectFrom('purchases')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('user_id', '=', BigInt(userId))
      .orderBy('id', 'desc')
      .execute()
  ).map(toPurchase);

export const activePurchasesOf = async (c: Conn, projectId: string, userId: number): Promise<Purchase[]> =>
  (
    await c.db
      .selectFrom('purchases')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('user_id', '=', BigInt(userId))
      .where('active', '=', 1)
      .execute()
  ).map(toPurchase);

export const insertPurchase = async (c: Conn, row: NewPurchase): Promise<number> => {
  const r = await c.db.insertInto('purchases').values(row).returning('id').executeTakeFirstOrThrow();
  return num(r.id);
};

export const updatePurchase = async (c: Conn, projectId: string, id: number, patch: PurchasePatch): Promise<void> => {
  await c.db.updateTable('purchases').set(patch).where('project_id', '=', projectId).where('id', '=', BigInt(id)).execute();
};

export const deletePurchase = async (c: Conn, projectId: string, id: number): Promise<void> => {
  await c.db.deleteFrom('purchases').where('project_id', '=', projectId).where('id', '=', BigInt(id)).execute();
};

/** Purchases whose re-verification is due, oldest due first (across projects: the job's cursor). */
export const duePurchases = async (c: Conn, now: number, limit: number): Promise<Purchase[]> =>
  (
    await c.db
      .selectFrom('purchases')
      .selectAll()
      .where('next_verify_at', '<=', BigInt(now))
      .orderBy('next_verify_at')
      .orderBy('id')
      .limit(limit)
      .execute()
  ).map(toPurchase);

// ---- product mapping ----------------------------------------------------------------------------
export interface ProductMapping extends ProductRule {
  productId: string;
}

export const listProducts = async (c: Conn, projectId: string): Promise<ProductMapping[]> =>
  (await c.db.selectFrom('purchase_products').selectAll().where('project_id', '=', projectId).orderBy('product_id').execute()).map((r) => ({
    productId: r.product_id,
    licenseId: numOrNull(r.license_id),
    trafficLimit: bigOrNull(r.traffic_limit),
  }));

export const productRules = async (c: Conn, projectId: string): Promise<Map<string, ProductRule>> =>
  new Map((await listProducts(c, projectId)).map((p) => [p.productId, { licenseId: p.licenseId, trafficLimit: p.trafficLimit }]));

export const replaceProducts = async (c: Conn, projectId: string, products: ProductMapping[]): Promise<void> => {
  await c.db.deleteFrom('purchase_products').where('project_id', '=', projectId).execute();
  if (products.length === 0) return;
  await c.db
    .insertInto('purchase_products')
    .values(
      products.map((p) => ({
        project_id: projectId,
        product_id: p.productId,
        license_id: p.licenseId === null ? null : BigInt(p.licenseId),
        traffic_limit: p.trafficLimit,
      })),
    )
    .execute();
};

// ---- store settings (sealed) --------------------------------------------------------------------
export const getSealedStoreSettings = async (c: Conn, projectId: string): Promise<{ apple: string | null; google: string | null }> => {
  const r = await c.db.selectFrom('store_settings').selectAll().where('project_id', '=', projectId).executeTakeFirst();
  return { apple: r?.apple_enc ?? null, google: r?.google_enc ?? null };
};

export const putSealedStoreSettings = async (c: Conn, projectId: string, sealed: { apple: string | null; google: string | null }, now: number): Promise<void> => {
  await c.db
    .insertInto('store_settings')
    .values({ project_id: projectId, apple_enc: sealed.apple, google_enc: sealed.google, updated_at: BigInt(now) })
    .onConflict((oc) => oc.column('project_id').doUpdateSet({ apple_enc: sealed.apple, google_enc: sealed.google, updated_at: BigInt(now) }))
    .execute();
};

// ---- processed notifications --------------------------------------------------------------------
export const notificationSeen = async (c: Conn, projectId: string, source: 'apple' | 'google', id: string): Promise<boolean> =>
  (await c.db
    .selectFrom('store_notifications')
    .select('notification_id')
    .where('project_id', '=', projectId)
    .where('source', '=', source)
    .where('notification_id', '=', id)
    .executeTakeFirst()) !== undefined;

/** Records a notification as processed; false if it already was (a concurrent delivery won). */
export const recordNotification = async (
  c: Conn,
  e: { projectId: string; source: 'apple' | 'google'; id: string; at: number; outcome: string },
): Promise<boolean> => {
  const r = await c.db
    .insertInto('store_notifications')
    .values({ project_id: e.projectId, source: e.source, notification_id: e.id, received_at: BigInt(e.at), outcome: e.outcome })
    .onConflict((oc) => oc.columns(['project_id', 'source', 'notification_id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
};

export const pruneNotifications = async (c: Conn, before: number): Promise<number> => {
  const r = await c.db.deleteFrom('store_notifications').where('received_at', '<', BigInt(before)).executeTakeFirst();
  return Number(r.numDeletedRows);
};
