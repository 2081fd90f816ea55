import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export interface AgentConfig {
  /** without a trailing slash; the agent calls `${platformUrl}/node/sync` */
  platformUrl: string;
  nodeToken: string;
  iface: string;
  listenPort: number;
  /** generated with `wg genkey` on first start when missing */
  privateKeyFile: string;
  /** the node's own tunnel address with the pool's prefix, e.g. 10.8.0.1/24 */
  address: string | null;
  pollIntervalMs: number;
  /** until the platform's first reply sets it */
  syncIntervalMs: number;
  /** time without a handshake (or upload) after which a session ends; at least 180 s + the poll interval */
  handshakeTimeoutMs: number;
  stateDir: string;
  userspace: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

export class ConfigError extends Error {}

export const AGENT_USAGE = `Usage: gatehouse agent [options]   (each option may also come from the environment variable shown)
  --platform-url URL       GATEHOUSE_PLATFORM_URL     platform base URL (required)
  --token TOKEN            GATEHOUSE_NODE_TOKEN       node token (required, or --token-file)
  --token-file PATH        GATEHOUSE_NODE_TOKEN_FILE  file holding the node token
  --interface NAME         GATEHOUSE_WG_INTERFACE     WireGuard interface (default wg0)
  --listen-port PORT       GATEHOUSE_WG_LISTEN_PORT   UDP port (default 51820)
  --private-key-file PATH  GATEHOUSE_WG_PRIVATE_KEY_FILE  (default <state-dir>/private.key, generated if missing)
  --address CIDR           GATEHOUSE_WG_ADDRESS       node tunnel address with pool prefix, e.g. 10.8.0.1/24
  --poll-interval S        GATEHOUSE_POLL_INTERVAL    seconds between counter reads (default 5)
  --sync-interval S        GATEHOUSE_SYNC_INTERVAL    seconds between syncs until the platform says (default 10)
  --handshake-timeout S    GATEHOUSE_HANDSHAKE_TIMEOUT  session end after this long without handshake
                                                      (default and minimum 180 + poll interval)
  --state-dir PATH         GATEHOUSE_AGENT_STATE_DIR  outbox and state (default /var/lib/gatehouse-agent)
  --userspace              GATEHOUSE_WG_USERSPACE=1   use wireguard-go even if the kernel has WireGuard
  --log-level LEVEL        GATEHOUSE_LOG_LEVEL        debug|info|warn|error (default info)`;

export function parseAgentConfig(argv: readonly string[], env: Record<string, string | undefined>): AgentConfig {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'platform-url': { type: 'string' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        interface: { type: 'string' },
        'listen-port': { type: 'string' },
        'private-key-file': { type: 'string' },
        address: { type: 'string' },
        'poll-interval': { type: 'string' },
        'sync-interval': { type: 'string' },
        'handshake-timeout': { type: 'string' },
        'state-dir': { type: 'string' },
        userspace: { type: 'boolean' },
        'log-level': { type: 'string' },
      },
    }));
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const opt = (name: string, envName: string): string | undefined => {
    const v = values[name];
    return typeof v === 'string' ? v : env[envName] || undefined;
  };

  const platformUrl = opt('platform-url', 'GATEHOUSE_PLATFORM_URL');
  if (!platformUrl) throw new ConfigError('--platform-url is required');
  if (!/^https?:\/\/[^/]+/.test(platformUrl)) throw new ConfigError('--platform-url must be an http(s) URL');

  const tokenFile = opt('token-file', 'GATEHOUSE_NODE_TOKEN_FILE');
  const nodeToken = opt('token', 'GATEHOUSE_NODE_TOKEN') ?? (tokenFile ? readToken(tokenFile) : undefined);
  if (!nodeToken) throw new ConfigError('--token or --token-file is required');

  const iface = opt('interface', 'GATEHOUSE_WG_INTERFACE') ?? 'wg0';
  if (!/^[A-Za-z0-9_.=-]{1,15}$/.test(iface)) throw new ConfigError('--interface must be a valid interface name (1-15 chars)');

  const address = opt('address', 'GATEHOUSE_WG_ADDRESS') ?? null;
  if (address !== null && !/^[0-9a-fA-F.:]+\/\d{1,3}$/.test(address)) throw new ConfigError('--address must be an IP/prefix');

  const pollS = seconds(opt('poll-interval', 'GATEHOUSE_POLL_INTERVAL'), 5, 'poll-interval', 1);
  const minTimeout = 180 + pollS;
  const timeoutS = seconds(opt('handshake-timeout', 'GATEHOUSE_HANDSHAKE_TIMEOUT'), minTimeout, 'handshake-timeout', 1);
  if (timeoutS < minTimeout)
    throw new ConfigError(`--handshake-timeout must be at least 180 s + poll interval = ${minTimeout} s`);

  const stateDir = opt('state-dir', 'GATEHOUSE_AGENT_STATE_DIR') ?? '/var/lib/gatehouse-agent';
  const logLevel = opt('log-level', 'GATEHOUSE_LOG_LEVEL') ?? 'info';
  if (logLevel !== 'debug' && logLevel !== 'info' && logLevel !== 'warn' && logLevel !== 'error')
    throw new ConfigError('--log-level must be debug, info, warn or error');

  return {
    platformUrl: platformUrl.replace(/\/+$/, ''),
    nodeToken,
    iface,
    listenPort: port(opt('listen-port', 'GATEHOUSE_WG_LISTEN_PORT') ?? '51820'),
    privateKeyFile: opt('private-key-file', 'GATEHOUSE_WG_PRIVATE_KEY_FILE') ?? join(stateDir, 'private.key'),
    address,
    pollIntervalMs: pollS * 1000,
    syncIntervalMs: seconds(opt('sync-interval', 'GATEHOUSE_SYNC_INTERVAL'), 10, 'sync-interval', 1) * 1000,
    handshakeTimeoutMs: timeoutS * 1000,
    stateDir,
    userspace: values.userspace === true || env.GATEHOUSE_WG_USERSPACE === '1',
    logLevel,
  };
}

function readToken(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new ConfigError(`cannot read --token-file: ${(e as Error).message}`);
  }
}

function seconds(v: string | undefined, dflt: number, name: string, min: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > 86_400) throw new ConfigError(`--${name} must be whole seconds >= ${min}`);
  return Number(v);
}

function port(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 65535) throw new ConfigError('--listen-port must be 1-65535');
  return n;
}
