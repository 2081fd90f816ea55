/**
 * `gatehouse demo`: the real server plus a simulated network in project "demo" — users and devices
 * logging in, nodes syncing sessions and traffic, an operator blocking users — all over HTTP.
 */
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../platform/config.ts';
import { startServer } from '../cli/serve.ts';
import { DemoHttp } from './http.ts';
import { startFirebaseIssuer } from './firebase.ts';
import { DEMO_PROJECT, ensureDemoProject } from './setup.ts';
import { DemoPartner } from './partner.ts';
import { buildPlan, disablePlanned, populate } from './population.ts';
import { seedHistory } from './seed.ts';
import { SimNode } from './simulated-node.ts';
import { Simulation } from './simulation.ts';

const gb = (n: number) => (n >= 1e9 ? `${(n / 1024 ** 3).toFixed(2)} GB` : `${(n / 1024 ** 2).toFixed(1)} MB`);

/** The server's own logs stay at warn unless a log level was asked for: the demo prints its own lines. */
const demoConfig = (jwksUrl: string): Config => {
  const config = loadConfig();
  const explicit = process.env.GATEHOUSE_LOG_LEVEL ?? process.env.LOG_LEVEL ?? process.env.GATEHOUSE_CONFIG;
  return { ...config, firebaseJwksUrl: jwksUrl, logLevel: explicit ? config.logLevel : 'warn' };
};

/** Where the simulator reaches the server: loopback for wildcard hosts. */
const simulatorUrl = (config: Config, port: number): string => {
  const h = ['0.0.0.0', '::', '', 'localhost'].includes(config.host) ? '127.0.0.1' : config.host;
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
};

export const runDemo = async (): Promise<void> => {
  const firebase = await startFirebaseIssuer();
  const config = demoConfig(firebase.jwksUrl);
  const running = await startServer(config);
  const port = (running.app.server.address() as AddressInfo).port;
  const consoleUrl = running.url.replace(/:\d+$/, `:${port}`);
  const setup = await ensureDemoProject(running.ctx);
  const http = new DemoHttp(simulatorUrl(config, port), 40);
  const partner = new DemoPartner(http, DEMO_PROJECT, setup.privateKey);

  console.log(
    [
      `Gatehouse demo: console ${consoleUrl}  (API docs ${consoleUrl}/docs)`,
      `  console sign-in: ${config.adminEmail ?? 'admin@localhost'} with the password printed at the first start (or GATEHOUSE_ADMIN_PASSWORD)`,
      `  project "${DEMO_PROJECT}" ${setup.created ? 'created' : 'reused (partner key rotated)'}; partner API login: ${DEMO_PROJECT}`,
      `  partner API private key: ${setup.privateKey}`,
      `  nodes: ${setup.nodes.map((n) => n.name).join(', ')}`,
    ].join('\n'),
  );

  const nodes = new Map(setup.nodes.map((n) => [n.name, new SimNode(n.name, n.country, n.token, http)]));
  await Promise.all([...nodes.values()].map((n) => n.sync()));
  [...nodes.values()].forEach((n, i) => n.start(1000 + i * 900));

  const users = buildPlan();
  const pop = await populate(http, partner, firebase, users, setup.licenses);
  const failures = [...pop.failures].map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(
    `  users: ${users.length} planned; operator invitations: ${pop.invited} new, ${pop.found} existing;` +
      ` ${pop.loggedIn} device logins${failures ? ` (refused: ${failures})` : ''}${pop.reenabled ? `; ${pop.reenabled} users re-enabled` : ''}`,
  );
  if (!http.sourceAddresses) console.log('  note: loopback aliases are unavailable; device logins share one address and may be rate limited');
  if (setup.created) {
    const s = await seedHistory(http, setup.nodes, users);
    console.log(`  history: ${s.sessions} past sessions of ${s.users} users (${gb(s.bytes)}) over the last 4 weeks`);
  }
  const disabled = await disablePlanned(partner, users);
  if (disabled) console.log(`  ${disabled} users disabled by the operator`);

  const devices = users.flatMap((u) => u.devices);
  const sim = new Simulation(http, firebase, partner, devices, nodes);
  sim.start();
  console.log('  simulating; a summary follows every minute. Ctrl-C stops.');

  let lastSent = http.sent;
  const summary = setInterval(() => {
    const ns = [...nodes.values()];
    const sum = (f: (n: SimNode) => number) => ns.reduce((a, n) => a + f(n), 0);
    const cuts = new Map<string, number>();
    for (const n of ns) for (const [k, v] of n.stats.cut) cuts.set(k, (cuts.get(k) ?? 0) + v);
    const creds = [...sim.credentials].map(([k, v]) => `${k} ${v}`).join(', ');
    const statuses = new Map<string, number>();
    for (const u of users) statuses.set(u.status, (statuses.get(u.status) ?? 0) + 1);
    const rate = ((http.sent - lastSent) / 60).toFixed(1);
    lastSent = http.sent;
    console.log(
      `[demo ${new Date().toISOString().slice(11, 19)}] active ${sim.active} (${ns.map((n) => `${n.name} ${n.active}`).join(', ')})` +
        ` | started ${sum((n) => n.stats.started)}, ended ${sum((n) => n.stats.ended)}, cut ${[...cuts].map(([k, v]) => `${k} ${v}`).join(' ') || 0}` +
        ` | traffic ${gb(sum((n) => n.stats.bytes + n.liveBytes()))} | credentials: ${creds || '-'} | over limit ${sim.overLimit.size} users` +
        ` | users ${[...statuses].map(([k, v]) => `${k} ${v}`).join(' ')} | ${rate} req/s, failed syncs ${sum((n) => n.stats.failedSyncs)}`,
    );
  }, 60_000);

  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log('\ndemo: stopping (ending the simulated sessions)...');
    clearInterval(summary);
    sim.stop();
    await Promise.all([...nodes.values()].map((n) => n.stop()));
    http.close();
    await running.stop();
    await firebase.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
};
