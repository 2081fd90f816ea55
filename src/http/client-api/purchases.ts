/** POST /user/purchase (the app hands over a receipt) and DELETE /user/purchase (SPEC §3.1). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.ts';
import * as P from '../../contract/purchases.ts';
import { OkOnly, errorResponses } from '../../contract/common.ts';
import { clientAddPurchase, clientDeletePurchase } from '../../services/purchases.ts';
import { requireDevice } from '../request-context.ts';

const tags = ['client'];

/** Registered inside the client API's authenticated scope (device token). */
export const clientPurchases =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/purchase',
      {
        config: { rateLimit: { max: 30, timeWindow: 60_000 } },
        schema: {
          tags,
          summary: "Verify a store receipt and make the user paid; INVALID_PURCHASE says why not",
          body: P.PurchaseInput,
          response: { 200: P.ClientPurchaseReply, ...errorResponses(400, 401, 403, 404, 429, 503) },
        },
      },
      async (req) => ({ result: 'OK' as const, ...(await clientAddPurchase(ctx, requireDevice(req.device), req.body)) }),
    );
    app.delete(
      '/purchase',
      { schema: { tags, summary: 'Forget a purchase of this user', querystring: P.DeletePurchaseQuery, response: { 200: OkOnly, ...errorResponses(400, 401, 404) } } },
      async (req) => {
        await clientDeletePurchase(ctx, requireDevice(req.device), req.query.purchase_id);
        return { result: 'OK' as const };
      },
    );
  };
