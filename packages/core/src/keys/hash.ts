// The digests Garner uses: for long keys and for default ETags. Neither is on a cache hit's path.
import { createHash } from 'node:crypto'

/** SHA-256 of `text` (UTF-8), base64url, 43 characters. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url')
}

/** The first 128 bits of SHA-256 of `text`, hex, 32 characters. */
export function sha256Hex128(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32)
}
