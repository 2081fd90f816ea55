/**
 * Firebase ID tokens: RS256 JWTs whose keys Google publishes as a JWK set. The URL is configuration so
 * that tests serve their own key set; jose caches and refreshes the keys.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';

export class FirebaseVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  constructor(url: string) {
    this.jwks = createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, timeoutDuration: 5_000 });
  }

  /** The Firebase user id (`sub`) of a valid token for this Firebase project, or null. */
  async verify(token: string, firebaseProjectId: string, nowMs: number): Promise<string | null> {
    try {
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: `https://securetoken.google.com/${firebaseProjectId}`,
        audience: firebaseProjectId,
        algorithms: ['RS256'],
        currentDate: new Date(nowMs),
      });
      return typeof payload.sub === 'string' && payload.sub.length > 0 && payload.sub.length <= 128 ? payload.sub : null;
    } catch {
      return null;
    }
  }
}
