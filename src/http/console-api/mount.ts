/**
 * The console: sign-in under /console/api/session, the partner operations under
 * /console/api/projects/:projectId (same schemas and services as /partner, with the member's role),
 * and the built single-page app at /.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import type { AppContext } from '../../context.ts';
import { ProjectCreateBody, ProjectCreateReply, SessionReply, SignInBody } from '../../contract/console.ts';
import { OkOnly, errorResponses } from '../../contract/common.ts';
import { GatehouseError } from '../../domain/errors.ts';
import { SESSION_TTL_MS, memberActor, memberOfSession, memberProjects, signIn, signOut, type ConsoleMember } from '../../services/console-session.ts';
import { partnerOperations } from '../partner-api/routes.ts';
import { createProject } from '../../services/projects.ts';

const COOKIE = 'gh_session';
const CONSOLE_DIST = resolve(import.meta.dirname, '../../../console/dist');

const sessionToken = (req: FastifyRequest) => req.cookies[COOKIE] ?? null;

/** The signed-in member, with the CSRF check on every request that changes something. */
const requireMember = async (ctx: AppContext, req: FastifyRequest): Promise<ConsoleMember> => {
  const token = sessionToken(req);
  const member = token ? await memberOfSession(ctx, token) : null;
  if (!member) throw new GatehouseError('NOT_AUTHORIZED', 'sign in first');
  if (req.method !== 'GET' && req.method !== 'HEAD' && req.headers['x-csrf-token'] !== member.csrfToken) {
    throw new GatehouseError('FORBIDDEN', 'missing or wrong x-csrf-token header', 'x-csrf-token');
  }
  return member;
};

const sessionBody = async (ctx: AppContext, m: ConsoleMember) => ({
  result: 'OK' as const,
  member: { id: m.id, email: m.email, installation_owner: m.isSuperadmin },
  csrf_token: m.csrfToken,
  projects: await memberProjects(ctx, m),
});

const consoleApi = (ctx: AppContext) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['console'];
  app.post(
    '/session',
    {
      config: { rateLimit: { max: 10, timeWindow: 60_000 } },
      schema: { tags, summary: 'Sign in', body: SignInBody, response: { 200: SessionReply, ...errorResponses(400, 401, 429) } },
    },
    async (req, reply) => {
      const s = await signIn(ctx, req.body.email, req.body.password);
      reply.setCookie(COOKIE, s.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: req.protocol === 'https',
        path: '/',
        maxAge: SESSION_TTL_MS / 1000,
      });
      return sessionBody(ctx, (await memberOfSession(ctx, s.token))!);
    },
  );
  app.get('/session', { schema: { tags, response: { 200: SessionReply, ...errorResponses(401) } } }, async (req) =>
    sessionBody(ctx, await requireMember(ctx, req)),
  );
  app.delete('/session', { schema: { tags, response: { 200: OkOnly, ...errorResponses(401, 403) } } }, async (req, reply) => {
    await requireMember(ctx, req);
    await signOut(ctx, sessionToken(req)!);
    reply.clearCookie(COOKIE, { path: '/' });
    return { result: 'OK' as const };
  });
  app.post(
    '/projects',
    { schema: { tags, summary: 'Create a project (installation owner)', body: ProjectCreateBody, response: { 200: ProjectCreateReply, ...errorResponses(400, 401, 403, 409) } } },
    async (req) => {
      const member = await requireMember(ctx, req);
      if (!member.isSuperadmin) throw new GatehouseError('FORBIDDEN', 'only the installation owner creates projects');
      const b = req.body;
      const { project, privateKey } = await createProject(
        ctx,
        {
          id: b.id,
          name: b.name,
          type: b.type,
          ...(b.time_zone ? { timeZone: b.time_zone } : {}),
          ...(b.traffic_period ? { trafficPeriod: b.traffic_period } : {}),
          ...(b.default_traffic_limit !== undefined ? { defaultTrafficLimit: b.default_traffic_limit === null ? null : BigInt(b.default_traffic_limit) } : {}),
        },
        `member:${member.email}`,
      );
      return { result: 'OK' as const, project: { id: project.id, name: project.name, type: project.type, role: 'owner' as const }, private_key: privateKey };
    },
  );
  await app.register(
    partnerOperations(ctx, async (req) => {
      const member = await requireMember(ctx, req);
      return memberActor(member, (req.params as { projectId: string }).projectId);
    }),
    { prefix: '/projects/:projectId' },
  );
};

export const consolePlugins = (ctx: AppContext): Array<(app: FastifyInstance) => Promise<void>> => [
  async (app) => {
    await app.register(cookie);
    await app.register(consoleApi(ctx), { prefix: '/console/api' });
    if (existsSync(CONSOLE_DIST)) {
      await app.register(fastifyStatic, { root: CONSOLE_DIST, prefix: '/', wildcard: false, index: 'index.html' });
      // Client-side routes of the single-page app all load its index.html.
      for (const path of ['/sign-in', '/projects', '/projects/*']) {
        app.get(path, { schema: { hide: true } }, (_req, reply) => reply.sendFile('index.html'));
      }
    }
  },
];
