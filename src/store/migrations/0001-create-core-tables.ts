import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/** The first schema: every tenant table carries project_id, and it leads every tenant index. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const withId = <T extends string>(t: CreateTableBuilder<T, never>) =>
    dialect === 'postgres'
      ? t.addColumn('id', 'bigserial', (c) => c.primaryKey())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());

  await db.schema
    .createTable('projects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('private_key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('private_key_enc', 'text', (c) => c.notNull())
    .addColumn('default_license_id', 'bigint')
    .addColumn('default_traffic_limit', 'bigint')
    .addColumn('traffic_period', 'text', (c) => c.notNull().defaultTo('day'))
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('auth', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('projects_type', sql`type in ('public', 'private')`)
    .addCheckConstraint('projects_period', sql`traffic_period in ('day', 'month')`)
    .addCheckConstraint('projects_id_slug', sql`length(id) between 1 and 64`)
    .execute();

  await withId(db.schema.createTable('licenses'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('devices_limit', 'integer', (c) => c.notNull())
    .addColumn('sessions_limit', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('licenses_project_name', ['project_id', 'name'])
    .addCheckConstraint('licenses_limits', sql`devices_limit >= 0 and sessions_limit >= 0`)
    .execute();

  await withId(db.schema.createTable('users'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('auth_method', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('license_id', 'bigint', (c) => c.notNull().references('licenses.id'))
    .addColumn('traffic_limit', 'bigint')
    .addColumn('traffic_epoch', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('traffic_reset_at', 'bigint')
    .addColumn('extref', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('country', 'text')
    .addColumn('registered_at', 'bigint', (c) => c.notNull())
    .addColumn('last_connection_at', 'bigint')
    .addUniqueConstraint('users_project_name', ['project_id', 'name'])
    .addCheckConstraint('users_status', sql`status in ('invited', 'active', 'disabled')`)
    .addCheckConstraint('users_traffic_limit', sql`traffic_limit is null or traffic_limit >= 0`)
    .execute();
  await db.schema.createIndex('users_project_id').on('users').columns(['project_id', 'id']).execute();
  await db.schema.createIndex('users_project_extref').on('users').columns(['project_id', 'extref']).execute();

  await withId(db.schema.createTable('devices'))
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.unique())
    .addColumn('token_enc', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text')
    .addColumn('registered_at', 'bigint', (c) => c.notNull())
    .addColumn('last_connection_at', 'bigint')
    .addUniqueConstraint('devices_user_device', ['user_id', 'device_id'])
    .execute();
  await db.schema.createIndex('devices_project_device').on('devices').columns(['project_id', 'device_id']).execute();

  await withId(db.schema.createTable('nodes'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('city', 'text', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('pool_cidr', 'text', (c) => c.notNull())
    .addColumn('dns', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('capacity', 'integer', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('last_sync_at', 'bigint')
    .addColumn('agent_version', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('nodes_project_name', ['project_id', 'name'])
    .execute();

  await withId(db.schema.createTable('sessions'))
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('device_id', 'bigint', (c) => c.notNull())
    .addColumn('device_name', 'text', (c) => c.notNull())
    .addColumn('node_id', 'bigint', (c) => c.notNull().references('nodes.id'))
    .addColumn('server', 'text', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('internal_ip', 'text', (c) => c.notNull())
    .addColumn('ip_key', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('last_activity_at', 'bigint')
    .addColumn('end_reason', 'text')
    .addColumn('cut_reason', 'text')
    .addColumn('download', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('upload', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('base_down', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('base_up', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('counter_epoch', 'bigint', (c) => c.notNull().defaultTo(-1))
    .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addCheckConstraint('sessions_status', sql`status in ('pending', 'active', 'ended')`)
    .addCheckConstraint('sessions_bytes', sql`download >= 0 and upload >= 0 and base_down <= download and base_up <= upload`)
    .addCheckConstraint('sessions_times', sql`ended_at is null or started_at is null or ended_at >= started_at`)
    .execute();
  await db.schema.createIndex('sessions_user_started').on('sessions').columns(['user_id', 'started_at']).execute();
  await db.schema.createIndex('sessions_node_status').on('sessions').columns(['node_id', 'status']).execute();
  await db.schema
    .createIndex('sessions_project_active')
    .on('sessions')
    .columns(['project_id', 'status', 'started_at'])
    .execute();
  await db.schema
    .createIndex('sessions_node_ip_live')
    .on('sessions')
    .columns(['node_id', 'ip_key'])
    .unique()
    .where(sql.ref('status'), '<>', 'ended')
    .execute();
  if (dialect === 'postgres') {
    // Live sessions are rewritten every sync: leave room on each page so the updates stay HOT
    // (at fillfactor 100 only ~6% were, and every update inserted into all six indexes).
    await sql`ALTER TABLE sessions SET (fillfactor = 70)`.execute(db);
  }

  // Cut orders for sessions whose rows are gone (user deleted): kept until the node confirms the end.
  await db.schema
    .createTable('session_tombstones')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('node_id', 'bigint', (c) => c.notNull().references('nodes.id').onDelete('cascade'))
    .addColumn('session_id', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('session_tombstones_pk', ['node_id', 'session_id'])
    .execute();

  await db.schema
    .createTable('traffic_usage')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('period_start', 'text', (c) => c.notNull())
    .addColumn('epoch', 'integer', (c) => c.notNull())
    .addColumn('download', 'bigint', (c) => c.notNull())
    .addColumn('upload', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('traffic_usage_pk', ['user_id', 'period_start', 'epoch'])
    .execute();

  await db.schema
    .createTable('traffic_daily')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('download', 'bigint', (c) => c.notNull())
    .addColumn('upload', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('traffic_daily_pk', ['user_id', 'day'])
    .execute();
  if (dialect === 'postgres') {
    await sql`ALTER TABLE traffic_usage SET (fillfactor = 70)`.execute(db);
    await sql`ALTER TABLE traffic_daily SET (fillfactor = 70)`.execute(db);
  }

  await withId(db.schema.createTable('purchases'))
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('transaction_time', 'bigint')
    .addColumn('expiration_time', 'bigint')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('trial', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('environment', 'text', (c) => c.notNull().defaultTo('production'))
    .addColumn('raw_data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('last_verified_at', 'bigint')
    .addColumn('verify_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('purchases_project_tx', ['project_id', 'type', 'transaction_id'])
    .execute();
  await db.schema.createIndex('purchases_user').on('purchases').columns(['user_id', 'active']).execute();

  await withId(db.schema.createTable('members'))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('is_superadmin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('member_roles')
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('member_roles_pk', ['member_id', 'project_id'])
    .addCheckConstraint('member_roles_role', sql`role in ('owner', 'admin', 'support')`)
    .execute();
  await db.schema
    .createTable('member_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await withId(db.schema.createTable('audit_log'))
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .execute();
  await db.schema.createIndex('audit_project_id').on('audit_log').columns(['project_id', 'id']).execute();

  await db.schema
    .createTable('job_locks')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('until', 'bigint', (c) => c.notNull())
    .execute();
}
