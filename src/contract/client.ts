/** Client API (/user/*): what the app's SDK calls (SPEC §3.1). Field names follow the reference platform. */
import { Type, type Static } from 'typebox';
import { AuthMethodSchema, DeviceTypeSchema } from './enums.ts';
import { CountryCode, Instant, Int64OrNull, Int64Out, Ok } from './common.ts';

export const WireGuardKey = Type.String({
  pattern: '^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw480]=$',
  description: 'WireGuard public key (base64 of 32 bytes)',
});

export const LoginBody = Type.Object(
  {
    auth_method: AuthMethodSchema,
    access_token: Type.Optional(Type.String({ maxLength: 8192, description: 'Identity provider token' })),
    device_id: Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' }),
    device_name: Type.Optional(Type.String({ maxLength: 128 })),
    device_type: DeviceTypeSchema,
    carrier_id: Type.String({ minLength: 1, maxLength: 64 }),
    public_key: Type.Optional(WireGuardKey),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const Bundle = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  devices_limit: Type.Integer(),
  sessions_limit: Type.Integer(),
});

export const ClientSubscriber = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  auth_method: Type.String(),
  condition: Type.Integer({ description: '0 enabled, 1 disabled' }),
  extref: Type.String(),
  bundle: Bundle,
  activated_devices: Type.Integer(),
  active_sessions: Type.Integer(),
  carrier_id: Type.String(),
  registration_time: Instant(),
  connection_time: Type.Union([Instant(), Type.Null()]),
});
export type ClientSubscriber = Static<typeof ClientSubscriber>;

export const LoginReply = Ok({
  access_token: Type.String({ description: 'Device access token for the other /user/* calls' }),
  device: Type.Object({ id: Type.Integer(), device_id: Type.String() }),
  subscriber: ClientSubscriber,
});

export const CurrentReply = Ok({ subscriber: ClientSubscriber });

export const Country = Type.Object({ country: CountryCode, servers: Type.Integer() });
export const CountriesReply = Ok({ countries: Type.Array(Country) });

export const Location = Type.Object({
  name: Type.String(),
  country: CountryCode,
  city: Type.String(),
  servers: Type.Integer(),
});
export const LocationsReply = Ok({ locations: Type.Array(Location) });

export const CredentialsQuery = Type.Object(
  {
    country: Type.Optional(CountryCode),
    location: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    public_key: Type.Optional(WireGuardKey),
    type: Type.Optional(Type.Literal('wireguard')),
    access_token: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export type CredentialsQuery = Static<typeof CredentialsQuery>;

export const Server = Type.Object({
  name: Type.String(),
  country: CountryCode,
  location: Type.String(),
  address: Type.String({ description: 'host:port of the node' }),
  public_key: Type.String(),
});

export const CredentialsReply = Ok({
  session_id: Type.Integer(),
  servers: Type.Array(Server),
  client_ip: Type.String({ description: 'Internal (tunnel) address of this session' }),
  create_time: Type.Integer({ description: 'unix seconds' }),
  expire_time: Type.Integer({ description: 'unix seconds; connect before this' }),
  wireguard: Type.Object({
    interface: Type.Object({ address: Type.String(), dns: Type.Array(Type.String()) }),
    peer: Type.Object({
      public_key: Type.String(),
      endpoint: Type.String(),
      allowed_ips: Type.Array(Type.String()),
      persistent_keepalive: Type.Integer(),
    }),
    config: Type.String({ description: 'wg-quick file; replace {PRIVATE_KEY} with the device key' }),
  }),
});

export const RemainingTrafficReply = Ok({
  unlimited: Type.Boolean(),
  traffic_start: Type.Integer({ description: 'unix seconds: start of the current usage period (or last reset)' }),
  traffic_end: Type.Integer({ description: 'unix seconds: when the period ends' }),
  traffic_limit: Int64OrNull(),
  traffic_used: Int64Out(),
  traffic_remaining: Int64OrNull(),
});
