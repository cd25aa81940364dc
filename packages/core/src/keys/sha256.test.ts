// The digests Garner computes without node:crypto agree with node:crypto's SHA-256 on every input,
// so keys and ETags are the same whichever runtime (or code path) computed them.
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { sha256, sha256Hex128 } from './hash.js'
import { base64url, pureSha256, pureSha256Hex128 } from './sha256.js'
import { utf8Length } from './utf8.js'

const nodeSha256 = (text: string): string => createHash('sha256').update(text).digest('base64url')
const nodeHex128 = (text: string): string =>
  createHash('sha256').update(text).digest('hex').slice(0, 32)

// Texts whose UTF-8 lengths sit on SHA-256's padding boundaries (55/56 and 119/120 bytes), on
// the encoder's scratch limit, and texts with lone surrogates (encoded as U+FFFD).
const EDGES = [
  '',
  'abc',
  'x'.repeat(55),
  'x'.repeat(56),
  'x'.repeat(63),
  'x'.repeat(64),
  'x'.repeat(119),
  'x'.repeat(120),
  'é'.repeat(28),
  '😀'.repeat(14),
  'x'.repeat(127),
  'x'.repeat(128),
  'y'.repeat(16 * 1024),
  'y'.repeat(16 * 1024 + 1),
  '✓'.repeat(200_000),
  '\ud800',
  'a\udc00b',
  '\ud83d\ude00\ud83d',
]

describe('SHA-256 without node:crypto', () => {
  it('matches the FIPS 180-4 test vectors', () => {
    expect(pureSha256Hex128('abc')).toBe('ba7816bf8f01cfea414140de5dae2223')
    expect(pureSha256Hex128('')).toBe('e3b0c44298fc1c149afbf4c8996fb924')
    expect(pureSha256Hex128('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039',
    )
  })

  it('agrees with node:crypto on block boundaries, long texts and lone surrogates', () => {
    for (const text of EDGES) {
      expect(pureSha256(text), `length ${text.length}`).toBe(nodeSha256(text))
      expect(pureSha256Hex128(text), `length ${text.length}`).toBe(nodeHex128(text))
      expect(sha256(text), `length ${text.length}`).toBe(nodeSha256(text))
      expect(sha256Hex128(text), `length ${text.length}`).toBe(nodeHex128(text))
      expect(utf8Length(text), `length ${text.length}`).toBe(Buffer.byteLength(text))
    }
  })

  it('agrees with node:crypto on a text of 2 MiB and more, whose length in bits needs a fourth byte', () => {
    const text = 'ab'.repeat(1024 * 1024 + 3)
    expect(pureSha256(text)).toBe(nodeSha256(text))
  })

  // The pure digest of 300 texts takes about 2 s alone, and several times that on a machine busy
  // with the whole suite: a timeout of its own.
  it('agrees with node:crypto on any text (property)', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ maxLength: 2_000 })),
        (text) => {
          expect(pureSha256(text)).toBe(nodeSha256(text))
          expect(sha256Hex128(text)).toBe(nodeHex128(text))
          expect(utf8Length(text)).toBe(Buffer.byteLength(text))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('encodes base64url like Buffer, for every remainder of three', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(base64url(bytes, bytes.length)).toBe(Buffer.from(bytes).toString('base64url'))
      }),
    )
  })
})

describe('the digests on a runtime without node:crypto', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.resetModules()
  })

  // A runtime whose getBuiltinModule refuses node:crypto (as a locked-down host may): hash.js
  // must fall back to the pure implementation and give the same digests.
  it('falls back to the pure SHA-256 when the native one cannot be had', async () => {
    vi.stubGlobal('process', {
      ...process,
      getBuiltinModule: (): never => {
        throw new Error('node:crypto is not available here')
      },
    })
    vi.resetModules()
    const hash = await import('./hash.js')
    for (const text of ['', 'abc', 'é'.repeat(70)]) {
      expect(hash.sha256(text)).toBe(nodeSha256(text))
      expect(hash.sha256Hex128(text)).toBe(nodeHex128(text))
    }
  })

  // Node before 20.12 has createHash but not the one-shot hash(): the digests must not change.
  it('uses createHash where node:crypto has no one-shot hash()', async () => {
    vi.stubGlobal('process', {
      ...process,
      getBuiltinModule: (): unknown => ({ createHash }),
    })
    vi.resetModules()
    const hash = await import('./hash.js')
    for (const text of ['', 'abc', 'é'.repeat(70)]) {
      expect(hash.sha256(text)).toBe(nodeSha256(text))
      expect(hash.sha256Hex128(text)).toBe(nodeHex128(text))
    }
  })
})
