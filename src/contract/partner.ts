/**
 * Partner API (SPEC §3.2). The console calls the very same operations (http/partner-api is mounted
 * twice), so these schemas are the one definition of every User page field and action.
 */
import { Type, type Static } from 'typebox';
import {
  AuthMethodSchema,
  DeviceTypeSchema,
  SESSION_SORT_COLUMNS,
  TrafficPeriodSchema,
  USER_SEARCH_KEYS,
  UserStatusSchema,
} from './enums.ts';
import { Bundle } from './client.ts';
import { CountryCode, Instant, Int64In, Int64OrNull, Int64Out, Ok, PageQuery } from './common.ts';

export const PartnerLoginBody = Type.Object(
  {
    login: Type.String({ minLength: 1, maxLength: 64, description: 'Project id' }),
    password: Type.String({ minLength: 1, maxLength: 256, description: "Project's private key" }),
  },
  { additionalProperties: false },
);
export const PartnerLoginReply = Ok({
  access_token: Type.String(),
  create_time: Type.Integer({ description: 'unix seconds' }),
  expire_time: Type.Integer({ description: 'unix seconds' }),
});

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });
export const DeviceParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  deviceId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
});

// ---- licenses -------------------------------------------------------------------------------------
const LimitCount = Type.Integer({ minimum: 0, maximum: 1_000_000, description: '0 means no limit' });
export const License = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  devices_limit: Type.Integer(),
  sessions_limit: Type.Integer(),
  users: Type.Integer({ description: 'users holding this license' }),
  is_default: Type.Boolean(),
});
export type License = Static<typeof License>;
export const LicenseCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    devices_limit: LimitCount,
    sessions_limit: LimitCount,
  },
  { additionalProperties: false },
);
export type LicenseCreate = Static<typeof LicenseCreate>;
export const LicenseUpdate = Type.Partial(LicenseCreate, { additionalProperties: false, minProperties: 1 });
export type LicenseUpdate = Static<typeof LicenseUpdate>;
export const LicensesReply = Ok({ licenses: Type.Array(License) });
export const LicenseReply = Ok({ license: License });

// ---- subscribers ----------------------------------------------------------------------------------
export const TrafficState = Type.Object({
  unlimited: Type.Boolean(),
  limit: Int64OrNull('bytes per period'),
  used: Int64Out('bytes used in the current period (since the last reset)'),
  remaining: Int64OrNull(),
  period: TrafficPeriodSchema,
  period_start: Instant(),
  period_end: Instant(),
  reset_at: Type.Union([Instant('last operator reset in this period'), Type.Null()]),
});
export type TrafficState = Static<typeof TrafficState>;

/** A user's license as both APIs show it (the reference platform calls it "bundle"). */
export const LicenseRef = Bundle;

export const Subscriber = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  auth_method: Type.String(),
  status: UserStatusSchema,
  license: LicenseRef,
  traffic: TrafficState,
  activated_devices: Type.Integer(),
  active_sessions: Type.Integer(),
  purchase: Type.Union([Type.Literal('active'), Type.Literal('none'), Type.Null()], {
    description: 'null in private projects',
  }),
  extref: Type.String(),
  description: Type.String(),
  country: Type.Union([CountryCode, Type.Null()]),
  registered_at: Instant(),
  last_connection_at: Type.Union([Instant(), Type.Null()]),
});
export type Subscriber = Static<typeof Subscriber>;
export const SubscriberReply = Ok({ subscriber: Subscriber });

export const SubscriberSummary = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  auth_method: Type.String(),
  status: UserStatusSchema,
  description: Type.String(),
  extref: Type.String(),
  country: Type.Union([CountryCode, Type.Null()]),
  license_id: Type.Integer(),
  activated_devices: Type.Integer(),
  purchase: Type.Union([Type.Literal('active'), Type.Literal('none'), Type.Null()]),
  registered_at: Instant(),
  last_connection_at: Type.Union([Instant(), Type.Null()]),
});
export type SubscriberSummary = Static<typeof SubscriberSummary>;

export const SubscribersQuery = Type.Object(
  {
    search_by: Type.Optional(Type.Enum(USER_SEARCH_KEYS)),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    status: Type.Optional(UserStatusSchema),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type SubscribersQuery = Static<typeof SubscribersQuery>;
export const SubscribersReply = Ok({
  subscribers: Type.Array(SubscriberSummary),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

const Text = (max: number) => Type.String({ maxLength: max });
export const SubscriberCreate = Type.Object(
  {
    auth_method: AuthMethodSchema,
    external_id: Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' }),
    extref: Type.Optional(Text(256)),
    description: Type.Optional(Text(1024)),
    country: Type.Optional(Type.Union([CountryCode, Type.Null()])),
    license_id: Type.Optional(Type.Integer({ minimum: 1 })),
    traffic_limit: Type.Optional(Type.Union([Int64In(), Type.Null()])),
  },
  { additionalProperties: false },
);
export type SubscriberCreate = Static<typeof SubscriberCreate>;

export const SubscriberUpdate = Type.Object(
  {
    extref: Type.Optional(Text(256)),
    description: Type.Optional(Text(1024)),
    country: Type.Optional(Type.Union([CountryCode, Type.Null()])),
    license_id: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type SubscriberUpdate = Static<typeof SubscriberUpdate>;

export const DeleteSubscriberQuery = Type.Object(
  { confirm: Type.Integer({ minimum: 1, description: 'Must repeat the user id' }) },
  { additionalProperties: false },
);

// ---- traffic --------------------------------------------------------------------------------------
export const TrafficReply = Ok({ traffic: TrafficState });
export const SetTrafficBody = Type.Object(
  {
    traffic_limit: Int64In({ description: 'bytes per period' }),
    reset: Type.Optional(Type.Boolean({ description: 'start a new usage epoch now (used = 0)' })),
  },
  { additionalProperties: false },
);
export type SetTrafficBody = Static<typeof SetTrafficBody>;
export const UnlimitedTrafficQuery = Type.Object(
  { reset: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export const DailyTrafficQuery = Type.Object(
  { days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, default: 30 })) },
  { additionalProperties: false },
);
export const DailyTrafficReply = Ok({
  days: Type.Array(Type.Object({ day: Type.String(), download: Int64Out(), upload: Int64Out() })),
});

// ---- sessions -------------------------------------------------------------------------------------
export const SessionSortSchema = Type.Enum(SESSION_SORT_COLUMNS);
export const SessionsQuery = Type.Object(
  {
    device_id: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
    start_time: Type.Optional(Instant()),
    end_time: Type.Optional(Instant()),
    sort: Type.Optional(SessionSortSchema),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type SessionsQuery = Static<typeof SessionsQuery>;

export const Session = Type.Object({
  id: Type.Integer(),
  user_id: Type.Integer(),
  device_id: Type.Integer({ description: 'platform device id' }),
  device_name: Type.String(),
  server: Type.String(),
  location: Type.String(),
  start_time: Instant(),
  end_time: Type.Union([Instant(), Type.Null()]),
  internal_ip: Type.String(),
  download: Int64Out('bytes received by the device'),
  upload: Int64Out('bytes sent by the device'),
  active: Type.Boolean(),
  end_reason: Type.Union([Type.String(), Type.Null()]),
});
export type Session = Static<typeof Session>;
export const SessionsReply = Ok({
  sessions: Type.Array(Session),
  window: Type.Object({ start: Instant(), end: Instant() }),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});
export const ActiveSessionsQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 5000 })) },
  { additionalProperties: false },
);
export const ActiveSessionsReply = Ok({ sessions: Type.Array(Session), capped: Type.Boolean() });

// ---- devices --------------------------------------------------------------------------------------
export const Device = Type.Object({
  id: Type.Integer({ description: 'platform device id' }),
  device_id: Type.String({ description: 'id the app generated' }),
  access_token: Type.Union([Type.String(), Type.Null()], { description: 'null after logout' }),
  name: Type.String(),
  type: DeviceTypeSchema,
  public_key: Type.Union([Type.String(), Type.Null()]),
  registered_at: Instant(),
  last_connection_at: Type.Union([Instant(), Type.Null()]),
  active_sessions: Type.Integer(),
});
export type Device = Static<typeof Device>;
export const DevicesReply = Ok({ devices: Type.Array(Device) });

// ---- audit ----------------------------------------------------------------------------------------
export const AuditQuery = Type.Object(
  {
    object_type: Type.Optional(Type.String({ maxLength: 32 })),
    object_id: Type.Optional(Type.String({ maxLength: 64 })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Instant(),
  author: Type.String(),
  action: Type.String(),
  object_type: Type.String(),
  object_id: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
});
export const AuditReply = Ok({
  entries: Type.Array(AuditEntry),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});
