/**
 * The one permission table (SPEC §1 "Member"): which role may perform which action. The server checks
 * it on every operation (services/actor.ts) and the console reads it to hide what a role cannot do.
 * The partner API key acts as `admin` of its project.
 */
import type { Role } from '../contract/enums.ts';

export const ACTIONS = [
  'users.read',
  'users.create',
  'users.update',
  'users.delete',
  'users.traffic',
  'devices.delete',
  'purchases.read',
  'purchases.update',
  'licenses.read',
  'licenses.write',
  'nodes.read',
  'nodes.write',
  'project.read',
  'project.update',
  'project.delete',
  'members.read',
  'members.write',
  'members.owners',
  'audit.read',
  'exports.run',
] as const;
export type Action = (typeof ACTIONS)[number];

const SUPPORT: readonly Action[] = [
  'users.read',
  'users.create',
  'users.update',
  'users.traffic',
  'purchases.read',
  'purchases.update',
  'licenses.read',
  'nodes.read',
  'project.read',
  'members.read',
  'audit.read',
  'exports.run',
];
const ADMIN: readonly Action[] = ACTIONS.filter((a) => a !== 'project.delete' && a !== 'members.owners');

const TABLE: Record<Role, ReadonlySet<Action>> = {
  owner: new Set(ACTIONS),
  admin: new Set(ADMIN),
  support: new Set(SUPPORT),
};

export const can = (role: Role, action: Action): boolean => TABLE[role].has(action);

const RANK: Record<Role, number> = { support: 1, admin: 2, owner: 3 };
/** A member cannot grant a role above its own. */
export const canGrant = (granter: Role, granted: Role): boolean => RANK[granter] >= RANK[granted];
