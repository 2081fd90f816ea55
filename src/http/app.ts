/** Builds the HTTP server from an AppContext: parsers, validation, errors, OpenAPI, and every API. */
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { AppContext } from '../context.ts';
import { Type } from 'typebox';
import { invalid } from '../domain/errors.ts';
import { ErrorBody } from '../contract/common.ts';
import { PartnerLoginBody, PartnerLoginReply } from '../contract/partner.ts';
import { errorResponses } from '../contract/common.ts';
import { errorHandler, sendError } from './errors.ts';
import { int64Keyword, parseJsonBody } from './json-body.ts';
import { clientApi } from './client-api/routes.ts';
import { nodeApi } from './node-api/routes.ts';
import { partnerOperations } from './partner-api/routes.ts';
import { partnerActor } from './auth/partner-token.ts';
import { partnerLogin } from '../services/partner-auth.ts';
import { storeNotifications } from './store-notifications/routes.ts';
import './request-context.ts';

/** Dotted path of the first string (or key) containing U+0000, or null. */
const nulPath = (v: unknown, at = ''): string | null => {
  if (typeof v === 'string') return v.includes('\u0000') ? at || '(body)' : null;
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const p = at ? `${at}.${k}` : k;
      if (k.includes('\u0000')) return p;
      const found = nulPath(x, p);
      if (found !== null) return found;
    }
  }
  return null;
};

/** Requests whose JSON body text holds no \u0000 escape. */
const cleanJson = new WeakSet<object>();

const makeAjv = (coerce: boolean) => {
  const ajv = new Ajv({
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    strict: false,
  });
  addFormats.default(ajv, ['date-time', 'email', 'uri']);
  ajv.addKeyword(int64Keyword);
  return ajv;
};

export interface AppOptions {
  logger?: boolean | object;
  /** extra routes (the console) registered by the caller */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
}

export const buildApp = async (ctx: AppContext, opts: AppOptions = {}) => {
  // Request lines never carry secrets: the reference SDKs send ?access_token=... in the URL.
  const logger =
    opts.logger && typeof opts.logger === 'object'
      ? {
          ...opts.logger,
          serializers: {
            req: (r: { method: string; url: string; ip?: string }) => ({
              method: r.method,
              url: r.url.replace(/([?&](?:access_token|token|password)=)[^&]*/gi, '$1[redacted]'),
              remoteAddress: r.ip,
            }),
          },
        }
      : (opts.logger ?? false);
  const app = Fastify({
    logger,
    trustProxy: ctx.config.trustProxy,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { strict: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorateRequest('device', null);
  app.decorateRequest('node', null);
  app.decorateRequest('actor', null);

  // Bodies keep their exact integers and are validated without type coercion ("12" is not 12);
  // query strings and path parameters are text by nature and are coerced.
  const bodyAjv = makeAjv(false);
  const textAjv = makeAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema));
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    // U+0000 can only reach a JSON string as the escape \u0000: one search spares walking clean bodies.
    if (!(body as string).includes('\\u0000')) cleanJson.add(req);
    try {
      done(null, parseJsonBody(body as string));
    } catch (e) {
      const err = Object.assign(new Error(`the body is not valid JSON: ${(e as Error).message}`), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
      done(err, undefined);
    }
  });
  await app.register(formbody);
  await app.register(rateLimit, { global: false, errorResponseBuilder: (_r, c) => ({ statusCode: 429, message: `rate limited; retry in ${c.after}` }) });

  // A route without a querystring schema takes no query parameters: refuse unknown ones like unknown body fields.
  app.addHook('onRoute', (r) => {
    if (r.schema && !r.schema.hide && !r.schema.querystring) r.schema = { ...r.schema, querystring: Type.Object({}, { additionalProperties: false }) };
  });
  // PostgreSQL text cannot hold U+0000 (SQLite would store it): refuse it in any input, naming the field.
  app.addHook('preValidation', async (req) => {
    const path = (cleanJson.has(req) ? null : nulPath(req.body)) ?? nulPath(req.query) ?? nulPath(req.params);
    if (path !== null) throw invalid(path, 'must not contain the NUL character (U+0000)');
  });
  app.addSchema(ErrorBody);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Gatehouse', version: '0.1.0', description: 'Client, partner and node APIs of the Gatehouse VPN control plane.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => sendError(reply, 'NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`));

  app.get('/healthz', { schema: { hide: true } }, async () => ({ result: 'OK' }));

  await app.register(clientApi(ctx), { prefix: '/user' });
  await app.register(nodeApi(ctx), { prefix: '/node' });
  app.post(
    '/partner/login',
    {
      config: { rateLimit: { max: 20, timeWindow: 60_000 } },
      schema: { tags: ['partner'], summary: 'Trade the project id and private key for a bearer token', body: PartnerLoginBody, response: { 200: PartnerLoginReply, ...errorResponses(400, 401, 429) } },
    },
    async (req) => ({ result: 'OK' as const, ...(await partnerLogin(ctx, req.body.login, req.body.password)) }),
  );
  await app.register(partnerOperations(ctx, partnerActor(ctx)), { prefix: '/partner' });
  await app.register(storeNotifications(ctx), { prefix: '/stores' });
  for (const p of opts.plugins ?? []) await app.register(p);
  return app;
};
