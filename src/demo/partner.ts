/** The operator's side of the demo: the real partner API, signed in with the project's private key. */
import type { DemoHttp, Res } from './http.ts';

export class DemoPartner {
  private token: string | null = null;

  constructor(
    private readonly http: DemoHttp,
    private readonly login: string,
    private readonly privateKey: string,
  ) {}

  private async signIn(): Promise<void> {
    const r = await this.http.reqPatient('POST', '/partner/login', { body: { login: this.login, password: this.privateKey } });
    if (r.status !== 200) throw new Error(`partner login failed: ${r.status} ${JSON.stringify(r.body)}`);
    this.token = r.body.access_token as string;
  }

  /** A partner call; signs in (again) when there is no token or it expired. */
  async call(method: string, path: string, body?: unknown): Promise<Res> {
    if (!this.token) await this.signIn();
    let r = await this.http.req(method, `/partner${path}`, { body, token: this.token });
    if (r.status === 401) {
      await this.signIn();
      r = await this.http.req(method, `/partner${path}`, { body, token: this.token });
    }
    return r;
  }

  /** Creates an invited user; an existing one (a re-run) is looked up by name instead. */
  async invite(body: Record<string, unknown>): Promise<{ id: number; status: string; created: boolean } | null> {
    const r = await this.call('POST', '/subscribers', body);
    if (r.status === 200) return { id: r.body.subscriber.id as number, status: 'invited', created: true };
    if (r.body?.result !== 'USER_ALREADY_EXISTS') {
      console.warn(`demo: could not invite ${String(body.external_id)}: ${r.status} ${r.body?.error ?? ''}`);
      return null;
    }
    const found = await this.findByName(`${String(body.auth_method)}_${String(body.external_id)}`);
    return found && { ...found, created: false };
  }

  async findByName(name: string): Promise<{ id: number; status: string } | null> {
    const r = await this.call('GET', `/subscribers?search_by=name&q=${encodeURIComponent(name)}&limit=5`);
    const hit = (r.body?.subscribers as Array<{ id: number; name: string; status: string }> | undefined)?.find((s) => s.name === name);
    return hit ? { id: hit.id, status: hit.status } : null;
  }

  async setStatus(userId: number, status: 'active' | 'disabled'): Promise<boolean> {
    const r = await this.call('PUT', `/subscribers/${userId}`, { status });
    return r.status === 200;
  }
}
