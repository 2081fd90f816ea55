import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Actor } from '../../services/actor.ts';
import { actorOfPartnerToken } from '../../services/partner-auth.ts';
import { GatehouseError } from '../../domain/errors.ts';
import { bearerToken } from './bearer.ts';

/** Actor of a partner API request: `Authorization: Bearer <token from POST /partner/login>`. */
export const partnerActor = (ctx: AppContext) => async (req: FastifyRequest): Promise<Actor> => {
  const token = bearerToken(req, false);
  if (!token) throw new GatehouseError('NOT_AUTHORIZED', 'Authorization: Bearer <token> is missing', 'authorization');
  return actorOfPartnerToken(ctx, token);
};
