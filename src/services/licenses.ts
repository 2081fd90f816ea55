/** Licenses: name, device limit and concurrent-session limit (0 = no limit). */
import type { AppContext } from '../context.ts';
import { transaction } from '../store/db.ts';
import * as store from '../store/licenses.ts';
import { writeAudit } from '../store/audit.ts';
import { GatehouseError } from '../domain/errors.ts';
import type { License, LicenseCreate, LicenseUpdate } from '../contract/partner.ts';
import { authorize, type Actor } from './actor.ts';
import { requireProject } from './projects.ts';

const view = (l: store.License & { users: number }, defaultId: number | null): License => ({
  id: l.id,
  name: l.name,
  devices_limit: l.devicesLimit,
  sessions_limit: l.sessionsLimit,
  users: l.users,
  is_default: l.id === defaultId,
});

export const listLicenses = async (ctx: AppContext, actor: Actor): Promise<License[]> => {
  authorize(actor, 'licenses.read');
  const project = await requireProject(ctx.store, actor.projectId);
  return (await store.listLicenses(ctx.store, actor.projectId)).map((l) => view(l, project.defaultLicenseId));
};

const one = async (ctx: AppContext, actor: Actor, id: number): Promise<License> => {
  const all = await listLicenses(ctx, actor);
  const l = all.find((x) => x.id === id);
  if (!l) throw new GatehouseError('LICENSE_NOT_FOUND', `license ${id} not found`);
  return l;
};

export const createLicense = async (ctx: AppContext, actor: Actor, body: LicenseCreate): Promise<License> => {
  authorize(actor, 'licenses.write');
  const id = await transaction(ctx.store, async (tx) => {
    if (await store.licenseNameTaken(tx, actor.projectId, body.name)) {
      throw new GatehouseError('CONFLICT', `a license named ${body.name} exists`, 'name');
    }
    const now = ctx.clock.now();
    const id = await store.insertLicense(
      tx,
      actor.projectId,
      { name: body.name, devicesLimit: body.devices_limit, sessionsLimit: body.sessions_limit },
      now,
    );
    await writeAudit(tx, { projectId: actor.projectId, at: now, author: actor.author, action: 'license.create', objectType: 'license', objectId: String(id), before: null, after: body });
    return id;
  });
  return one(ctx, actor, id);
};

export const updateLicense = async (ctx: AppContext, actor: Actor, id: number, body: LicenseUpdate): Promise<License> => {
  authorize(actor, 'licenses.write');
  await transaction(ctx.store, async (tx) => {
    const before = await store.getLicense(tx, actor.projectId, id);
    if (!before) throw new GatehouseError('LICENSE_NOT_FOUND', `license ${id} not found`);
    if (body.name !== undefined && (await store.licenseNameTaken(tx, actor.projectId, body.name, id))) {
      throw new GatehouseError('CONFLICT', `a license named ${body.name} exists`, 'name');
    }
    await store.updateLicense(tx, actor.projectId, id, body);
    await writeAudit(tx, { projectId: actor.projectId, at: ctx.clock.now(), author: actor.author, action: 'license.update', objectType: 'license', objectId: String(id), before, after: body });
  });
  return one(ctx, actor, id);
};

export const deleteLicense = async (ctx: AppContext, actor: Actor, id: number): Promise<void> => {
  authorize(actor, 'licenses.write');
  await transaction(ctx.store, async (tx) => {
    const project = await requireProject(tx, actor.projectId);
    const before = await store.getLicense(tx, actor.projectId, id);
    if (!before) throw new GatehouseError('LICENSE_NOT_FOUND', `license ${id} not found`);
    if (project.defaultLicenseId === id) throw new GatehouseError('CONFLICT', `license ${id} is the project's default license`);
    if (await store.licenseInUse(tx, actor.projectId, id)) throw new GatehouseError('CONFLICT', `license ${id} is held by users`);
    if (!(await store.deleteLicense(tx, actor.projectId, id))) throw new GatehouseError('LICENSE_NOT_FOUND', `license ${id} not found`);
    await writeAudit(tx, { projectId: actor.projectId, at: ctx.clock.now(), author: actor.author, action: 'license.delete', objectType: 'license', objectId: String(id), before, after: null });
  });
};
