import type { Conn } from './db.ts';
import { num } from './db.ts';
import type { Role } from '../contract/enums.ts';

export interface Member {
  id: number;
  email: string;
  passwordHash: string;
  isSuperadmin: boolean;
}

export const memberByEmail = async (c: Conn, email: string): Promise<Member | null> => {
  const r = await c.db.selectFrom('members').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
  return r ? { id: num(r.id), email: r.email, passwordHash: r.password_hash, isSuperadmin: num(r.is_superadmin) === 1 } : null;
};

export const memberById = async (c: Conn, id: number): Promise<Member | null> => {
  const r = await c.db.selectFrom('members').selectAll().where('id', '=', BigInt(id)).executeTakeFirst();
  return r ? { id: num(r.id), email: r.email, passwordHash: r.password_hash, isSuperadmin: num(r.is_superadmin) === 1 } : null;
};

export const countMembers = async (c: Conn): Promise<number> => {
  const r = await c.db.selectFrom('members').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return num(r.n as bigint);
};

export const insertMember = async (c: Conn, email: string, passwordHash: string, superadmin: boolean, now: number) => {
  const r = await c.db
    .insertInto('members')
    .values({ email: email.toLowerCase(), password_hash: passwordHash, is_superadmin: superadmin ? 1 : 0, created_at: BigInt(now) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return num(r.id);
};

export const setMemberPassword = async (c: Conn, id: number, passwordHash: string) => {
  await c.db.updateTable('members').set({ password_hash: passwordHash }).where('id', '=', BigInt(id)).execute();
};

export const setRole = async (c: Conn, memberId: number, projectId: string, role: Role) => {
  await c.db
    .insertInto('member_roles')
    .values({ member_id: BigInt(memberId), project_id: projectId, role })
    .onConflict((oc) => oc.columns(['member_id', 'project_id']).doUpdateSet({ role }))
    .execute();
};

export const rolesOf = async (c: Conn, memberId: number): Promise<Map<string, Role>> => {
  const rows = await c.db.selectFrom('member_roles').select(['project_id', 'role']).where('member_id', '=', BigInt(memberId)).execute();
  return new Map(rows.map((r) => [r.project_id, r.role]));
};

export const insertMemberSession = async (
  c: Conn,
  s: { tokenHash: string; memberId: number; csrfToken: string; now: number; expiresAt: number },
) => {
  await c.db
    .insertInto('member_sessions')
    .values({
      token_hash: s.tokenHash,
      member_id: BigInt(s.memberId),
      csrf_token: s.csrfToken,
      created_at: BigInt(s.now),
      expires_at: BigInt(s.expiresAt),
    })
    .execute();
};

export const memberSession = async (c: Conn, tokenHash: string, now: number) => {
  const r = await c.db
    .selectFrom('member_sessions')
    .select(['member_id', 'csrf_token', 'expires_at'])
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', BigInt(now))
    .executeTakeFirst();
  return r ? { memberId: num(r.member_id), csrfToken: r.csrf_token } : null;
};

export const deleteMemberSession = async (c: Conn, tokenHash: string) => {
  await c.db.deleteFrom('member_sessions').where('token_hash', '=', tokenHash).execute();
};
