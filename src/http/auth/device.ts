import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { deviceOfToken } from '../../services/login.ts';
import { GatehouseError } from '../../domain/errors.ts';
import { bearerToken } from './bearer.ts';

/** onRequest hook of the client API: the device behind the platform access token. */
export const deviceAuth = (ctx: AppContext) => async (req: FastifyRequest) => {
  const token = bearerToken(req, true);
  if (!token) throw new GatehouseError('NOT_AUTHORIZED', 'access_token is missing', 'access_token');
  req.device = await deviceOfToken(ctx, token);
};
