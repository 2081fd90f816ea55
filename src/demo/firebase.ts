/**
 * A stand-in for Firebase Authentication: an RSA key made at start-up, its JWK set served on
 * 127.0.0.1 (the server's firebaseJwksUrl points here), and ID tokens signed like Firebase's.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

export const DEMO_FIREBASE_PROJECT = 'gatehouse-demo';

export interface FirebaseIssuer {
  jwksUrl: string;
  /** a Firebase ID token for this user id, valid for an hour */
  idToken(uid: string): Promise<string>;
  close(): Promise<void>;
}

export const startFirebaseIssuer = async (): Promise<FirebaseIssuer> => {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `demo-${Date.now().toString(36)}`;
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] });
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' });
    res.end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    idToken: (uid) =>
      new SignJWT({ firebase: { sign_in_provider: 'password' } })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(`https://securetoken.google.com/${DEMO_FIREBASE_PROJECT}`)
        .setAudience(DEMO_FIREBASE_PROJECT)
        .setSubject(uid)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
