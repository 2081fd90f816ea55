import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * In-app purchases (issue 5): the verification schedule and store linkage on `purchases`, per-project
 * store settings (sealed with the server key), the product -> license/traffic mapping, and the
 * store notifications already processed (idempotency for Apple's notificationUUID and Pub/Sub's
 * messageId).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  // SQLite adds one column per ALTER TABLE.
  const columns: Array<[string, 'bigint' | 'integer' | 'text', boolean]> = [
    ['next_verify_at', 'bigint', false],
    ['verify_attempts', 'integer', true],
    ['linked_transaction_id', 'text', false],
    ['replaced_by', 'bigint', false],
    ['manual_off', 'integer', true],
    ['store_signed_at', 'bigint', false],
  ];
  for (const [name, type, zero] of columns) {
    await db.schema
      .alterTable('purchases')
      .addColumn(name, type, (c) => (zero ? c.notNull().defaultTo(0) : c))
      .execute();
  }
  await db.schema.createIndex('purchases_next_verify').on('purchases').column('next_verify_at').execute();
  await db.schema
    .createIndex('purchases_linked')
    .on('purchases')
    .columns(['project_id', 'type', 'linked_transaction_id'])
    .execute();

  await db.schema
    .createTable('store_settings')
    .addColumn('project_id', 'text', (c) => c.primaryKey().references('projects.id').onDelete('cascade'))
    .addColumn('apple_enc', 'text')
    .addColumn('google_enc', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('purchase_products')
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('license_id', 'bigint', (c) => c.references('licenses.id').onDelete('set null'))
    .addColumn('traffic_limit', 'bigint')
    .addPrimaryKeyConstraint('purchase_products_pk', ['project_id', 'product_id'])
    .addCheckConstraint('purchase_products_traffic_limit', sql`traffic_limit is null or traffic_limit >= 0`)
    .execute();

  await db.schema
    .createTable('store_notifications')
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('notification_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('store_notifications_pk', ['project_id', 'source', 'notification_id'])
    .addCheckConstraint('store_notifications_source', sql`source in ('apple', 'google')`)
    .execute();
  await db.schema.createIndex('store_notifications_received').on('store_notifications').column('received_at').execute();
}
