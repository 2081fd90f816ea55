/**
 * Partner API tokens: POST /partner/login trades the project's private key for a short-lived JWT
 * (HS256 under a key derived from the server secret). The key itself is stored only as a hash.
 */
import { SignJWT, jwtVerify } from 'jose';
import type { AppContext } from '../context.ts';
import { getProject, projectByKeyHash } from '../store/projects.ts';
import { hashToken, sameSecret } from '../platform/secrets.ts';
import { GatehouseError } from '../domain/errors.ts';
import type { Actor } from './actor.ts';

const AUDIENCE = 'gatehouse-partner';

export const partnerLogin = async (ctx: AppContext, login: string, password: string) => {
  const project = await projectByKeyHash(ctx.store, hashToken(password));
  if (!project || !sameSecret(project.id, login)) {
    throw new GatehouseError('NOT_AUTHORIZED', 'login or password is wrong');
  }
  const now = ctx.clock.now();
  const iat = Math.floor(now / 1000);
  const exp = iat + ctx.config.partnerTokenTtl;
  const token = await new SignJWT({ kh: project.privateKeyHash.slice(0, 16) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(project.id)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(ctx.box.derive('partner-jwt'));
  return { access_token: token, create_time: iat, expire_time: exp };
};

/** The actor of a partner token. A token dies with the private key it was issued for (key rotation). */
export const actorOfPartnerToken = async (ctx: AppContext, token: string): Promise<Actor> => {
  try {
    const { payload } = await jwtVerify(token, ctx.box.derive('partner-jwt'), {
      audience: AUDIENCE,
      algorithms: ['HS256'],
      currentDate: new Date(ctx.clock.now()),
    });
    const projectId = payload.sub ?? '';
    const project = await getProject(ctx.store, projectId);
    if (!project || project.privateKeyHash.slice(0, 16) !== payload.kh) throw new Error('key rotated');
    return { projectId, role: 'admin', author: 'partner-api' };
  } catch {
    throw new GatehouseError('NOT_AUTHORIZED', 'the token is not valid or has expired; log in again', 'authorization');
  }
};
