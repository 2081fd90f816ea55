/** `gatehouse serve`: migrate, make sure an owner exists, start the jobs and the HTTP server. */
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../platform/config.ts';
import { createContext, type AppContext } from '../context.ts';
import { buildApp } from '../http/app.ts';
import { ensureFirstOwner } from '../services/members.ts';
import { startJobs } from '../jobs/runner.ts';
import { consolePlugins } from '../http/console-api/mount.ts';

export interface Running {
  ctx: AppContext;
  app: FastifyInstance;
  url: string;
  stop(): Promise<void>;
}

export const startServer = async (config: Config = loadConfig(), opts: { quiet?: boolean } = {}): Promise<Running> => {
  const ctx = await createContext(config);
  const app = await buildApp(ctx, {
    logger: opts.quiet ? false : { level: config.logLevel },
    plugins: consolePlugins(ctx),
  });
  const owner = await ensureFirstOwner(ctx);
  const address = await app.listen({ host: config.host, port: config.port });
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  if (owner) {
    const lines = [
      '',
      `Gatehouse is ready at ${url} (API docs: ${url}/docs)`,
      `Sign in to the console as ${owner.email}` +
        (owner.password ? ` with the password ${owner.password}` : ' with GATEHOUSE_ADMIN_PASSWORD'),
      owner.password ? 'This password is printed once; change it with: gatehouse member add --email ... --password ...' : '',
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  }
  void address;
  const jobs = config.runJobs ? startJobs(ctx, app.log) : null;
  return {
    ctx,
    app,
    url,
    stop: async () => {
      jobs?.stop();
      await app.close();
      await ctx.store.close();
    },
  };
};
