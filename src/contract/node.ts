/**
 * Node API (SPEC §3.3): the agent pushes one sync = heartbeat + session events + cumulative counters,
 * and gets back the desired state. Byte fields are named from the device's side:
 * download = what the node sent to the device (WireGuard transfer-tx), upload = transfer-rx.
 */
import { Type, type Static } from 'typebox';
import { Int64In } from './common.ts';
import { WireGuardKey } from './client.ts';

const SessionId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const At = Type.Integer({
  minimum: 0,
  maximum: 8_640_000_000_000_000,
  description: 'unix milliseconds at which the agent observed it',
});

export const SessionEvent = Type.Object(
  {
    type: Type.Union([Type.Literal('start'), Type.Literal('end')]),
    session_id: SessionId,
    at: At,
  },
  { additionalProperties: false },
);
export type SessionEvent = Static<typeof SessionEvent>;

export const CounterReport = Type.Object(
  {
    session_id: SessionId,
    epoch: Type.Integer({
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'Counter epoch: the agent starts a new one whenever the peer or interface counters restart from 0',
    }),
    seq: Type.Integer({
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'Per-session sequence number, increasing with every report of that session',
    }),
    download: Int64In({ description: 'cumulative bytes sent to the device in this epoch' }),
    upload: Int64In({ description: 'cumulative bytes received from the device in this epoch' }),
    at: At,
  },
  { additionalProperties: false },
);
export type CounterReport = Static<typeof CounterReport>;

export const SyncBody = Type.Object(
  {
    agent_version: Type.Optional(Type.String({ maxLength: 64 })),
    public_key: Type.Optional(WireGuardKey),
    events: Type.Array(SessionEvent, { maxItems: 20_000 }),
    counters: Type.Array(CounterReport, { maxItems: 20_000 }),
  },
  { additionalProperties: false },
);
export type SyncBody = Static<typeof SyncBody>;

export const DesiredPeer = Type.Object({
  session_id: Type.Integer(),
  public_key: Type.String(),
  internal_ip: Type.String(),
});
export type DesiredPeer = Static<typeof DesiredPeer>;

export const CutOrder = Type.Object({ session_id: Type.Integer(), reason: Type.String() });
export type CutOrder = Static<typeof CutOrder>;

export const SyncReply = Type.Object({
  result: Type.Literal('OK'),
  now: Type.Integer({ description: 'platform time, unix ms' }),
  sync_interval: Type.Integer({ description: 'seconds until the next sync' }),
  applied_counters: Type.Integer(),
  ignored_counters: Type.Integer({ description: 'duplicates, stale sequence numbers, unknown sessions' }),
  peers: Type.Array(DesiredPeer),
  cut: Type.Array(CutOrder),
});
export type SyncReply = Static<typeof SyncReply>;
