import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { nodeByTokenHash } from '../../store/nodes.ts';
import { hashToken } from '../../platform/secrets.ts';
import { GatehouseError } from '../../domain/errors.ts';
import { bearerToken } from './bearer.ts';

/** onRequest hook of the node API: the node behind its token (stored only as a hash). */
export const nodeAuth = (ctx: AppContext) => async (req: FastifyRequest) => {
  const token = bearerToken(req, false);
  if (!token) throw new GatehouseError('NOT_AUTHORIZED', 'the node token is missing', 'authorization');
  const node = await nodeByTokenHash(ctx.store, hashToken(token));
  if (!node) throw new GatehouseError('NOT_AUTHORIZED', 'the node token is not valid', 'authorization');
  req.node = node;
};
