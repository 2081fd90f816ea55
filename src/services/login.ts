/**
 * Client login (SPEC §1 "User", "Device"): resolve the identity, create or activate the user, and
 * register the device under the license's device limit, atomically.
 */
import type { AppContext } from '../context.ts';
import type { Conn } from '../store/db.ts';
import { transaction } from '../store/db.ts';
import type { Project } from '../store/projects.ts';
import { getUserByName, insertUserIfAbsent, updateUser, countUserDevices, type User } from '../store/users.ts';
import { getLicense } from '../store/licenses.ts';
import { getUserDevice, insertDevice, updateDevice, deviceByTokenHash, type Device } from '../store/devices.ts';
import { activeSessionCount } from '../store/sessions.ts';
import { GatehouseError } from '../domain/errors.ts';
import { hashToken, randomToken } from '../platform/secrets.ts';
import type { ClientSubscriber, LoginBody } from '../contract/client.ts';
import { requireProject } from './projects.ts';

const externalId = async (ctx: AppContext, project: Project, body: LoginBody): Promise<string> => {
  if (!project.auth.methods.includes(body.auth_method)) {
    throw new GatehouseError('INVALID_PARAMS', `auth_method ${body.auth_method} is not enabled in this project`, 'auth_method');
  }
  switch (body.auth_method) {
    case 'anonymous':
      // One user per device (SPEC §1).
      return body.device_id;
    case 'firebase': {
      const fb = project.auth.firebase?.project_id;
      if (!fb) throw new GatehouseError('OAUTH_ERROR', 'firebase is not configured for this project');
      if (!body.access_token) throw new GatehouseError('INVALID_PARAMS', 'access_token: required for firebase', 'access_token');
      const uid = await ctx.firebase.verify(body.access_token, fb, ctx.clock.now());
      if (!uid) throw new GatehouseError('OAUTH_ERROR', 'access_token: the Firebase ID token is not valid', 'access_token');
      return uid;
    }
    default:
      throw new GatehouseError('OAUTH_ERROR', `auth method ${body.auth_method} has no verifier configured`);
  }
};

export const clientSubscriber = async (c: Conn, project: Project, user: User): Promise<ClientSubscriber> => {
  const license = await getLicense(c, project.id, user.licenseId);
  return {
    id: user.id,
    name: user.name,
    auth_method: user.authMethod,
    condition: user.status === 'disabled' ? 1 : 0,
    extref: user.extref,
    bundle: {
      id: user.licenseId,
      name: license?.name ?? '',
      devices_limit: license?.devicesLimit ?? 0,
      sessions_limit: license?.sessionsLimit ?? 0,
    },
    activated_devices: await countUserDevices(c, user.id),
    active_sessions: await activeSessionCount(c, user.id),
    carrier_id: project.id,
    registration_time: new Date(user.registeredAt).toISOString(),
    connection_time: user.lastConnectionAt === null ? null : new Date(user.lastConnectionAt).toISOString(),
  };
};

export const login = async (ctx: AppContext, body: LoginBody) => {
  const project = await requireProject(ctx.store, body.carrier_id).catch(() => {
    throw new GatehouseError('NOT_FOUND', `carrier ${body.carrier_id} not found`, 'carrier_id');
  });
  const name = `${body.auth_method}_${await externalId(ctx, project, body)}`;
  const token = randomToken('gdt');
  return transaction(ctx.store, async (tx) => {
    const now = ctx.clock.now();
    let user = await getUserByName(tx, project.id, name, true);
    if (!user) {
      await insertUserIfAbsent(tx, {
        project_id: project.id,
        name,
        auth_method: body.auth_method,
        status: 'active',
        license_id: BigInt(project.defaultLicenseId ?? 0),
        traffic_limit: project.defaultTrafficLimit,
        traffic_epoch: 0,
        extref: '',
        description: '',
        country: null,
        registered_at: BigInt(now),
      });
      user = (await getUserByName(tx, project.id, name, true))!;
    }
    if (user.status === 'disabled') throw new GatehouseError('USER_SUSPENDED', 'this user is disabled');
    // The user row is locked (PostgreSQL) or the connection is ours (SQLite): count and insert cannot race.
    let device: Device | null = await getUserDevice(tx, user.id, body.device_id);
    const fields = {
      token_hash: hashToken(token),
      token_enc: ctx.box.encrypt(token),
      name: body.device_name ?? device?.name ?? body.device_type,
      type: body.device_type,
      last_connection_at: BigInt(now),
      ...(body.public_key ? { public_key: body.public_key } : {}),
    };
    if (device) {
      await updateDevice(tx, device.id, fields);
    } else {
      const license = await getLicense(tx, project.id, user.licenseId);
      const limit = license?.devicesLimit ?? 0;
      if (limit > 0 && (await countUserDevices(tx, user.id)) >= limit) {
        throw new GatehouseError('DEVICES_EXCEED', `the license allows ${limit} device(s); delete one to register another`);
      }
      await insertDevice(tx, {
        project_id: project.id,
        user_id: BigInt(user.id),
        device_id: body.device_id,
        public_key: body.public_key ?? null,
        registered_at: BigInt(now),
        ...fields,
      });
      device = (await getUserDevice(tx, user.id, body.device_id))!;
    }
    const patch = { last_connection_at: BigInt(now), ...(user.status === 'invited' ? { status: 'active' as const } : {}) };
    await updateUser(tx, project.id, user.id, patch);
    user = { ...user, lastConnectionAt: now, status: user.status === 'invited' ? 'active' : user.status };
    return {
      access_token: token,
      device: { id: device.id, device_id: device.deviceId },
      subscriber: await clientSubscriber(tx, project, user),
    };
  });
};

/** The device (and its project) behind a client access token, or NOT_AUTHORIZED. */
export const deviceOfToken = async (ctx: AppContext, token: string): Promise<Device> => {
  const d = await deviceByTokenHash(ctx.store, hashToken(token));
  if (!d) throw new GatehouseError('NOT_AUTHORIZED', 'access_token is not valid; log in again', 'access_token');
  return d;
};

export const logout = async (ctx: AppContext, device: Device): Promise<void> => {
  await updateDevice(ctx.store, device.id, { token_hash: null, token_enc: null });
};
