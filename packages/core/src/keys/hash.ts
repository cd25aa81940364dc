// The digests Garner uses: SHA-256 for long keys, credential partitions and default ETags.
// Computed by the runtime's native SHA-256 where one is offered synchronously, and by the pure
// implementation in sha256.ts elsewhere (Workers): the digest is the same either way, so
// processes on different runtimes share keys and ETags.
import { pureSha256, pureSha256Hex128 } from './sha256.js'

interface NativeCrypto {
  createHash(algorithm: 'sha256'): {
    update(text: string): { digest(encoding: 'hex' | 'base64url'): string }
  }
  /** One-shot digest (Node 20.12+, Bun, Deno): no Hash object per call, about 3× cheaper on short texts. */
  hash?(algorithm: 'sha256', text: string, encoding: 'hex' | 'base64url'): string
}

// Stryker disable all: which implementation computes the digest (native, streaming or the pure
// one) changes the speed only: every one gives the same SHA-256 (sha256.test.ts checks the pure
// one against node:crypto, and loads this module without node:crypto).
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

type Digest = (text: string, encoding: 'hex' | 'base64url') => string

/** The fastest SHA-256 the runtime offers; `undefined` where only the pure one runs. */
function nativeDigest(): Digest | undefined {
  const crypto = nativeCrypto()
  if (crypto === undefined) return undefined
  const { hash } = crypto
  if (typeof hash === 'function') return (text, encoding) => hash('sha256', text, encoding)
  return (text, encoding) => crypto.createHash('sha256').update(text).digest(encoding)
}

const native = nativeDigest()
// Stryker restore all

/** SHA-256 of `text` (UTF-8), base64url, 43 characters. */
export function sha256(text: string): string {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the native and the pure SHA-256 give the same digest (sha256.test.ts checks both against the same vectors); the choice only changes the speed
  return native !== undefined ? native(text, 'base64url') : pureSha256(text)
}

/** The first 128 bits of SHA-256 of `text` (UTF-8), hex, 32 characters. */
export function sha256Hex128(text: string): string {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the native and the pure SHA-256 give the same digest (sha256.test.ts checks both against the same vectors); the choice only changes the speed
  return native !== undefined ? native(text, 'hex').slice(0, 32) : pureSha256Hex128(text)
}
