/**
 * What purchases do to their users (SPEC §1 "Purchase"): while a user holds an active purchase it is
 * paid (the product's license and traffic limit; unlimited traffic by default); when none remains it
 * returns to the project's free defaults. A user moves only when its entitlement changes, so an
 * operator's own edits of a paying user survive re-verifications.
 */
import type { Conn } from '../store/db.ts';
import { assertTransaction } from '../store/db.ts';
import type { Project } from '../store/projects.ts';
import { getUser, updateUser } from '../store/users.ts';
import { getLicense } from '../store/licenses.ts';
import { cutSessions, liveSessionsOfUser } from '../store/sessions.ts';
import { writeAudit } from '../store/audit.ts';
import { activePurchasesOf, productRules } from '../store/purchases.ts';
import { paidEntitlement, sameEntitlement, type Entitlement } from '../domain/purchases.ts';

export const entitlementOf = async (c: Conn, project: Project, userId: number): Promise<Entitlement | null> => {
  const active = await activePurchasesOf(c, project.id, userId);
  if (active.length === 0) return null;
  return paidEntitlement(
    active.map((p) => ({ productId: p.productId, expirationTime: p.expirationTime })),
    await productRules(c, project.id),
  );
};

/**
 * Snapshot the entitlements of the users whose purchases a transaction is about to change (locking
 * their rows), then `settle` moves each one whose entitlement changed.
 */
export class EntitlementChange {
  private readonly before = new Map<number, Entitlement | null>();
  constructor(
    private readonly tx: Conn,
    private readonly project: Project,
  ) {
    assertTransaction(tx);
  }

  async watch(...userIds: Array<number | null | undefined>): Promise<this> {
    // Lock in id order, so that two transactions touching the same users cannot deadlock each other.
    const ids = [...new Set(userIds.filter((id): id is number => id != null))].sort((a, b) => a - b);
    for (const id of ids) {
      if (this.before.has(id)) continue;
      if (!(await getUser(this.tx, this.project.id, id, true))) continue;
      this.before.set(id, await entitlementOf(this.tx, this.project, id));
    }
    return this;
  }

  async settle(author: string, now: number): Promise<void> {
    for (const [id, before] of this.before) {
      const after = await entitlementOf(this.tx, this.project, id);
      if (sameEntitlement(before, after)) continue;
      await this.move(id, after, author, now);
    }
  }

  private async move(userId: number, e: Entitlement | null, author: string, now: number): Promise<void> {
    const { tx, project } = this;
    const user = await getUser(tx, project.id, userId);
    if (!user) return;
    let licenseId = user.licenseId;
    const wanted = e ? e.licenseId : project.defaultLicenseId;
    const license = wanted !== null ? await getLicense(tx, project.id, wanted) : null;
    if (license) licenseId = license.id;
    const trafficLimit = e ? e.trafficLimit : project.defaultTrafficLimit;
    const patch: Parameters<typeof updateUser>[3] = {};
    if (licenseId !== user.licenseId) patch.license_id = BigInt(licenseId);
    if (trafficLimit !== user.trafficLimit) patch.traffic_limit = trafficLimit;
    if (Object.keys(patch).length === 0) return;
    await updateUser(tx, project.id, userId, patch);
    if (license && licenseId !== user.licenseId && license.sessionsLimit > 0) {
      const excess = (await liveSessionsOfUser(tx, project.id, userId)).slice(license.sessionsLimit);
      if (excess.length) await cutSessions(tx, { projectId: project.id, ids: excess }, 'SESSIONS_EXCEED', now);
    }
    await writeAudit(tx, {
      projectId: project.id,
      at: now,
      author,
      action: e ? 'user.paid' : 'user.free',
      objectType: 'user',
      objectId: String(userId),
      before: { license_id: user.licenseId, traffic_limit: user.trafficLimit },
      after: { license_id: licenseId, traffic_limit: trafficLimit },
    });
  }
}
