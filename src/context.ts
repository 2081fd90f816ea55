/**
 * The composition root: builds the store, clock, secrets and integrations from configuration. Tests
 * pass overrides (a manual clock, a key-set URL they serve) instead of patching modules.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './platform/config.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { SecretBox } from './platform/secrets.ts';
import { migrate, openStore, type Store } from './store/db.ts';
import { PeriodCache } from './domain/periods.ts';
import { FirebaseVerifier } from './integrations/firebase-auth.ts';
import { buildStores, type Stores } from './services/stores.ts';

export interface AppContext {
  config: Config;
  store: Store;
  clock: Clock;
  box: SecretBox;
  periods: PeriodCache;
  firebase: FirebaseVerifier;
  stores: Stores;
}

const loadSecretKey = (config: Config): Buffer => {
  if (config.secretKey) {
    if (!/^[0-9a-fA-F]{64}$/.test(config.secretKey)) throw new Error('GATEHOUSE_SECRET_KEY must be 64 hex characters');
    return Buffer.from(config.secretKey, 'hex');
  }
  const file = join(resolve(config.dataDir), 'secret.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  mkdirSync(resolve(config.dataDir), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600 });
  return key;
};

export const databaseUrl = (config: Config): string =>
  config.databaseUrl ?? join(resolve(config.dataDir), 'gatehouse.db');

export const createContext = async (
  config: Config,
  overrides: Partial<Pick<AppContext, 'clock' | 'store' | 'firebase'>> & { log?: FastifyBaseLogger } = {},
): Promise<AppContext> => {
  const store = overrides.store ?? openStore(databaseUrl(config));
  await migrate(store);
  return {
    config,
    store,
    clock: overrides.clock ?? systemClock,
    box: new SecretBox(loadSecretKey(config)),
    periods: new PeriodCache(),
    firebase: overrides.firebase ?? new FirebaseVerifier(config.firebaseJwksUrl),
    stores: buildStores(config),
  };
};
