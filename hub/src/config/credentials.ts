import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto'

/**
 * Credentials. People's passwords are stretched with scrypt (they are guessable);
 * device and gateway secrets are 128-bit random tokens the hub generates, so a salted
 * SHA-256 is enough to keep them unrecoverable and lets thousands of devices reconnect at
 * once. Every comparison is constant-time.
 */

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const

function scrypt(password: BinaryLike, salt: BinaryLike, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)))
  })
}

/** `scrypt$N$r$p$salt$hash`, salt and hash base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 64 * 1024 * 1024 })
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [, n, r, p, saltB64, hashB64] = parts as [string, string, string, string, string, string]
  const expected = Buffer.from(hashB64, 'base64')
  const key = await scrypt(password, Buffer.from(saltB64, 'base64'), expected.length, {
    N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024,
  })
  return key.length === expected.length && timingSafeEqual(key, expected)
}

/** A new device or gateway secret: 128 random bits, base64url (22 characters). */
export function generateSecret(): string {
  return randomBytes(16).toString('base64url')
}

/** `sha256$salt$hash`, salt and hash base64. */
export function hashSecret(secret: string): string {
  const salt = randomBytes(12)
  const digest = createHash('sha256').update(salt).update(secret, 'utf8').digest()
  return `sha256$${salt.toString('base64')}$${digest.toString('base64')}`
}

export function verifySecret(secret: string | Buffer, stored: string | undefined): boolean {
  if (!stored) return false
  const parts = stored.split('$')
  if (parts.length !== 3 || parts[0] !== 'sha256') return false
  const expected = Buffer.from(parts[2]!, 'base64')
  const digest = createHash('sha256').update(Buffer.from(parts[1]!, 'base64')).update(secret).digest()
  return digest.length === expected.length && timingSafeEqual(digest, expected)
}
