/** Node API (SPEC §3.3): one sync call per interval from each node agent. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.ts';
import { SyncBody, SyncReply } from '../../contract/node.ts';
import { errorResponses } from '../../contract/common.ts';
import { syncNode } from '../../services/node-sync.ts';
import { nodeAuth } from '../auth/node.ts';
import { requireNode } from '../request-context.ts';

export const nodeApi =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.addHook('onRequest', nodeAuth(ctx));
    app.post(
      '/sync',
      {
        bodyLimit: 16 * 1024 * 1024,
        schema: {
          tags: ['node'],
          summary: 'Heartbeat, session events and cumulative counters; answers with the desired state',
          body: SyncBody,
          response: { 200: SyncReply, ...errorResponses(400, 401) },
        },
      },
      async (req) => syncNode(ctx, requireNode(req.node), req.body),
    );
  };
