/** The `gatehouse` command: the same services the APIs call, from a shell. */
import { Command, Option } from 'commander';
import { loadConfig } from '../platform/config.ts';
import { createContext } from '../context.ts';
import { migrate } from '../store/db.ts';
import { MIGRATIONS } from '../store/migrations/list.ts';
import { startServer } from './serve.ts';
import { createProject } from '../services/projects.ts';
import { addMember } from '../services/members.ts';
import { createLicense } from '../services/licenses.ts';
import { addNode } from '../services/nodes.ts';
import { GatehouseError } from '../domain/errors.ts';

const program = new Command('gatehouse').description('Gatehouse VPN control plane');
const cliAuthor = `cli:${process.env.USER ?? 'root'}`;

const withContext = async <T>(fn: (ctx: Awaited<ReturnType<typeof createContext>>) => Promise<T>): Promise<T> => {
  const ctx = await createContext(loadConfig());
  try {
    return await fn(ctx);
  } finally {
    await ctx.store.close();
  }
};

program
  .command('serve')
  .description('serve the console and all APIs')
  .action(async () => {
    const running = await startServer();
    const stop = () => void running.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program
  .command('migrate')
  .description('apply database migrations')
  .action(() =>
    // createContext has applied every pending migration already; report where the schema stands.
    withContext(async (ctx) => {
      await migrate(ctx.store);
      console.log(`the database schema is up to date (${MIGRATIONS.length} migrations, last ${MIGRATIONS[MIGRATIONS.length - 1]![0]})`);
    }),
  );

const project = program.command('project').description('projects');
project
  .command('create <id>')
  .option('--name <name>')
  .addOption(new Option('--type <type>').choices(['public', 'private']).default('public'))
  .option('--time-zone <tz>', 'IANA time zone of traffic periods', 'UTC')
  .addOption(new Option('--period <period>').choices(['day', 'month']).default('day'))
  .option('--traffic-limit <bytes>', 'default traffic limit per period (omit for unlimited)')
  .option('--auth <methods>', 'comma-separated auth methods', 'anonymous')
  .option('--firebase-project <id>', 'Firebase project id for the firebase auth method')
  .action((id: string, o: Record<string, string>) =>
    withContext(async (ctx) => {
      const methods = o.auth!.split(',').map((m) => m.trim()) as Array<'anonymous' | 'firebase' | 'oauth'>;
      const { privateKey } = await createProject(
        ctx,
        {
          id,
          ...(o.name ? { name: o.name } : {}),
          type: o.type as 'public' | 'private',
          timeZone: o.timeZone!,
          trafficPeriod: o.period as 'day' | 'month',
          defaultTrafficLimit: o.trafficLimit ? BigInt(o.trafficLimit) : null,
          auth: { methods, ...(o.firebaseProject ? { firebase: { project_id: o.firebaseProject } } : {}) },
        },
        cliAuthor,
      );
      console.log(`project ${id} created\npartner API login: ${id}\npartner API private key (shown once): ${privateKey}`);
    }),
  );

const member = program.command('member').description('console members');
member
  .command('add')
  .requiredOption('--email <email>')
  .requiredOption('--password <password>')
  .option('--project <id>')
  .addOption(new Option('--role <role>').choices(['owner', 'admin', 'support']).default('support'))
  .action((o: Record<string, string>) =>
    withContext(async (ctx) => {
      await addMember(ctx, o.email!, o.password!, o.project ?? null, o.role as 'owner', cliAuthor);
      console.log(`member ${o.email}${o.project ? ` is ${o.role} of ${o.project}` : ' saved'}`);
    }),
  );

const license = program.command('license').description('licenses');
license
  .command('add')
  .requiredOption('--project <id>')
  .requiredOption('--name <name>')
  .requiredOption('--devices <n>', 'device limit (0 = none)')
  .requiredOption('--sessions <n>', 'concurrent session limit (0 = none)')
  .action((o: Record<string, string>) =>
    withContext(async (ctx) => {
      const l = await createLicense(ctx, { projectId: o.project!, role: 'owner', author: cliAuthor }, {
        name: o.name!,
        devices_limit: Number(o.devices),
        sessions_limit: Number(o.sessions),
      });
      console.log(`license ${l.name} has id ${l.id}`);
    }),
  );

const node = program.command('node').description('VPN nodes');
node
  .command('add')
  .requiredOption('--project <id>')
  .requiredOption('--name <name>')
  .requiredOption('--country <cc>', 'ISO 3166-1 alpha-2')
  .requiredOption('--city <city>')
  .requiredOption('--endpoint <host:port>', 'public WireGuard endpoint')
  .option('--public-key <key>', "the node's WireGuard public key (the agent also reports it at every sync)")
  .requiredOption('--pool <cidr>', 'tunnel address pool, e.g. 10.8.0.0/16')
  .option('--dns <list>', 'comma-separated DNS servers for clients', '')
  .option('--capacity <n>', 'maximum concurrent sessions (0 = no limit)', '0')
  .action((o: Record<string, string>) =>
    withContext(async (ctx) => {
      const { id, token } = await addNode(
        ctx,
        o.project!,
        {
          name: o.name!,
          country: o.country!,
          city: o.city!,
          endpoint: o.endpoint!,
          ...(o.publicKey ? { publicKey: o.publicKey } : {}),
          poolCidr: o.pool!,
          dns: o.dns ? o.dns.split(',') : [],
          capacity: Number(o.capacity),
        },
        cliAuthor,
      );
      console.log(`node ${o.name} has id ${id}\nnode token (shown once): ${token}`);
    }),
  );

program
  .command('agent')
  .description('run the WireGuard node agent (see README: running a node)')
  .allowUnknownOption(true)
  .allowExcessArguments(true)
  .helpOption(false)
  .action(async () => {
    const { runAgent } = await import('../../agent/main.ts');
    process.exitCode = await runAgent(process.argv.slice(3));
  });

program
  .command('demo')
  .description('serve with a simulated network in project "demo"')
  .action(async () => {
    const { runDemo } = await import('../demo/run.ts');
    await runDemo();
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof GatehouseError) console.error(`error: ${e.message}`);
  else console.error(e);
  process.exit(1);
});
