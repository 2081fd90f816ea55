/** Console-only operations (sign-in); the project operations are the partner ones (contract/partner.ts). */
import { Type, type Static } from 'typebox';
import { Int64In, Ok } from './common.ts';
import { ProjectTypeSchema, RoleSchema, TrafficPeriodSchema } from './enums.ts';

export const SignInBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const ConsoleProject = Type.Object({ id: Type.String(), name: Type.String(), type: ProjectTypeSchema, role: RoleSchema });
export type ConsoleProject = Static<typeof ConsoleProject>;

export const SessionReply = Ok({
  member: Type.Object({
    id: Type.Integer(),
    email: Type.String(),
    installation_owner: Type.Boolean({ description: 'owner of every project; may create projects' }),
  }),
  csrf_token: Type.String(),
  projects: Type.Array(ConsoleProject),
});
export type SessionReply = Static<typeof SessionReply>;

export const ProjectCreateBody = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'Project id ("carrier"): Latin letters, digits, - and _; cannot change later' }),
    name: Type.String({ minLength: 1, maxLength: 128 }),
    type: ProjectTypeSchema,
    time_zone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone of traffic periods' })),
    traffic_period: Type.Optional(TrafficPeriodSchema),
    default_traffic_limit: Type.Optional(Type.Union([Int64In({ description: 'bytes per period' }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type ProjectCreateBody = Static<typeof ProjectCreateBody>;

export const ProjectCreateReply = Ok({
  project: ConsoleProject,
  private_key: Type.String({ description: 'the partner API password; shown only now' }),
});
export type ProjectCreateReply = Static<typeof ProjectCreateReply>;
