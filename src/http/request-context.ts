/** What the auth hooks attach to a request. */
import type { Device } from '../store/devices.ts';
import type { Node } from '../store/nodes.ts';
import type { Actor } from '../services/actor.ts';

declare module 'fastify' {
  interface FastifyRequest {
    device: Device | null;
    node: Node | null;
    actor: Actor | null;
  }
}

export const requireDevice = (d: Device | null): Device => {
  if (!d) throw new Error('device auth hook did not run');
  return d;
};
export const requireNode = (n: Node | null): Node => {
  if (!n) throw new Error('node auth hook did not run');
  return n;
};
export const requireActor = (a: Actor | null): Actor => {
  if (!a) throw new Error('actor auth hook did not run');
  return a;
};
