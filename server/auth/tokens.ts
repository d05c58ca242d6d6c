import { createHash, randomBytes } from 'node:crypto';

/** A random secret for a cookie or an invite link (256 bits, URL-safe). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What we store instead of the secret itself. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
