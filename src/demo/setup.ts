/**
 * The demo project, its licenses and its nodes, created through the same services as the CLI.
 * Idempotent: a re-run reuses them, rotating the partner key and re-issuing node tokens (both are
 * stored only as hashes, so the previous values cannot be recovered).
 */
import { generateKeyPairSync } from 'node:crypto';
import type { AppContext } from '../context.ts';
import { getProject } from '../store/projects.ts';
import { createProject } from '../services/projects.ts';
import { createLicense, listLicenses } from '../services/licenses.ts';
import { addNode, rotateNodeToken, type NewNode } from '../services/nodes.ts';
import type { Actor } from '../services/actor.ts';
import { DEMO_FIREBASE_PROJECT } from './firebase.ts';

export const DEMO_PROJECT = 'demo';
export const DAILY_LIMIT = 200n * 1024n * 1024n;
const AUTHOR = 'demo';

export const wgPublicKey = (): string =>
  generateKeyPairSync('x25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');

const NODES: NewNode[] = [
  { name: 'de-fra-01', country: 'DE', city: 'Frankfurt', endpoint: '203.0.113.11:51820', publicKey: '', poolCidr: '10.64.0.0/20', dns: ['10.64.0.1'], capacity: 0 },
  { name: 'de-fra-02', country: 'DE', city: 'Frankfurt', endpoint: '203.0.113.12:51820', publicKey: '', poolCidr: '10.64.16.0/20', dns: ['10.64.16.1'], capacity: 0 },
  { name: 'nl-ams-01', country: 'NL', city: 'Amsterdam', endpoint: '203.0.113.21:51820', publicKey: '', poolCidr: '10.65.0.0/20', dns: ['10.65.0.1'], capacity: 0 },
  { name: 'us-nyc-01', country: 'US', city: 'New York', endpoint: '198.51.100.31:51820', publicKey: '', poolCidr: '10.66.0.0/20', dns: ['10.66.0.1'], capacity: 0 },
  { name: 'jp-tyo-01', country: 'JP', city: 'Tokyo', endpoint: '198.51.100.41:51820', publicKey: '', poolCidr: '10.67.0.0/22', dns: ['10.67.0.1'], capacity: 30 },
];

export interface DemoNodeSpec {
  id: number;
  name: string;
  country: string;
  token: string;
}

export interface DemoSetup {
  created: boolean;
  privateKey: string;
  /** license name → id */
  licenses: Map<string, number>;
  nodes: DemoNodeSpec[];
}

export const ensureDemoProject = async (ctx: AppContext): Promise<DemoSetup> => {
  const existing = await getProject(ctx.store, DEMO_PROJECT);
  // The key is stored encrypted: a re-run reuses it, so keys and tokens handed out before keep working.
  const privateKey = existing
    ? ctx.box.decrypt(existing.privateKeyEnc)
    : (
        await createProject(
          ctx,
          {
            id: DEMO_PROJECT,
            name: 'Demo VPN',
            description: 'Simulated network started by `gatehouse demo`',
            type: 'public',
            timeZone: 'Europe/Berlin',
            trafficPeriod: 'day',
            defaultTrafficLimit: DAILY_LIMIT,
            defaultLicense: { name: '1-1', devicesLimit: 1, sessionsLimit: 1 },
            auth: { methods: ['anonymous', 'firebase'], firebase: { project_id: DEMO_FIREBASE_PROJECT } },
          },
          AUTHOR,
        )
      ).privateKey;

  const actor: Actor = { projectId: DEMO_PROJECT, role: 'owner', author: AUTHOR };
  const licenses = new Map((await listLicenses(ctx, actor)).map((l) => [l.name, l.id]));
  for (const [name, devices, sessions] of [
    ['1-1', 1, 1],
    ['3-5', 3, 5],
    ['5-10', 5, 10],
    ['10-10', 10, 10],
  ] as const) {
    if (!licenses.has(name)) licenses.set(name, (await createLicense(ctx, actor, { name, devices_limit: devices, sessions_limit: sessions })).id);
  }

  const nodes: DemoNodeSpec[] = [];
  for (const spec of NODES) {
    const row = await ctx.store.db
      .selectFrom('nodes')
      .select(['id'])
      .where('project_id', '=', DEMO_PROJECT)
      .where('name', '=', spec.name)
      .executeTakeFirst();
    if (row) {
      const { token } = await rotateNodeToken(ctx, DEMO_PROJECT, spec.name, AUTHOR);
      nodes.push({ id: Number(row.id), name: spec.name, country: spec.country, token });
    } else {
      const { id, token } = await addNode(ctx, DEMO_PROJECT, { ...spec, publicKey: wgPublicKey() }, AUTHOR);
      nodes.push({ id, name: spec.name, country: spec.country, token });
    }
  }
  return { created: !existing, privateKey, licenses, nodes };
};
