import { describe, expect, it } from 'vitest';
import { ConfigError, parseAgentConfig } from '../../agent/config.ts';

describe('parseAgentConfig', () => {
  it('applies defaults: poll 5 s, timeout 180 s + poll, wg0 on 51820', () => {
    expect(parseAgentConfig(['--platform-url', 'http://127.0.0.1:8080/', '--token', 't0k'], {})).toEqual({
      platformUrl: 'http://127.0.0.1:8080',
      nodeToken: 't0k',
      iface: 'wg0',
      listenPort: 51820,
      privateKeyFile: '/var/lib/gatehouse-agent/private.key',
      address: null,
      pollIntervalMs: 5000,
      syncIntervalMs: 10_000,
      handshakeTimeoutMs: 185_000,
      stateDir: '/var/lib/gatehouse-agent',
      userspace: false,
      logLevel: 'info',
    });
  });

  it('reads the environment, with arguments taking precedence', () => {
    const c = parseAgentConfig(['--interface', 'wg-n1', '--poll-interval', '2'], {
      GATEHOUSE_PLATFORM_URL: 'https://gh.example',
      GATEHOUSE_NODE_TOKEN: 'env-token',
      GATEHOUSE_WG_INTERFACE: 'wg9',
      GATEHOUSE_WG_ADDRESS: '10.8.0.1/24',
      GATEHOUSE_AGENT_STATE_DIR: '/tmp/st',
      GATEHOUSE_WG_USERSPACE: '1',
    });
    expect([c.iface, c.pollIntervalMs, c.handshakeTimeoutMs, c.address, c.privateKeyFile, c.userspace]).toEqual([
      'wg-n1',
      2000,
      182_000,
      '10.8.0.1/24',
      '/tmp/st/private.key',
      true,
    ]);
  });

  it('refuses a handshake timeout below 180 s + poll interval, and a missing token', () => {
    expect(() => parseAgentConfig(['--platform-url', 'http://x', '--token', 't', '--handshake-timeout', '184'], {})).toThrow(
      new ConfigError('--handshake-timeout must be at least 180 s + poll interval = 185 s'),
    );
    expect(() => parseAgentConfig(['--platform-url', 'http://x'], {})).toThrow('--token or --token-file is required');
    expect(() => parseAgentConfig(['--platform-url', 'http://x', '--token', 't', '--bogus'], {})).toThrow(ConfigError);
  });
});
