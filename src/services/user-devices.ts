/** The User page's Devices tab. */
import type { AppContext } from '../context.ts';
import { transaction } from '../store/db.ts';
import { deleteDevice, getDevice, listUserDevices } from '../store/devices.ts';
import { cutSessions } from '../store/sessions.ts';
import { writeAudit } from '../store/audit.ts';
import { notFound } from '../domain/errors.ts';
import type { Device } from '../contract/partner.ts';
import type { DeviceType } from '../contract/enums.ts';
import { authorize, type Actor } from './actor.ts';
import { requireUser } from './subscribers.ts';

export const listDevices = async (ctx: AppContext, actor: Actor, userId: number): Promise<Device[]> => {
  authorize(actor, 'users.read');
  await requireUser(ctx.store, actor.projectId, userId);
  return (await listUserDevices(ctx.store, actor.projectId, userId)).map((d) => ({
    id: d.id,
    device_id: d.deviceId,
    access_token: d.tokenEnc ? ctx.box.decrypt(d.tokenEnc) : null,
    name: d.name,
    type: d.type as DeviceType,
    public_key: d.publicKey,
    registered_at: new Date(d.registeredAt).toISOString(),
    last_connection_at: d.lastConnectionAt === null ? null : new Date(d.lastConnectionAt).toISOString(),
    active_sessions: d.activeSessions,
  }));
};

/** Frees the device's slot, revokes its token and cuts its sessions; the sessions stay in history. */
export const removeDevice = async (ctx: AppContext, actor: Actor, userId: number, id: number): Promise<void> => {
  authorize(actor, 'devices.delete');
  await transaction(ctx.store, async (tx) => {
    await requireUser(tx, actor.projectId, userId, true);
    const device = await getDevice(tx, actor.projectId, userId, id);
    if (!device) throw notFound(`device ${id}`);
    const now = ctx.clock.now();
    await cutSessions(tx, { projectId: actor.projectId, deviceId: id }, 'DEVICE_DELETED', now);
    await deleteDevice(tx, actor.projectId, id);
    await writeAudit(tx, {
      projectId: actor.projectId,
      at: now,
      author: actor.author,
      action: 'device.delete',
      objectType: 'device',
      objectId: String(id),
      before: { user_id: userId, device_id: device.deviceId, name: device.name, type: device.type },
      after: null,
    });
  });
};
