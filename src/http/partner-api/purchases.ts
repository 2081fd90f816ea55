/**
 * Purchases of a subscriber and the project's store settings and product mapping (SPEC §3.2). A child
 * of partnerOperations, so it serves /partner and the console alike with the caller's role.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.ts';
import { IdParams } from '../../contract/partner.ts';
import * as P from '../../contract/purchases.ts';
import { errorResponses } from '../../contract/common.ts';
import * as purchases from '../../services/purchases.ts';
import * as settings from '../../services/store-settings.ts';
import { requireActor } from '../request-context.ts';

const E = errorResponses(400, 401, 403, 404, 409);
const STORE = errorResponses(400, 401, 403, 404, 409, 503);
const ok = <T extends object>(v: T) => ({ result: 'OK' as const, ...v });

export const purchaseOperations =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['purchases'];
    app.get('/subscribers/:id/purchase', { schema: { tags, summary: "The user's purchases", params: IdParams, response: { 200: P.PurchasesReply, ...E } } }, async (req) =>
      ok({ purchases: await purchases.listPurchases(ctx, requireActor(req.actor), req.params.id) }),
    );
    app.post(
      '/subscribers/:id/purchase',
      { schema: { tags, summary: 'Verify a receipt with its store and add the purchase', params: IdParams, body: P.PurchaseInput, response: { 200: P.PurchaseReply, ...STORE } } },
      async (req) => ok({ purchase: await purchases.addPurchase(ctx, requireActor(req.actor), req.params.id, req.body) }),
    );
    app.post(
      '/subscribers/:id/purchase/:purchaseId/activate',
      { schema: { tags, summary: 'Verify with the store, then activate; INVALID_PURCHASE says why not', params: P.PurchaseParams, response: { 200: P.PurchaseReply, ...STORE } } },
      async (req) => ok({ purchase: await purchases.activatePurchase(ctx, requireActor(req.actor), req.params.id, req.params.purchaseId) }),
    );
    app.post(
      '/subscribers/:id/purchase/:purchaseId/deactivate',
      { schema: { tags, summary: 'Deactivate until explicitly activated again', params: P.PurchaseParams, response: { 200: P.PurchaseReply, ...E } } },
      async (req) => ok({ purchase: await purchases.deactivatePurchase(ctx, requireActor(req.actor), req.params.id, req.params.purchaseId) }),
    );

    const st = ['settings'];
    app.get('/settings/stores', { schema: { tags: st, summary: 'Store settings (secrets masked)', response: { 200: P.StoreSettingsReply, ...E } } }, async (req) =>
      ok({ stores: await settings.getStoreSettings(ctx, requireActor(req.actor)) }),
    );
    app.put('/settings/stores', { schema: { tags: st, body: P.StoreSettingsUpdate, response: { 200: P.StoreSettingsReply, ...E } } }, async (req) =>
      ok({ stores: await settings.putStoreSettings(ctx, requireActor(req.actor), req.body) }),
    );
    app.get('/settings/products', { schema: { tags: st, summary: 'Product id -> license and traffic limit', response: { 200: P.ProductsReply, ...E } } }, async (req) =>
      ok({ products: await settings.getProducts(ctx, requireActor(req.actor)) }),
    );
    app.put('/settings/products', { schema: { tags: st, body: P.ProductsUpdate, response: { 200: P.ProductsReply, ...E } } }, async (req) =>
      ok({ products: await settings.putProducts(ctx, requireActor(req.actor), req.body) }),
    );
  };
