import type { FastifyRequest } from 'fastify';

/** The bearer token of a request: `Authorization: Bearer <t>`, or `?access_token=<t>` as the reference SDKs send it. */
export const bearerToken = (req: FastifyRequest, allowQuery: boolean): string | null => {
  const h = req.headers.authorization;
  if (h) {
    const m = /^Bearer\s+(\S{8,1024})$/i.exec(h);
    return m ? m[1]! : null;
  }
  if (allowQuery) {
    const q = (req.query as Record<string, unknown> | undefined)?.access_token;
    if (typeof q === 'string' && q.length >= 8 && q.length <= 1024) return q;
  }
  return null;
};
