/** Console members: the installation's first owner, adding members, and signing in. */
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.ts';
import { transaction } from '../store/db.ts';
import { countMembers, insertMember, memberByEmail, setMemberPassword, setRole } from '../store/members.ts';
import { writeAudit } from '../store/audit.ts';
import { hashPassword } from '../platform/secrets.ts';
import { GatehouseError, invalid } from '../domain/errors.ts';
import type { Role } from '../contract/enums.ts';
import { requireProject } from './projects.ts';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

/**
 * On the first start, creates the owner of the installation from GATEHOUSE_ADMIN_EMAIL and
 * GATEHOUSE_ADMIN_PASSWORD, or with a generated password that the caller prints once.
 */
export const ensureFirstOwner = async (ctx: AppContext): Promise<{ email: string; password: string | null } | null> => {
  if ((await countMembers(ctx.store)) > 0) return null;
  const email = (ctx.config.adminEmail ?? 'admin@localhost').toLowerCase();
  const generated = ctx.config.adminPassword ? null : randomBytes(12).toString('base64url');
  const password = ctx.config.adminPassword ?? generated!;
  await insertMember(ctx.store, email, await hashPassword(password), true, ctx.clock.now());
  return { email, password: generated };
};

export const addMember = async (ctx: AppContext, email: string, password: string, projectId: string | null, role: Role, author: string) => {
  if (!EMAIL.test(email)) throw invalid('email', 'not an email address');
  if (password.length < 10) throw invalid('password', 'at least 10 characters');
  const hash = await hashPassword(password);
  return transaction(ctx.store, async (tx) => {
    const existing = await memberByEmail(tx, email);
    const id = existing ? existing.id : await insertMember(tx, email, hash, false, ctx.clock.now());
    if (existing) await setMemberPassword(tx, existing.id, hash);
    if (projectId) {
      await requireProject(tx, projectId);
      await setRole(tx, id, projectId, role);
      await writeAudit(tx, { projectId, at: ctx.clock.now(), author, action: 'member.set_role', objectType: 'member', objectId: email.toLowerCase(), before: null, after: { role } });
    }
    return id;
  });
};

export const requireMember = async (ctx: AppContext, email: string) => {
  const m = await memberByEmail(ctx.store, email);
  if (!m) throw new GatehouseError('NOT_FOUND', `member ${email} not found`, 'email');
  return m;
};
