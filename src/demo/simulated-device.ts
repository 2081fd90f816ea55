/**
 * A simulated app install: it logs in over the real client API (POST /user/login) and asks for
 * WireGuard credentials (GET /user/credentials) with its own x25519 public key.
 */
import type { DeviceType } from '../contract/enums.ts';
import type { DemoHttp } from './http.ts';
import type { FirebaseIssuer } from './firebase.ts';
import { DEMO_PROJECT, wgPublicKey } from './setup.ts';

export interface SimUser {
  authMethod: 'anonymous' | 'firebase';
  /** device id (anonymous) or Firebase uid */
  externalId: string;
  /** platform user id, once known */
  id: number | null;
  status: 'planned' | 'invited' | 'active' | 'disabled';
  /** created by the operator through the partner API before its first login */
  invite: Record<string, unknown> | null;
  /** an invited user that never installs the app */
  neverLogsIn: boolean;
  /** streams fast enough to reach the daily limit */
  heavy: boolean;
  disableAtStart: boolean;
  devices: SimDevice[];
}

export type CredentialsResult = { ok: true; sessionId: number; server: string } | { ok: false; code: string };

export class SimDevice {
  token: string | null = null;
  platformId: number | null = null;
  readonly publicKey = wgPublicKey();
  /** a session is being set up or is up */
  busy = false;
  /** do not try to connect before this instant (limits, suspension) */
  blockedUntil = 0;

  constructor(
    readonly user: SimUser,
    readonly deviceId: string,
    readonly type: DeviceType,
    readonly name: string,
    readonly sourceAddress: string,
  ) {}

  /** Logs in; returns the result code ('OK' on success). */
  async login(http: DemoHttp, firebase: FirebaseIssuer): Promise<string> {
    const body = {
      auth_method: this.user.authMethod,
      device_id: this.deviceId,
      device_type: this.type,
      device_name: this.name,
      carrier_id: DEMO_PROJECT,
      public_key: this.publicKey,
      ...(this.user.authMethod === 'firebase' ? { access_token: await firebase.idToken(this.user.externalId) } : {}),
    };
    const r = await http.reqPatient('POST', '/user/login', { body, localAddress: this.sourceAddress });
    if (r.status !== 200) {
      if (r.body?.result === 'USER_SUSPENDED') this.user.status = 'disabled';
      return String(r.body?.result ?? r.status);
    }
    this.token = r.body.access_token as string;
    this.platformId = r.body.device.id as number;
    this.user.id = r.body.subscriber.id as number;
    this.user.status = r.body.subscriber.condition === 1 ? 'disabled' : 'active';
    return 'OK';
  }

  async credentials(http: DemoHttp, country: string | null): Promise<CredentialsResult> {
    if (!this.token) return { ok: false, code: 'NOT_AUTHORIZED' };
    const q = new URLSearchParams({ public_key: this.publicKey, type: 'wireguard', ...(country ? { country } : {}) });
    const r = await http.req('GET', `/user/credentials?${q}`, { token: this.token, localAddress: this.sourceAddress });
    if (r.status === 200) return { ok: true, sessionId: r.body.session_id as number, server: r.body.servers[0].name as string };
    const code = String(r.body?.result ?? r.status);
    if (code === 'NOT_AUTHORIZED') this.token = null;
    if (code === 'USER_SUSPENDED') this.user.status = 'disabled';
    return { ok: false, code };
  }
}
