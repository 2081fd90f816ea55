/**
 * Re-verifies purchases against their stores (SPEC §1 "Purchase"): every active purchase within 24
 * hours of its last check (jittered; earlier when it ends sooner), at most `purchaseVerifyBatch` per
 * run and a few store calls at a time. A store verdict applies; an outage keeps the last known state
 * and retries with backoff, until the purchase's own end: then it lapses, and is still retried for a
 * while so that a renewal the store confirms later brings it back.
 */
import type { AppContext } from '../context.ts';
import { transaction } from '../store/db.ts';
import * as store from '../store/purchases.ts';
import { getProject } from '../store/projects.ts';
import { MAX_OUTAGE_ATTEMPTS, StoreFailure, retryAt } from '../domain/purchases.ts';
import { loadStoreSettings, type ProjectStores } from '../services/store-settings.ts';
import { acknowledge, verifyStored } from '../services/stores.ts';
import { EntitlementChange } from '../services/entitlements.ts';
import { applyVerdict, deactivate, type Change } from '../services/purchase-records.ts';

const CONCURRENCY = 4;
const NOTIFICATION_RETENTION_MS = 30 * 24 * 3600_000;
const AUTHOR = 'system:reverify';

export const reverifyPurchases = async (ctx: AppContext): Promise<number> => {
  const now = ctx.clock.now();
  const due = await store.duePurchases(ctx.store, now, ctx.config.purchaseVerifyBatch);
  const settings = new Map<string, Promise<ProjectStores>>();
  const settingsOf = (projectId: string) => {
    let s = settings.get(projectId);
    if (!s) settings.set(projectId, (s = loadStoreSettings(ctx, ctx.store, projectId)));
    return s;
  };
  let changed = 0;
  let next = 0;
  const worker = async () => {
    while (next < due.length) {
      const p = due[next++]!;
      if (await reverifyOne(ctx, p, await settingsOf(p.projectId))) changed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, due.length) }, worker));
  await store.pruneNotifications(ctx.store, now - NOTIFICATION_RETENTION_MS);
  return changed;
};

/** One purchase; true when its active state changed. */
const reverifyOne = async (ctx: AppContext, due: store.Purchase, settings: ProjectStores): Promise<boolean> => {
  const now = ctx.clock.now();
  let receipt: Awaited<ReturnType<typeof verifyStored>> | null = null;
  let failure: StoreFailure | null = null;
  try {
    receipt = await verifyStored(ctx, settings, due, now);
  } catch (e) {
    if (!(e instanceof StoreFailure)) throw e;
    failure = e;
  }
  const project = await getProject(ctx.store, due.projectId);
  if (!project) return false;
  let flipped = false;
  await transaction(ctx.store, async (tx) => {
    const p = await store.getPurchase(tx, due.projectId, due.id, true);
    // Changed meanwhile (operator, notification, the app): the next due time decides again.
    if (!p || p.nextVerifyAt === null || p.nextVerifyAt > now || p.replacedBy !== null) return;
    const c: Change = { tx, projectId: p.projectId, settings, entitlements: new EntitlementChange(tx, project), author: AUTHOR, now };
    if (receipt) {
      const after = await applyVerdict(c, p, receipt.verdict);
      flipped = after.active !== p.active;
    } else if (failure!.kind === 'invalid') {
      await deactivate(c, p, failure!.message, { last_verified_at: BigInt(now), verify_attempts: 0 });
      flipped = p.active;
    } else {
      const attempts = p.verifyAttempts + 1;
      const end = p.expirationTime;
      const lapsed = end !== null && now >= end;
      const error = `store unavailable: ${failure!.message}`;
      const retry = attempts <= MAX_OUTAGE_ATTEMPTS ? BigInt(retryAt(now, attempts, lapsed ? null : end, Math.random())) : null;
      if (lapsed && p.active) {
        await deactivate(c, p, `expired; the store could not confirm a renewal (${error})`, { verify_attempts: attempts, next_verify_at: retry });
        flipped = true;
      } else {
        await store.updatePurchase(tx, p.projectId, p.id, { verify_attempts: attempts, verify_error: p.active ? error : p.verifyError, next_verify_at: retry });
      }
    }
    await c.entitlements.settle(AUTHOR, now);
  });
  if (receipt?.ack && receipt.verdict.inactiveReason === null) await acknowledge(ctx, settings, receipt.ack, due.transactionId);
  return flipped;
};
