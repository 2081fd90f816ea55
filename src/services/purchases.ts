/**
 * Purchases of a user (User page "Purchases" tab, POST/DELETE /user/purchase): list, add a receipt,
 * activate (verifies with the store first and says why it failed), deactivate, and the app's delete.
 */
import type { AppContext } from '../context.ts';
import { transaction } from '../store/db.ts';
import type { Project } from '../store/projects.ts';
import type { Device } from '../store/devices.ts';
import * as store from '../store/purchases.ts';
import { writeAudit } from '../store/audit.ts';
import { GatehouseError, notFound } from '../domain/errors.ts';
import { StoreFailure } from '../domain/purchases.ts';
import type { Purchase, PurchaseInput } from '../contract/purchases.ts';
import { authorize, type Actor } from './actor.ts';
import { requireProject } from './projects.ts';
import { requireUser } from './subscribers.ts';
import { loadStoreSettings, type ProjectStores } from './store-settings.ts';
import { acknowledge, asResult, verifyReceipt, verifyStored } from './stores.ts';
import { EntitlementChange } from './entitlements.ts';
import { DEACTIVATED, applyVerdict, deactivate, purchaseView, saveForUser, type Change } from './purchase-records.ts';

const requirePublic = (project: Project): void => {
  if (project.type !== 'public') throw new GatehouseError('FORBIDDEN', 'purchases exist in public projects only');
};

const retryOnUniqueViolation = async <T>(fn: () => Promise<T>): Promise<T> => {
  try {
    return await fn();
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== '23505' && code !== 'SQLITE_CONSTRAINT_UNIQUE') throw e;
    return fn();
  }
};

const requirePurchase = async (ctx: AppContext, projectId: string, userId: number, purchaseId: number): Promise<store.Purchase> => {
  const p = await store.getPurchase(ctx.store, projectId, purchaseId);
  if (!p || p.userId !== userId) throw notFound(`purchase ${purchaseId} of user ${userId}`);
  return p;
};

const change = async (ctx: AppContext, project: Project, settings: ProjectStores, author: string, fn: (c: Change) => Promise<void>) =>
  transaction(ctx.store, async (tx) => {
    const c: Change = { tx, projectId: project.id, settings, entitlements: new EntitlementChange(tx, project), author, now: ctx.clock.now() };
    await fn(c);
    await c.entitlements.settle(author, c.now);
  });

export const listPurchases = async (ctx: AppContext, actor: Actor, userId: number): Promise<Purchase[]> => {
  authorize(actor, 'purchases.read');
  await requireUser(ctx.store, actor.projectId, userId);
  return (await store.listUserPurchases(ctx.store, actor.projectId, userId)).map(purchaseView);
};

/**
 * Verifies a receipt and records the purchase for the user. A receipt the store calls expired,
 * refunded or revoked is refused (INVALID_PURCHASE) and nothing is written; a sandbox purchase in a
 * project that does not count them is recorded, inactive, and grants nothing (case A11).
 */
const addReceipt = async (ctx: AppContext, project: Project, userId: number, input: PurchaseInput, author: string): Promise<store.Purchase> => {
  requirePublic(project);
  const settings = await loadStoreSettings(ctx, ctx.store, project.id);
  const { verdict, ack } = await verifyReceipt(ctx, settings, input, ctx.clock.now());
  if (verdict.inactiveReason !== null) {
    throw new GatehouseError('INVALID_PURCHASE', `the store reports this purchase as ${verdict.inactiveReason}`);
  }
  let saved: store.Purchase | null = null;
  // Two users restoring one new transaction at once: the loser of the insert race retries and moves it.
  await retryOnUniqueViolation(() => change(ctx, project, settings, author, async (c) => {
    await requireUser(c.tx, project.id, userId, true);
    const existing = await store.purchaseByTransaction(c.tx, project.id, input.type, verdict.transactionId);
    const replacer = await store.purchaseReplacing(c.tx, project.id, input.type, verdict.transactionId);
    if (replacer && replacer.id !== existing?.id) {
      throw new GatehouseError('INVALID_PURCHASE', `token: this purchase was replaced by purchase ${replacer.id} (a newer purchase token)`, 'token');
    }
    saved = await saveForUser(c, input.type, userId, verdict, existing, existing ? 'purchase.restore' : 'purchase.add');
  }));
  if (ack && saved!.active) await acknowledge(ctx, settings, ack, verdict.transactionId);
  return saved!;
};

export const addPurchase = async (ctx: AppContext, actor: Actor, userId: number, input: PurchaseInput): Promise<Purchase> => {
  authorize(actor, 'purchases.update');
  const project = await requireProject(ctx.store, actor.projectId);
  await requireUser(ctx.store, actor.projectId, userId);
  return purchaseView(await addReceipt(ctx, project, userId, input, actor.author));
};

/** The operator's "Activate purchase": asks the store first; on refusal records and reports why. */
export const activatePurchase = async (ctx: AppContext, actor: Actor, userId: number, purchaseId: number): Promise<Purchase> => {
  authorize(actor, 'purchases.update');
  const project = await requireProject(ctx.store, actor.projectId);
  requirePublic(project);
  const p = await requirePurchase(ctx, project.id, userId, purchaseId);
  if (p.replacedBy !== null) {
    throw new GatehouseError('INVALID_PURCHASE', `purchase ${p.id} was replaced by purchase ${p.replacedBy}; only the newer one can be active`);
  }
  const settings = await loadStoreSettings(ctx, ctx.store, project.id);
  let receipt;
  try {
    receipt = await verifyStored(ctx, settings, p, ctx.clock.now());
  } catch (e) {
    if (e instanceof StoreFailure && e.kind === 'invalid') {
      await change(ctx, project, settings, actor.author, (c) => deactivate(c, p, e.message, { last_verified_at: BigInt(c.now), manual_off: 0 }));
    }
    throw asResult(e);
  }
  let after: store.Purchase | null = null;
  await change(ctx, project, settings, actor.author, async (c) => {
    after = await applyVerdict(c, { ...p, manualOff: false }, receipt.verdict);
    if (after.active) await store.updatePurchase(c.tx, project.id, p.id, { manual_off: 0 });
  });
  if (!after!.active) throw new GatehouseError('INVALID_PURCHASE', `cannot activate purchase ${p.id}: ${after!.verifyError}`);
  if (receipt.ack) await acknowledge(ctx, settings, receipt.ack, p.transactionId);
  return purchaseView((await store.getPurchase(ctx.store, project.id, p.id))!);
};

/** The operator's "Disable purchase": off until explicitly activated again (operator or the app's receipt). */
export const deactivatePurchase = async (ctx: AppContext, actor: Actor, userId: number, purchaseId: number): Promise<Purchase> => {
  authorize(actor, 'purchases.update');
  const project = await requireProject(ctx.store, actor.projectId);
  const p = await requirePurchase(ctx, project.id, userId, purchaseId);
  if (p.replacedBy !== null) return purchaseView(p); // retired for good already
  const settings = await loadStoreSettings(ctx, ctx.store, project.id);
  await change(ctx, project, settings, actor.author, async (c) => {
    await deactivate(c, p, DEACTIVATED, { manual_off: 1 });
    if (!p.active) {
      await writeAudit(c.tx, { projectId: project.id, at: c.now, author: actor.author, action: 'purchase.deactivate', objectType: 'purchase', objectId: String(p.id), before: { active: false }, after: { active: false, verify_error: DEACTIVATED } });
    }
  });
  return purchaseView((await store.getPurchase(ctx.store, project.id, p.id))!);
};

// ---- client API ---------------------------------------------------------------------------------
export const clientAddPurchase = async (ctx: AppContext, device: Device, input: PurchaseInput) => {
  const project = await requireProject(ctx.store, device.projectId);
  const p = await addReceipt(ctx, project, device.userId, input, `user:${device.userId}`);
  return { purchase_id: p.id, purchase: purchaseView(p) };
};

/** The app forgets a purchase of its user (e.g. the store account was signed out). */
export const clientDeletePurchase = async (ctx: AppContext, device: Device, purchaseId: number): Promise<void> => {
  const project = await requireProject(ctx.store, device.projectId);
  const p = await requirePurchase(ctx, project.id, device.userId, purchaseId);
  const settings = await loadStoreSettings(ctx, ctx.store, project.id);
  await change(ctx, project, settings, `user:${device.userId}`, async (c) => {
    await c.entitlements.watch(p.userId);
    await store.deletePurchase(c.tx, project.id, p.id);
    await writeAudit(c.tx, { projectId: project.id, at: c.now, author: c.author, action: 'purchase.delete', objectType: 'purchase', objectId: String(p.id), before: { transaction_id: p.transactionId, product_id: p.productId, active: p.active }, after: null });
  });
};
