import type { Conn } from './db.ts';
import type { ProjectRow } from './schema.ts';
import { bigOrNull } from './db.ts';
import type { AuthMethod, ProjectType, TrafficPeriod } from '../contract/enums.ts';

export interface AuthSettings {
  methods: AuthMethod[];
  firebase?: { project_id: string };
  oauth?: { url: string };
}

export interface Project {
  id: string;
  name: string;
  description: string;
  type: ProjectType;
  defaultLicenseId: number | null;
  defaultTrafficLimit: bigint | null;
  trafficPeriod: TrafficPeriod;
  timeZone: string;
  auth: AuthSettings;
  createdAt: number;
  privateKeyHash: string;
  privateKeyEnc: string;
}

const toProject = (r: ProjectRow): Project => ({
  id: r.id,
  name: r.name,
  description: r.description,
  type: r.type,
  defaultLicenseId: r.default_license_id == null ? null : Number(r.default_license_id),
  defaultTrafficLimit: bigOrNull(r.default_traffic_limit),
  trafficPeriod: r.traffic_period,
  timeZone: r.time_zone,
  auth: JSON.parse(r.auth) as AuthSettings,
  createdAt: Number(r.created_at),
  privateKeyHash: r.private_key_hash,
  privateKeyEnc: r.private_key_enc,
});

export const getProject = async (c: Conn, id: string): Promise<Project | null> => {
  const r = await c.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toProject(r) : null;
};

export const projectByKeyHash = async (c: Conn, hash: string): Promise<Project | null> => {
  const r = await c.db.selectFrom('projects').selectAll().where('private_key_hash', '=', hash).executeTakeFirst();
  return r ? toProject(r) : null;
};

export const listProjects = async (c: Conn, ids?: string[]): Promise<Project[]> => {
  let q = c.db.selectFrom('projects').selectAll().orderBy('id');
  if (ids) {
    if (ids.length === 0) return [];
    q = q.where('id', 'in', ids);
  }
  return (await q.execute()).map(toProject);
};

export const insertProject = async (c: Conn, row: ProjectRow): Promise<void> => {
  await c.db.insertInto('projects').values(row).execute();
};

export const updateProject = async (
  c: Conn,
  id: string,
  patch: Partial<Omit<ProjectRow, 'id' | 'created_at'>>,
): Promise<void> => {
  await c.db.updateTable('projects').set(patch).where('id', '=', id).execute();
};
