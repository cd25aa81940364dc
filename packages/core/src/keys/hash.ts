// The digests Garner uses: SHA-256 for long keys, credential partitions and default ETags.
// Computed by the pure implementation in sha256.ts on every runtime, and by the runtime's native
// one for long texts where a synchronous one is offered: the digest is the same either way, so
// processes on different runtimes share keys and ETags.
import { pureSha256, pureSha256Hex128 } from './sha256.js'

interface NativeCrypto {
  createHash(algorithm: 'sha256'): {
    update(text: string): { digest(encoding: 'hex' | 'base64url'): string }
  }
}

/**
 * `node:crypto` when the runtime hands it out without an import (Node 20.16+, Bun and Deno through
 * `process.getBuiltinModule`); `undefined` elsewhere (Workers). Never imported: core loads the
 * same everywhere and bundlers see no Node built-in.
 */
function nativeCrypto(): NativeCrypto | undefined {
  const runtime = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
  try {
    const crypto = runtime.process?.getBuiltinModule?.('node:crypto') as NativeCrypto | undefined
    return typeof crypto?.createHash === 'function' ? crypto : undefined
  } catch {
    return undefined
  }
}

const native = nativeCrypto()
// Below this many characters the pure digest is faster than a native call (whose fixed cost is a
// few microseconds on Node): short credential digests; above it, native hashing wins, more and
// more with length (bench:digests measures both).
const NATIVE_FROM_CHARS = 128

/** SHA-256 of `text` (UTF-8), base64url, 43 characters. */
export function sha256(text: string): string {
  return native !== undefined && text.length >= NATIVE_FROM_CHARS
    ? native.createHash('sha256').update(text).digest('base64url')
    : pureSha256(text)
}

/** The first 128 bits of SHA-256 of `text` (UTF-8), hex, 32 characters. */
export function sha256Hex128(text: string): string {
  return native !== undefined && text.length >= NATIVE_FROM_CHARS
    ? native.createHash('sha256').update(text).digest('hex').slice(0, 32)
    : pureSha256Hex128(text)
}
