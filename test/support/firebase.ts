/** A stand-in for Google's Firebase key set: tests sign ID tokens with their own RSA key and serve its JWKS. */
import { createServer, type Server } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

export interface FakeFirebase {
  jwksUrl: string;
  /** an ID token for `uid` in Firebase project `projectId` */
  token(uid: string, projectId: string, opts?: { expSeconds?: number; nowMs?: number }): Promise<string>;
  close(): Promise<void>;
}

export const startFakeFirebase = async (): Promise<FakeFirebase> => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    jwksUrl: `http://127.0.0.1:${port}/jwks`,
    token: (uid, projectId, opts = {}) => {
      const iat = Math.floor((opts.nowMs ?? Date.now()) / 1000);
      return new SignJWT({ auth_time: iat })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .setIssuer(`https://securetoken.google.com/${projectId}`)
        .setAudience(projectId)
        .setSubject(uid)
        .setIssuedAt(iat)
        .setExpirationTime(iat + (opts.expSeconds ?? 3600))
        .sign(privateKey);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
};
