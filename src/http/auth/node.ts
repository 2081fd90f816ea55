import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { nodeOfToken } from '../../services/nodes.ts';
import { GatehouseError } from '../../domain/errors.ts';
import { bearerToken } from './bearer.ts';

/** onRequest hook of the node API: the node behind its token. */
export const nodeAuth = (ctx: AppContext) => async (req: FastifyRequest) => {
  const token = bearerToken(req, false);
  if (!token) throw new GatehouseError('NOT_AUTHORIZED', 'the node token is missing', 'authorization');
  req.node = await nodeOfToken(ctx, token);
};
