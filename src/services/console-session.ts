/** Console sign-in: argon2id passwords, server-side sessions (hashed token), a CSRF token per session. */
import type { AppContext } from '../context.ts';
import { deleteMemberSession, insertMemberSession, memberById, memberByEmail, memberSession, rolesOf } from '../store/members.ts';
import { listProjects } from '../store/projects.ts';
import { hashPassword, hashToken, randomToken, verifyPassword } from '../platform/secrets.ts';
import { GatehouseError } from '../domain/errors.ts';
import type { Role } from '../contract/enums.ts';
import type { Actor } from './actor.ts';

export const SESSION_TTL_MS = 12 * 3600_000;

// Verifying against a real hash when the email is unknown keeps the answer time the same.
let dummyHash: Promise<string> | null = null;

export const signIn = async (ctx: AppContext, email: string, password: string) => {
  const member = await memberByEmail(ctx.store, email);
  dummyHash ??= hashPassword('not a real password');
  const ok = await verifyPassword(member?.passwordHash ?? (await dummyHash), password);
  if (!member || !ok) throw new GatehouseError('NOT_AUTHORIZED', 'email or password is wrong');
  const token = randomToken('gcs');
  const csrf = randomToken('csrf', 24);
  const now = ctx.clock.now();
  await insertMemberSession(ctx.store, { tokenHash: hashToken(token), memberId: member.id, csrfToken: csrf, now, expiresAt: now + SESSION_TTL_MS });
  return { token, csrf, memberId: member.id };
};

export const signOut = async (ctx: AppContext, token: string) => deleteMemberSession(ctx.store, hashToken(token));

export interface ConsoleMember {
  id: number;
  email: string;
  csrfToken: string;
  isSuperadmin: boolean;
  roles: Map<string, Role>;
}

export const memberOfSession = async (ctx: AppContext, token: string): Promise<ConsoleMember | null> => {
  const s = await memberSession(ctx.store, hashToken(token), ctx.clock.now());
  if (!s) return null;
  const m = await memberById(ctx.store, s.memberId);
  if (!m) return null;
  return { id: m.id, email: m.email, csrfToken: s.csrfToken, isSuperadmin: m.isSuperadmin, roles: await rolesOf(ctx.store, m.id) };
};

/** The projects a member may open, with its role in each (the installation owner owns all). */
export const memberProjects = async (ctx: AppContext, m: ConsoleMember) => {
  const projects = await listProjects(ctx.store, m.isSuperadmin ? undefined : [...m.roles.keys()]);
  return projects.map((p) => ({ id: p.id, name: p.name, type: p.type, role: m.isSuperadmin ? ('owner' as const) : m.roles.get(p.id)! }));
};

export const memberActor = (m: ConsoleMember, projectId: string): Actor => {
  const role = m.isSuperadmin ? 'owner' : m.roles.get(projectId);
  if (!role) throw new GatehouseError('FORBIDDEN', `you are not a member of project ${projectId}`);
  return { projectId, role, author: `member:${m.email}` };
};
