/**
 * Secrets at rest: tokens are stored as a SHA-256 hash for look-up (a leaked dump cannot be replayed)
 * and, where the console must show them, as an AES-256-GCM ciphertext under the server key.
 * Passwords use argon2id.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import argon2 from 'argon2';

export const randomToken = (prefix: string, bytes = 32): string =>
  `${prefix}_${randomBytes(bytes).toString('base64url')}`;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

export const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export class SecretBox {
  private readonly key: Buffer;
  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the server secret must be 32 bytes');
    this.key = key;
  }
  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return `v1.${iv.toString('base64url')}.${body.toString('base64url')}.${c.getAuthTag().toString('base64url')}`;
  }
  decrypt(box: string): string {
    const [v, iv, body, tag] = box.split('.');
    if (v !== 'v1' || !iv || !body || !tag) throw new Error('not a sealed secret');
    const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
  }
  /** A sub-key for another purpose (JWT signing, cookies), so one leaked use does not reveal the others. */
  derive(purpose: string): Uint8Array {
    return createHash('sha256').update(this.key).update(purpose).digest();
  }
}

export const hashPassword = (password: string): Promise<string> =>
  argon2.hash(password, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });

export const verifyPassword = async (hash: string, password: string): Promise<boolean> => {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
};
