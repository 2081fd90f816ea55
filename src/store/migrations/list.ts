import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';
import * as m0001 from './0001-create-core-tables.ts';

/** Every migration, in order, listed statically so that bundling and tests see the same set. */
export const MIGRATIONS: ReadonlyArray<[string, (db: Kysely<unknown>, dialect: Dialect) => Promise<void>]> = [
  ['0001-create-core-tables', m0001.up],
];
