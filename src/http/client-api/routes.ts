/** Client API (/user/*, SPEC §3.1). Handlers: schema, device, one service call. */
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import * as C from '../../contract/client.ts';
import { OkOnly, errorResponses } from '../../contract/common.ts';
import { clientSubscriber, login, logout } from '../../services/login.ts';
import { provideCredentials } from '../../services/credentials.ts';
import { countries, locations } from '../../services/network.ts';
import { currentTraffic } from '../../services/traffic.ts';
import { requireProject } from '../../services/projects.ts';
import { requireUser } from '../../services/subscribers.ts';
import { deviceAuth } from '../auth/device.ts';
import { requireDevice } from '../request-context.ts';
import { clientPurchases } from './purchases.ts';

const AuthQuery = Type.Object(
  { access_token: Type.Optional(Type.String({ maxLength: 1024 })) },
  { additionalProperties: false },
);
const tags = ['client'];

export const clientApi =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/login',
      {
        // Generous per address: many devices share one address behind carrier NAT.
        config: { rateLimit: { max: 600, timeWindow: 60_000 } },
        schema: { tags, summary: 'Sign in a device', body: C.LoginBody, response: { 200: C.LoginReply, ...errorResponses(400, 401, 403, 404) } },
      },
      async (req) => ({ result: 'OK' as const, ...(await login(ctx, req.body)) }),
    );

    app.register(async (scope) => {
      const authed = scope.withTypeProvider<TypeBoxTypeProvider>();
      authed.addHook('onRequest', deviceAuth(ctx));
      await authed.register(clientPurchases(ctx));
      const user = async (req: { device: import('../../store/devices.ts').Device | null }) => {
        const d = requireDevice(req.device);
        const project = await requireProject(ctx.store, d.projectId);
        return { d, project, user: await requireUser(ctx.store, d.projectId, d.userId) };
      };

      authed.get(
        '/current',
        { schema: { tags, querystring: AuthQuery, response: { 200: C.CurrentReply, ...errorResponses(401) } } },
        async (req) => {
          const { project, user: u } = await user(req);
          return { result: 'OK' as const, subscriber: await clientSubscriber(ctx.store, project, u) };
        },
      );
      authed.get(
        '/logout',
        { schema: { tags, querystring: AuthQuery, response: { 200: OkOnly, ...errorResponses(401) } } },
        async (req) => {
          await logout(ctx, requireDevice(req.device));
          return { result: 'OK' as const };
        },
      );
      authed.get(
        '/countries',
        { schema: { tags, querystring: AuthQuery, response: { 200: C.CountriesReply, ...errorResponses(401) } } },
        async (req) => ({ result: 'OK' as const, countries: await countries(ctx, requireDevice(req.device).projectId) }),
      );
      authed.get(
        '/locations',
        { schema: { tags, querystring: AuthQuery, response: { 200: C.LocationsReply, ...errorResponses(401) } } },
        async (req) => ({ result: 'OK' as const, locations: await locations(ctx, requireDevice(req.device).projectId) }),
      );
      for (const path of ['/credentials', '/provide']) {
        authed.get(
          path,
          {
            schema: {
              tags,
              summary: 'WireGuard credentials for a server (optionally in a country or location)',
              querystring: C.CredentialsQuery,
              response: { 200: C.CredentialsReply, ...errorResponses(400, 401, 403, 404, 503) },
            },
          },
          async (req) => {
            return { result: 'OK' as const, ...(await provideCredentials(ctx, requireDevice(req.device), req.query)) };
          },
        );
      }
      authed.get(
        '/remainingTraffic',
        { schema: { tags, querystring: AuthQuery, response: { 200: C.RemainingTrafficReply, ...errorResponses(401) } } },
        async (req) => {
          const { project, user: u } = await user(req);
          const t = await currentTraffic(ctx, ctx.store, project, u);
          return {
            result: 'OK' as const,
            unlimited: t.limit === null,
            traffic_start: Math.floor((t.resetAt ?? t.periodStart) / 1000),
            traffic_end: Math.floor(t.periodEnd / 1000),
            traffic_limit: t.limit,
            traffic_used: t.used,
            traffic_remaining: t.remaining,
          };
        },
      );
    });
  };

