import { Type } from 'typebox';

export const USER_STATUSES = ['invited', 'active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
export const UserStatusSchema = Type.Enum(USER_STATUSES);

export const DEVICE_TYPES = ['android', 'ios', 'macos', 'windows', 'linux', 'other'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];
export const DeviceTypeSchema = Type.Enum(DEVICE_TYPES);

export const AUTH_METHODS = ['anonymous', 'firebase', 'oauth'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];
export const AuthMethodSchema = Type.Enum(AUTH_METHODS);

export const PROJECT_TYPES = ['public', 'private'] as const;
export type ProjectType = (typeof PROJECT_TYPES)[number];
export const ProjectTypeSchema = Type.Enum(PROJECT_TYPES);

export const TRAFFIC_PERIODS = ['day', 'month'] as const;
export type TrafficPeriod = (typeof TRAFFIC_PERIODS)[number];
export const TrafficPeriodSchema = Type.Enum(TRAFFIC_PERIODS);

export const ROLES = ['owner', 'admin', 'support'] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = Type.Enum(ROLES);

/** Why a session ended or must be cut. */
export const CUT_REASONS = [
  'TRAFFIC_EXCEED',
  'USER_SUSPENDED',
  'DEVICE_DELETED',
  'USER_DELETED',
  'SESSIONS_EXCEED',
  'SUPERSEDED',
] as const;
export type CutReason = (typeof CUT_REASONS)[number];

export const SESSION_SORT_COLUMNS = [
  'device_id',
  'server',
  'location',
  'start_time',
  'end_time',
  'internal_ip',
  'download',
  'upload',
] as const;
export type SessionSortColumn = (typeof SESSION_SORT_COLUMNS)[number];

export const USER_SEARCH_KEYS = ['user_id', 'name', 'extref', 'device_id', 'device_token'] as const;
export type UserSearchKey = (typeof USER_SEARCH_KEYS)[number];
