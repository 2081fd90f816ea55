/** Projects (tenants): creation from the CLI or the console, settings, and the partner key. */
import type { AppContext } from '../context.ts';
import type { Conn } from '../store/db.ts';
import { transaction } from '../store/db.ts';
import { getProject, insertProject, updateProject, type AuthSettings, type Project } from '../store/projects.ts';
import { insertLicense } from '../store/licenses.ts';
import { writeAudit } from '../store/audit.ts';
import { isValidTimeZone } from '../domain/periods.ts';
import { GatehouseError, invalid, notFound } from '../domain/errors.ts';
import { hashToken, randomToken } from '../platform/secrets.ts';
import type { ProjectType, TrafficPeriod } from '../contract/enums.ts';

export const requireProject = async (c: Conn, id: string): Promise<Project> => {
  const p = await getProject(c, id);
  if (!p) throw notFound(`project ${id}`);
  return p;
};

export interface NewProject {
  id: string;
  name?: string;
  description?: string;
  type?: ProjectType;
  timeZone?: string;
  trafficPeriod?: TrafficPeriod;
  defaultTrafficLimit?: bigint | null;
  defaultLicense?: { name: string; devicesLimit: number; sessionsLimit: number };
  auth?: AuthSettings;
}

/** Creates a project with its default license; returns the partner private key, shown only this once. */
export const createProject = async (ctx: AppContext, p: NewProject, author: string): Promise<{ project: Project; privateKey: string }> => {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(p.id)) throw invalid('id', 'Latin letters, digits, - and _ only, 1 to 64 characters');
  const tz = p.timeZone ?? 'UTC';
  if (!isValidTimeZone(tz)) throw invalid('time_zone', `unknown IANA time zone ${tz}`);
  const privateKey = randomToken('gpk');
  const now = ctx.clock.now();
  return transaction(ctx.store, async (tx) => {
    if (await getProject(tx, p.id)) throw new GatehouseError('CONFLICT', `project ${p.id} already exists`, 'id');
    await insertProject(tx, {
      id: p.id,
      name: p.name ?? p.id,
      description: p.description ?? '',
      type: p.type ?? 'public',
      private_key_hash: hashToken(privateKey),
      private_key_enc: ctx.box.encrypt(privateKey),
      default_license_id: null,
      default_traffic_limit: p.defaultTrafficLimit ?? null,
      traffic_period: p.trafficPeriod ?? 'day',
      time_zone: tz,
      auth: JSON.stringify(p.auth ?? { methods: ['anonymous'] }),
      created_at: BigInt(now),
    });
    const lic = p.defaultLicense ?? { name: 'default', devicesLimit: 0, sessionsLimit: 0 };
    const licenseId = await insertLicense(tx, p.id, lic, now);
    await updateProject(tx, p.id, { default_license_id: BigInt(licenseId) });
    await writeAudit(tx, {
      projectId: p.id,
      at: now,
      author,
      action: 'project.create',
      objectType: 'project',
      objectId: p.id,
      before: null,
      after: { name: p.name ?? p.id, type: p.type ?? 'public', time_zone: tz },
    });
    return { project: (await getProject(tx, p.id))!, privateKey };
  });
};

/** Replaces the partner private key; the old one stops working at once. */
export const rotatePrivateKey = async (ctx: AppContext, projectId: string, author: string): Promise<string> => {
  const privateKey = randomToken('gpk');
  await transaction(ctx.store, async (tx) => {
    await requireProject(tx, projectId);
    await updateProject(tx, projectId, { private_key_hash: hashToken(privateKey), private_key_enc: ctx.box.encrypt(privateKey) });
    await writeAudit(tx, {
      projectId,
      at: ctx.clock.now(),
      author,
      action: 'project.rotate_key',
      objectType: 'project',
      objectId: projectId,
      before: null,
      after: null,
    });
  });
  return privateKey;
};
