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
import { size, summarizer } from './summary.ts';

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
  const t0 = Date.now();
  const firebase = await startFirebaseIssuer();
  const config = demoConfig(firebase.jwksUrl);
  const running = await startServer(config);
  const port = (running.app.server.address() as AddressInfo).port;
  const consoleUrl = running.url.replace(/:\d+$/, `:${port}`);
  const setup = await ensureDemoProject(running.ctx);
  const http = new DemoHttp(simulatorUrl(config, port), 40);
  const partner = new DemoPartner(http, DEMO_PROJECT, setup.privateKey);
  const nodes = setup.nodes.map((n) => new SimNode(n.name, n.country, n.token, http));
  let sim: Simulation | null = null;
  let summary: NodeJS.Timeout | undefined;

  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log('\ndemo: stopping (ending the simulated sessions)...');
    clearTimeout(summary);
    clearInterval(summary);
    sim?.stop();
    await Promise.all(nodes.map((n) => n.stop()));
    http.close();
    await running.stop();
    await firebase.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  console.log(
    [
      `Gatehouse demo: console ${consoleUrl}  (API docs ${consoleUrl}/docs)`,
      `  console sign-in: ${config.adminEmail ?? 'admin@localhost'} with the password printed at the first start (or GATEHOUSE_ADMIN_PASSWORD)`,
      `  project "${DEMO_PROJECT}" ${setup.created ? 'created' : 'reused (partner key rotated)'}; partner API login: ${DEMO_PROJECT}`,
      `  partner API private key: ${setup.privateKey}`,
      `  nodes: ${nodes.map((n) => n.name).join(', ')}`,
    ].join('\n'),
  );

  try {
    await Promise.all(nodes.map((n) => n.sync()));
    nodes.forEach((n, i) => n.start(1000 + i * 900));

    const users = buildPlan();
    const pop = await populate(http, partner, firebase, users, setup.licenses);
    const refused = [...pop.failures].map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(
      `  users: ${users.length} planned; operator invitations: ${pop.invited} new, ${pop.found} existing;` +
        ` ${pop.loggedIn} device logins${refused ? ` (refused: ${refused})` : ''}${pop.reenabled ? `; ${pop.reenabled} users re-enabled` : ''}`,
    );
    if (!http.sourceAddresses) console.log('  note: loopback aliases are unavailable; device logins share one address and may be rate limited');
    if (setup.created) {
      const s = await seedHistory(http, setup.nodes, users);
      console.log(`  history: ${s.sessions} past sessions of ${s.users} users (${size(s.bytes)}) over the last 4 weeks`);
    }
    const disabled = await disablePlanned(partner, users);
    if (disabled) console.log(`  ${disabled} users disabled by the operator`);

    sim = new Simulation(http, firebase, partner, users.flatMap((u) => u.devices), new Map(nodes.map((n) => [n.name, n])));
    sim.start();
    console.log(`  ready in ${((Date.now() - t0) / 1000).toFixed(0)} s; simulating, with a summary every minute. Ctrl-C stops.`);
    const report = summarizer(http, nodes, sim, users);
    // A first look after half a minute, then every minute.
    summary = setTimeout(() => {
      console.log(report());
      summary = setInterval(() => console.log(report()), 60_000);
    }, 30_000);
  } catch (e) {
    if (stopping) return new Promise<void>(() => undefined); // Ctrl-C during set-up: stop() exits
    throw e;
  }
};
