/**
 * What the stores push: App Store Server Notifications V2 (signed; processed once per
 * notificationUUID, and never allowed to roll a purchase back to an older state) and Google Play
 * Real-time Developer Notifications over Pub/Sub push (at-least-once; processed once per messageId;
 * only a hint: the state is read from the Play Developer API, so order does not matter).
 * A store outage while processing answers 503, so the store delivers again later.
 */
import type { AppContext } from '../context.ts';
import { transaction } from '../store/db.ts';
import * as store from '../store/purchases.ts';
import { GatehouseError, invalid } from '../domain/errors.ts';
import { StoreFailure, type StoreVerdict } from '../domain/purchases.ts';
import type { PubSubPushBody } from '../contract/purchases.ts';
import { requireProject } from './projects.ts';
import { loadStoreSettings, type ProjectStores } from './store-settings.ts';
import { acknowledge, appleCredentials, asResult, googleCredentials, storesOf } from './stores.ts';
import { EntitlementChange } from './entitlements.ts';
import { applyVerdict, deactivate, saveForUser, type Change } from './purchase-records.ts';
import type { Project } from '../store/projects.ts';

export interface NotificationOutcome {
  outcome: string;
}

/** Records the notification and runs `apply` in one transaction, unless it was processed already. */
const once = async (
  ctx: AppContext,
  project: Project,
  settings: ProjectStores,
  source: 'apple' | 'google',
  id: string,
  apply: (c: Change) => Promise<string>,
): Promise<NotificationOutcome> => {
  const author = `store:${source}`;
  return transaction(ctx.store, async (tx) => {
    const c: Change = { tx, projectId: project.id, settings, entitlements: new EntitlementChange(tx, project), author, now: ctx.clock.now() };
    if (!(await store.recordNotification(tx, { projectId: project.id, source, id, at: c.now, outcome: 'processing' }))) return { outcome: 'duplicate' };
    const outcome = await apply(c);
    await tx.db
      .updateTable('store_notifications')
      .set({ outcome })
      .where('project_id', '=', project.id)
      .where('source', '=', source)
      .where('notification_id', '=', id)
      .execute();
    await c.entitlements.settle(author, c.now);
    return { outcome };
  });
};

const setup = async (ctx: AppContext, projectId: string, type: 'apple' | 'google') => {
  const project = await requireProject(ctx.store, projectId);
  const settings = await loadStoreSettings(ctx, ctx.store, projectId);
  if (!settings[type]) throw new GatehouseError('NOT_FOUND', `project ${projectId} has no ${type === 'apple' ? 'Apple' : 'Google'} store settings`);
  return { project, settings };
};

// Notification types after which the transaction no longer entitles, whatever its dates say.
const APPLE_ENDS: Record<string, string> = { REFUND: 'refunded', REVOKE: 'revoked', EXPIRED: 'expired', GRACE_PERIOD_EXPIRED: 'expired' };

export const appleNotification = async (ctx: AppContext, projectId: string, signedPayload: string): Promise<NotificationOutcome> => {
  const { project, settings } = await setup(ctx, projectId, 'apple');
  const apple = storesOf(ctx).apple;
  const n = await apple.notification(appleCredentials(settings.apple!), signedPayload).catch((e: unknown) => {
    throw asResult(e, 'signedPayload');
  });
  const uuid = n.payload.notificationUUID;
  if (!uuid) throw invalid('signedPayload', 'the notification carries no notificationUUID');
  if (await store.notificationSeen(ctx.store, project.id, 'apple', uuid)) return { outcome: 'duplicate' };
  const type = n.payload.notificationType ?? '';
  return once(ctx, project, settings, 'apple', uuid, async (c) => {
    if (!n.transaction) return `ignored: ${type} carries no transaction`;
    const verdict: StoreVerdict = {
      ...apple.verdict(n.transaction, n.renewal, n.payload.data?.status, n.environment, c.now),
      signedAt: n.payload.signedDate ?? null,
    };
    const ending =
      APPLE_ENDS[type] ?? (type === 'DID_FAIL_TO_RENEW' && n.payload.subtype !== 'GRACE_PERIOD' ? 'expired (billing retry)' : null);
    if (ending && verdict.inactiveReason === null) verdict.inactiveReason = ending;
    const p = await store.purchaseByTransaction(c.tx, project.id, 'apple', verdict.transactionId);
    if (!p) return `ignored: ${type} for unknown transaction ${verdict.transactionId}`;
    if (p.storeSignedAt !== null && verdict.signedAt !== null && verdict.signedAt < p.storeSignedAt) {
      return `stale: ${type} signed before the state already applied`;
    }
    const after = await applyVerdict(c, p, verdict);
    return `${type}: purchase ${p.id} ${after.active ? 'active' : `inactive (${after.verifyError})`}`;
  });
};

interface Rtdn {
  packageName?: string;
  testNotification?: unknown;
  subscriptionNotification?: { notificationType?: number; purchaseToken?: string; subscriptionId?: string };
  voidedPurchaseNotification?: { purchaseToken?: string; orderId?: string; refundType?: number };
}

const SUBSCRIPTION_REVOKED = 12;

export const googleNotification = async (ctx: AppContext, projectId: string, body: PubSubPushBody): Promise<NotificationOutcome> => {
  const { project, settings } = await setup(ctx, projectId, 'google');
  const messageId = body.message.messageId ?? body.message.message_id;
  if (!messageId) throw invalid('message.messageId', 'required');
  if (await store.notificationSeen(ctx.store, project.id, 'google', messageId)) return { outcome: 'duplicate' };
  let n: Rtdn | null = null;
  try {
    n = JSON.parse(Buffer.from(body.message.data, 'base64').toString('utf8')) as Rtdn;
  } catch {
    n = null;
  }
  const pkg = settings.google!.package_name;
  // A message that can never be processed is acknowledged (recorded), or Pub/Sub would redeliver it for days.
  if (!n || typeof n !== 'object') return once(ctx, project, settings, 'google', messageId, async () => 'ignored: data is not a notification');
  if (n.packageName !== pkg) {
    return once(ctx, project, settings, 'google', messageId, async () => `ignored: package ${String(n.packageName)} is not this project's package ${pkg}`);
  }
  if (n.testNotification) return once(ctx, project, settings, 'google', messageId, async () => 'test notification');

  const voided = n.voidedPurchaseNotification;
  if (voided?.purchaseToken) {
    const token = voided.purchaseToken;
    return once(ctx, project, settings, 'google', messageId, async (c) => {
      const p = await store.purchaseByTransaction(c.tx, project.id, 'google', token);
      if (!p) return 'ignored: voided purchase is unknown';
      await deactivate(c, p, 'refunded', { last_verified_at: BigInt(c.now) });
      return `voided: purchase ${p.id} refunded`;
    });
  }

  const sn = n.subscriptionNotification;
  if (!sn?.purchaseToken) return once(ctx, project, settings, 'google', messageId, async () => 'ignored: not a subscription notification');
  const token = sn.purchaseToken;
  let receipt: Awaited<ReturnType<ReturnType<typeof storesOf>['google']['subscription']>> | null = null;
  let invalidReason: string | null = null;
  try {
    receipt = await storesOf(ctx).google.subscription(googleCredentials(settings.google!), token, ctx.clock.now());
  } catch (e) {
    if (!(e instanceof StoreFailure) || e.kind === 'unavailable') throw asResult(e);
    invalidReason = e.message;
  }
  const result = await once(ctx, project, settings, 'google', messageId, async (c) => {
    const p = await store.purchaseByTransaction(c.tx, project.id, 'google', token);
    if (!receipt) {
      if (!p) return `ignored: ${invalidReason}`;
      await deactivate(c, p, invalidReason!, { last_verified_at: BigInt(c.now) });
      return `purchase ${p.id} inactive (${invalidReason})`;
    }
    const v = receipt.verdict;
    if (sn.notificationType === SUBSCRIPTION_REVOKED && v.inactiveReason !== null) v.inactiveReason = 'revoked';
    if (p) {
      const after = await applyVerdict(c, p, v);
      return `type ${sn.notificationType}: purchase ${p.id} ${after.active ? 'active' : `inactive (${after.verifyError})`}`;
    }
    // A new token that replaces one we know (upgrade, resubscribe): it goes to the same user.
    const old = v.linkedTransactionId ? await store.purchaseByTransaction(c.tx, project.id, 'google', v.linkedTransactionId) : null;
    if (!old) return 'ignored: unknown purchase token';
    const saved = await saveForUser(c, 'google', old.userId, v, null, 'purchase.add');
    return `purchase ${saved.id} replaces purchase ${old.id}`;
  });
  if (receipt?.ack && !result.outcome.startsWith('ignored') && result.outcome !== 'duplicate') {
    await acknowledge(ctx, settings, receipt.ack, token);
  }
  return result;
};
