/**
 * Configuration comes from environment variables, optionally preceded by a JSON file named by
 * GATEHOUSE_CONFIG (keys are the variable names without the GATEHOUSE_ prefix, in lower case:
 * {"port": 8080, "database_url": "postgres://..."}). The environment wins over the file.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface Config {
  host: string;
  port: number;
  /** postgres://... selects PostgreSQL; otherwise an SQLite file under dataDir */
  databaseUrl: string | null;
  dataDir: string;
  /** 64 hex chars; if absent, a key is generated once into dataDir/secret.key */
  secretKey: string | null;
  adminEmail: string | null;
  adminPassword: string | null;
  firebaseJwksUrl: string;
  logLevel: string;
  /** seconds the agent waits between syncs */
  nodeSyncInterval: number;
  /** seconds without a sync after which a node counts as offline */
  nodeOfflineAfter: number;
  /** seconds a credentials lease stays valid if the device never connects */
  credentialsTtl: number;
  partnerTokenTtl: number;
  runJobs: boolean;
  trustProxy: boolean;
  /** comma-separated DER/PEM files of the Apple roots to trust; null = the shipped Apple Root CA - G3 */
  appleRootCerts: string | null;
  /** OCSP revocation checks of Apple's signing chain (needs network); off in offline tests */
  appleOnlineChecks: boolean;
  appleApiProductionUrl: string;
  appleApiSandboxUrl: string;
  googleApiRootUrl: string;
  googleTokenUrl: string;
  /** milliseconds a store call may take before it counts as an outage */
  storeTimeoutMs: number;
  /** purchases re-verified per run of the re-verification job (the rate limit) */
  purchaseVerifyBatch: number;
}

const FILE_KEYS: Record<string, keyof Config> = {
  host: 'host',
  port: 'port',
  database_url: 'databaseUrl',
  data_dir: 'dataDir',
  secret_key: 'secretKey',
  admin_email: 'adminEmail',
  admin_password: 'adminPassword',
  firebase_jwks_url: 'firebaseJwksUrl',
  log_level: 'logLevel',
  node_sync_interval: 'nodeSyncInterval',
  node_offline_after: 'nodeOfflineAfter',
  credentials_ttl: 'credentialsTtl',
  partner_token_ttl: 'partnerTokenTtl',
  run_jobs: 'runJobs',
  trust_proxy: 'trustProxy',
  apple_root_certs: 'appleRootCerts',
  apple_online_checks: 'appleOnlineChecks',
  apple_api_production_url: 'appleApiProductionUrl',
  apple_api_sandbox_url: 'appleApiSandboxUrl',
  google_api_root_url: 'googleApiRootUrl',
  google_token_url: 'googleTokenUrl',
  store_timeout_ms: 'storeTimeoutMs',
  purchase_verify_batch: 'purchaseVerifyBatch',
};

export const defaultConfig = (): Config => ({
  host: '0.0.0.0',
  port: 8080,
  databaseUrl: null,
  dataDir: resolve('data'),
  secretKey: null,
  adminEmail: null,
  adminPassword: null,
  firebaseJwksUrl:
    'https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com',
  logLevel: 'info',
  nodeSyncInterval: 5,
  nodeOfflineAfter: 60,
  credentialsTtl: 600,
  partnerTokenTtl: 3600,
  runJobs: true,
  trustProxy: false,
  appleRootCerts: null,
  appleOnlineChecks: true,
  appleApiProductionUrl: 'https://api.storekit.itunes.apple.com',
  appleApiSandboxUrl: 'https://api.storekit-sandbox.itunes.apple.com',
  googleApiRootUrl: 'https://androidpublisher.googleapis.com/',
  googleTokenUrl: 'https://oauth2.googleapis.com/token',
  storeTimeoutMs: 10_000,
  purchaseVerifyBatch: 200,
});

const coerce = (key: keyof Config, raw: unknown): unknown => {
  const sample = defaultConfig()[key];
  if (typeof sample === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new Error(`configuration ${key}: not a number: ${String(raw)}`);
    return n;
  }
  if (typeof sample === 'boolean') return raw === true || raw === 'true' || raw === '1';
  return raw === '' ? null : String(raw);
};

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const cfg = defaultConfig() as unknown as Record<string, unknown>;
  const file = env.GATEHOUSE_CONFIG;
  if (file) {
    const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    for (const [k, v] of Object.entries(json)) {
      const key = FILE_KEYS[k];
      if (!key) throw new Error(`configuration file ${file}: unknown key ${k}`);
      cfg[key] = coerce(key, v);
    }
  }
  for (const [k, key] of Object.entries(FILE_KEYS)) {
    const v = env[`GATEHOUSE_${k.toUpperCase()}`];
    if (v !== undefined) cfg[key] = coerce(key, v);
  }
  if (env.DATABASE_URL) cfg.databaseUrl = env.DATABASE_URL;
  if (env.PORT && !env.GATEHOUSE_PORT) cfg.port = coerce('port', env.PORT);
  if (env.LOG_LEVEL && !env.GATEHOUSE_LOG_LEVEL) cfg.logLevel = env.LOG_LEVEL;
  return cfg as unknown as Config;
};
