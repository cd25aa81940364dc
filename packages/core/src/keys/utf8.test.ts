// UTF-8 lengths and bytes at the edges of the shared scratch buffer.
import { describe, expect, it } from 'vitest'
import { utf8Bytes, utf8Length } from './utf8.js'

describe('utf8Length and utf8Bytes', () => {
  it('measure texts up to the scratch limit whose bytes fill it, and longer ones', () => {
    // 16 Ki characters of three bytes each: the most the scratch buffer must hold.
    for (const text of ['€'.repeat(16 * 1024), 'x'.repeat(10_000), '€'.repeat(16 * 1024 + 1)]) {
      expect(utf8Length(text)).toBe(Buffer.byteLength(text))
      expect(Buffer.from(utf8Bytes(text)).equals(Buffer.from(text))).toBe(true)
    }
  })
})
