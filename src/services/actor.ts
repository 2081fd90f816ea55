import type { Role } from '../contract/enums.ts';
import { can, type Action } from '../domain/roles.ts';
import { GatehouseError } from '../domain/errors.ts';

/** Who performs an operation: resolved by the HTTP auth layer from a partner token or a member session. */
export interface Actor {
  projectId: string;
  role: Role;
  /** written to the audit log: "partner-api" or "member:<email>" */
  author: string;
}

/** Every service operation starts with this; a role without the action gets FORBIDDEN. */
export const authorize = (actor: Actor, action: Action): void => {
  if (!can(actor.role, action)) {
    throw new GatehouseError('FORBIDDEN', `the ${actor.role} role may not perform ${action}`);
  }
};
