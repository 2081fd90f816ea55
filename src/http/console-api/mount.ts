/** Console routes and the console's static files; filled in by the console issue. */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';

export const consolePlugins = (_ctx: AppContext): Array<(app: FastifyInstance) => Promise<void>> => [];
