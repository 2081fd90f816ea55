import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent } from './agent.ts';
import { runCommand } from './command.ts';
import { AGENT_USAGE, ConfigError, parseAgentConfig, type AgentConfig } from './config.ts';
import { acquireLock } from './lock-file.ts';
import { createLogger, type Logger } from './log.ts';
import { Outbox } from './outbox.ts';
import { PlatformClient } from './platform-client.ts';
import { ensurePrivateKey } from './private-key.ts';
import { findWireguardGoPid, startWireguardGo } from './wireguard-go.ts';
import { WireGuard } from './wireguard.ts';

export const AGENT_VERSION = 'gatehouse-agent/0.1.0';

/**
 * `gatehouse agent`: runs until SIGTERM/SIGINT, then reports once more and exits.
 * Resolves to the process exit code (0 stopped, 1 failed, 2 bad configuration).
 * Stopping leaves the interface and its peers up: a restart continues the same counters.
 */
export async function runAgent(argv: readonly string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(AGENT_USAGE + '\n');
    return 0;
  }
  let config: AgentConfig;
  try {
    config = parseAgentConfig(argv, env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`gatehouse agent: ${e.message}\n\n${AGENT_USAGE}\n`);
    return 2;
  }
  const log = createLogger(undefined, config.logLevel);
  let release = () => {};
  try {
    mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });
    release = acquireLock(join(config.stateDir, 'agent.lock'));
    const publicKey = await ensurePrivateKey(config.privateKeyFile, runCommand);
    log.info('starting', { version: AGENT_VERSION, iface: config.iface, public_key: publicKey, platform: config.platformUrl });
    const agent = new Agent({
      wg: new WireGuard({
        iface: config.iface,
        listenPort: config.listenPort,
        privateKeyFile: config.privateKeyFile,
        address: config.address,
        userspace: config.userspace,
        run: runCommand,
        log,
        startUserspace: startWireguardGo,
        findUserspacePid: (i) => findWireguardGoPid(i),
      }),
      platform: new PlatformClient(config.platformUrl, config.nodeToken),
      outbox: Outbox.open(join(config.stateDir, 'outbox.jsonl'), log),
      statePath: join(config.stateDir, 'state.json'),
      clock: Date.now,
      log,
      agentVersion: AGENT_VERSION,
      publicKey,
      handshakeTimeoutMs: config.handshakeTimeoutMs,
      syncIntervalMs: config.syncIntervalMs,
    });
    const stop = new AbortController();
    const onSignal = (sig: string) => {
      log.info('stopping', { signal: sig });
      stop.abort();
    };
    process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
    try {
      await loop(agent, config.pollIntervalMs, stop.signal, log);
    } finally {
      process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
    }
    if (agent.fatal) {
      log.error('stopped: a report could not be written', { error: agent.fatal.message });
      return 1;
    }
    log.info('stopped');
    return 0;
  } catch (e) {
    log.error('failed', { error: (e as Error).message });
    return 1;
  } finally {
    release();
  }
}

async function loop(agent: Agent, pollMs: number, signal: AbortSignal, log: Logger): Promise<void> {
  const step = async (name: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (e) {
      if (!agent.fatal) log.error(`${name} failed`, { error: (e as Error).message });
    }
  };
  let nextPoll = 0;
  let nextSync = 0;
  while (!signal.aborted && !agent.fatal) {
    if (Date.now() >= nextPoll) {
      await step('poll', () => agent.poll());
      nextPoll = Date.now() + pollMs;
    }
    if (Date.now() >= nextSync && !agent.fatal) {
      let wait = agent.syncIntervalMs;
      await step('sync', async () => (wait = await agent.sync()));
      nextSync = Date.now() + wait;
    }
    await sleep(Math.max(0, Math.min(nextPoll, nextSync) - Date.now()), undefined, { signal }).catch(() => {});
  }
  if (agent.fatal) return;
  // last counters out before exiting
  await step('poll', () => agent.poll());
  await step('sync', () => agent.sync());
}
