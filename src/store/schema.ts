/**
 * Row types of every table: the one shape of each row (no entity/DTO copies). Instants are unix
 * milliseconds in BIGINT columns; byte counters are BIGINT. Drivers return BIGINT as bigint (see db.ts).
 */
import type { Generated } from 'kysely';

type Big = bigint;
type Int = number | bigint;

export interface ProjectRow {
  id: string;
  name: string;
  description: string;
  type: 'public' | 'private';
  private_key_hash: string;
  private_key_enc: string;
  default_license_id: Big | null;
  default_traffic_limit: Big | null;
  traffic_period: 'day' | 'month';
  time_zone: string;
  /** JSON: AuthSettings */
  auth: string;
  created_at: Big;
}

export interface LicenseRow {
  id: Generated<Big>;
  project_id: string;
  name: string;
  devices_limit: Int;
  sessions_limit: Int;
  created_at: Big;
}

export interface UserRow {
  id: Generated<Big>;
  project_id: string;
  name: string;
  auth_method: string;
  status: 'invited' | 'active' | 'disabled';
  license_id: Big;
  traffic_limit: Big | null;
  /** incremented by every operator traffic reset; usage rows of older epochs no longer count */
  traffic_epoch: Int;
  traffic_reset_at: Big | null;
  extref: string;
  description: string;
  country: string | null;
  registered_at: Big;
  last_connection_at: Big | null;
}

export interface DeviceRow {
  id: Generated<Big>;
  project_id: string;
  user_id: Big;
  device_id: string;
  token_hash: string | null;
  token_enc: string | null;
  name: string;
  type: string;
  public_key: string | null;
  registered_at: Big;
  last_connection_at: Big | null;
}

export interface NodeRow {
  id: Generated<Big>;
  project_id: string;
  name: string;
  country: string;
  city: string;
  location: string;
  endpoint: string;
  public_key: string;
  pool_cidr: string;
  dns: string;
  capacity: Int;
  token_hash: string;
  last_sync_at: Big | null;
  agent_version: string | null;
  created_at: Big;
}

export interface SessionRow {
  id: Generated<Big>;
  project_id: string;
  user_id: Big;
  device_id: Big;
  device_name: string;
  node_id: Big;
  server: string;
  location: string;
  public_key: string;
  internal_ip: string;
  /** 32 hex digits of the IPv6(-mapped) address: sorts in address order */
  ip_key: string;
  status: 'pending' | 'active' | 'ended';
  created_at: Big;
  expires_at: Big;
  started_at: Big | null;
  ended_at: Big | null;
  /** the last instant the node saw bytes move (or the start): where a lost session ends */
  last_activity_at: Big | null;
  end_reason: string | null;
  /** set when the platform wants the node to cut the session; cleared never */
  cut_reason: string | null;
  download: Big;
  upload: Big;
  /** totals at the start of the current counter epoch */
  base_down: Big;
  base_up: Big;
  counter_epoch: Big;
  last_seq: Big;
}

export interface TombstoneRow {
  project_id: string;
  node_id: Big;
  session_id: Big;
  reason: string;
  created_at: Big;
}

export interface UsageRow {
  project_id: string;
  user_id: Big;
  /** local date (project time zone) on which the period starts, YYYY-MM-DD */
  period_start: string;
  epoch: Int;
  download: Big;
  upload: Big;
}

export interface DailyTrafficRow {
  project_id: string;
  user_id: Big;
  day: string;
  download: Big;
  upload: Big;
}

export interface PurchaseRow {
  id: Generated<Big>;
  project_id: string;
  user_id: Big;
  type: string;
  transaction_id: string;
  product_id: string;
  transaction_time: Big | null;
  expiration_time: Big | null;
  active: Int;
  trial: Int;
  environment: string;
  raw_data: string;
  last_verified_at: Big | null;
  verify_error: string | null;
  created_at: Big;
  /** when the re-verification job next checks this purchase; null = never (inactive for good) */
  next_verify_at: Generated<Big | null>;
  /** consecutive store outages met while verifying (drives the backoff) */
  verify_attempts: Generated<Int>;
  /** Google: the linkedPurchaseToken this purchase replaces */
  linked_transaction_id: Generated<string | null>;
  /** the purchase that replaced this one (Google linked tokens); it never counts again */
  replaced_by: Generated<Big | null>;
  /** 1 when an operator deactivated it: only an explicit activation (operator or app) revives it */
  manual_off: Generated<Int>;
  /** signedDate of the newest store statement applied (Apple), to drop out-of-order notifications */
  store_signed_at: Generated<Big | null>;
}

export interface StoreSettingsRow {
  project_id: string;
  /** SecretBox-sealed JSON: AppleSettings */
  apple_enc: string | null;
  /** SecretBox-sealed JSON: GoogleSettings */
  google_enc: string | null;
  updated_at: Big;
}

export interface PurchaseProductRow {
  project_id: string;
  product_id: string;
  /** null = the user's license stays as it is */
  license_id: Big | null;
  /** null = unlimited */
  traffic_limit: Big | null;
}

export interface StoreNotificationRow {
  project_id: string;
  source: 'apple' | 'google';
  /** Apple notificationUUID or Pub/Sub messageId */
  notification_id: string;
  received_at: Big;
  outcome: string;
}

export interface MemberRow {
  id: Generated<Big>;
  email: string;
  password_hash: string;
  /** the installation's first owner: owner of every project */
  is_superadmin: Int;
  created_at: Big;
}

export interface MemberRoleRow {
  member_id: Big;
  project_id: string;
  role: 'owner' | 'admin' | 'support';
}

export interface MemberSessionRow {
  token_hash: string;
  member_id: Big;
  csrf_token: string;
  created_at: Big;
  expires_at: Big;
}

export interface AuditRow {
  id: Generated<Big>;
  project_id: string;
  at: Big;
  author: string;
  action: string;
  object_type: string;
  object_id: string;
  before: string | null;
  after: string | null;
}

export interface JobLockRow {
  name: string;
  holder: string;
  until: Big;
}

export interface DB {
  projects: ProjectRow;
  licenses: LicenseRow;
  users: UserRow;
  devices: DeviceRow;
  nodes: NodeRow;
  sessions: SessionRow;
  session_tombstones: TombstoneRow;
  traffic_usage: UsageRow;
  traffic_daily: DailyTrafficRow;
  purchases: PurchaseRow;
  store_settings: StoreSettingsRow;
  purchase_products: PurchaseProductRow;
  store_notifications: StoreNotificationRow;
  members: MemberRow;
  member_roles: MemberRoleRow;
  member_sessions: MemberSessionRow;
  audit_log: AuditRow;
  job_locks: JobLockRow;
}
