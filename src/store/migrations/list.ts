import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';
import * as m0001 from './0001-create-core-tables.ts';
import * as m0002 from './0002-add-store-purchases.ts';

/** Every migration, in order, listed statically so that bundling and tests see the same set. */
export const MIGRATIONS: ReadonlyArray<[string, (db: Kysely<unknown>, dialect: Dialect) => Promise<void>]> = [
  ['0001-create-core-tables', m0001.up],
  ['0002-add-store-purchases', m0002.up],
];
