/** Console-only operations (sign-in); the project operations are the partner ones (contract/partner.ts). */
import { Type, type Static } from 'typebox';
import { Ok } from './common.ts';
import { ProjectTypeSchema, RoleSchema } from './enums.ts';

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
  member: Type.Object({ id: Type.Integer(), email: Type.String() }),
  csrf_token: Type.String(),
  projects: Type.Array(ConsoleProject),
});
export type SessionReply = Static<typeof SessionReply>;
