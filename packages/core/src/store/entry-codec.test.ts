import { describe, expect, it } from 'vitest'
import { decodeBody, decodeMeta, ENTRY_FORMAT, encodeBody, encodeMeta } from './entry-codec.js'
import type { EntryMeta } from './store.js'

const meta: EntryMeta = {
  tokens: ['t1', 't2'],
  etag: '"abc"',
  lastModified: 1_000_000,
  size: 12,
  dates: [['a', 0], []],
  freshUntil: Number.POSITIVE_INFINITY,
}
const now = 5_000

function raw(changes: Record<string, unknown>): string {
  return JSON.stringify({ ...JSON.parse(encodeMeta(meta, 0)), ...changes })
}

describe('entry metadata', () => {
  it('round-trips, with or without an expiry', () => {
    expect(decodeMeta(encodeMeta(meta, 0), 'k', now)).toEqual(meta)
    expect(decodeMeta(encodeMeta(meta, now + 1), 'k', now)).toEqual(meta)
    expect(JSON.parse(encodeMeta(meta, 7))).toEqual({
      v: ENTRY_FORMAT,
      t: ['t1', 't2'],
      e: '"abc"',
      m: 1_000_000,
      n: 12,
      d: [['a', 0], []],
      x: 7,
      // Fresh for as long as it lives: written as 0 because it differs from the expiry.
      f: 0,
    })
  })

  it('reads as absent once expired', () => {
    expect(decodeMeta(encodeMeta(meta, now), 'k', now)).toBeUndefined()
    expect(decodeMeta(encodeMeta(meta, now - 1), 'k', now)).toBeUndefined()
  })

  it('refuses anything malformed as a corrupt entry naming the key and the problem', () => {
    const cases: [unknown, string][] = [
      [42, 'a number instead of text'],
      [undefined, 'a undefined instead of text'],
      ['{', 'text that is not JSON'],
      ['null', 'JSON that is not an object'],
      ['"text"', 'JSON that is not an object'],
      [raw({ v: 2 }), 'format 2, not 1'],
      [raw({ v: undefined }), 'format undefined, not 1'],
      [raw({ t: 't1' }), 'malformed tokens'],
      [raw({ t: ['t1', 2] }), 'malformed tokens'],
      [raw({ e: 7 }), 'a malformed ETag'],
      [raw({ e: 'abc' }), 'a malformed ETag'],
      [raw({ e: '""' }), 'a malformed ETag'],
      [raw({ e: '"a b"' }), 'a malformed ETag'],
      [raw({ e: 'x"abc"' }), 'a malformed ETag'],
      [raw({ e: '"abc"x' }), 'a malformed ETag'],
      // A list holding one tag reads as that tag once made text: it is refused as it is.
      [raw({ e: ['"abc"'] }), 'a malformed ETag'],
      [raw({ m: '1000' }), 'a malformed Last-Modified time'],
      [raw({ m: -1000 }), 'a malformed Last-Modified time'],
      [raw({ m: 1500 }), 'a malformed Last-Modified time'],
      [raw({ m: 1.5 }), 'a malformed Last-Modified time'],
      [raw({ n: -1 }), 'a malformed size'],
      [raw({ n: 0.5 }), 'a malformed size'],
      [raw({ d: {} }), 'malformed Date paths'],
      [raw({ d: ['a'] }), 'malformed Date paths'],
      [raw({ d: [[-1]] }), 'malformed Date paths'],
      [raw({ d: [[0.5]] }), 'malformed Date paths'],
      [raw({ d: [[null]] }), 'malformed Date paths'],
      [raw({ x: -1 }), 'a malformed expiry time'],
      [raw({ x: '0' }), 'a malformed expiry time'],
      [raw({ x: 0.5 }), 'a malformed expiry time'],
      [raw({ f: -1 }), 'a malformed fresh-until time'],
      [raw({ f: Number.NaN }), 'a malformed fresh-until time'],
    ]
    for (const [input, problem] of cases) {
      expect(() => decodeMeta(input, 'the-key', now), problem).toThrow(
        expect.objectContaining({
          code: 'GARNER_CORRUPT_ENTRY',
          message: `Garner found ${problem} under the-key; it was treated as a miss and will be overwritten. Something other than Garner may be writing under its namespace.`,
        }),
      )
    }
  })

  it('accepts the edge values', () => {
    expect(decodeMeta(raw({ m: 0, n: 0, d: [], t: [] }), 'k', now)).toEqual({
      tokens: [],
      etag: '"abc"',
      lastModified: 0,
      size: 0,
      dates: [],
      freshUntil: Number.POSITIVE_INFINITY,
    })
    expect(decodeMeta(raw({ e: '"!~"' }), 'k', now)?.etag).toBe('"!~"')
  })
})

describe('entry bodies', () => {
  it('round-trips with the ETag it belongs to, and reads another version as absent', () => {
    const stored = encodeBody('"abc"', '{"a":"x\\ny"}')
    expect(stored).toBe('"abc"\n{"a":"x\\ny"}')
    expect(decodeBody(stored, '"abc"', 'k')).toBe('{"a":"x\\ny"}')
    expect(decodeBody(encodeBody('"abc"', 'line1\nline2'), '"abc"', 'k')).toBe('line1\nline2')
    expect(decodeBody(stored, '"other"', 'k')).toBeUndefined()
    expect(decodeBody(encodeBody('"abc"', ''), '"abc"', 'k')).toBe('')
  })

  it('reads a missing body as absent, and garbage as corrupt', () => {
    expect(decodeBody(undefined, '"abc"', 'k')).toBeUndefined()
    expect(decodeBody(null, '"abc"', 'k')).toBeUndefined()
    expect(() => decodeBody(42, '"abc"', 'k')).toThrow(
      'Garner found a number instead of text under k',
    )
    expect(() => decodeBody('no newline', '"abc"', 'k')).toThrow(
      'Garner found a body without its ETag under k',
    )
    // An empty first line names no version Garner writes: this entry's body is not there.
    expect(decodeBody('\n{}', '"abc"', 'k')).toBeUndefined()
  })
})

const metaUntil = (freshUntil: number): EntryMeta => ({
  tokens: ['t1'],
  etag: '"e"',
  lastModified: 1_000,
  size: 2,
  dates: [],
  freshUntil,
})

describe('entry metadata: the fresh-until time', () => {
  it('keeps the fresh-until time apart from the store expiry when a stale window follows it', () => {
    const now = 1_000_000
    const raw = encodeMeta(metaUntil(now + 60_000), now + 360_000)
    expect(JSON.parse(raw)).toMatchObject({ x: now + 360_000, f: now + 60_000 })
    expect(decodeMeta(raw, 'k', now)?.freshUntil).toBe(now + 60_000)
    // Past its ttl but inside the window: still read, for Garner to answer stale.
    expect(decodeMeta(raw, 'k', now + 100_000)?.freshUntil).toBe(now + 60_000)
    expect(decodeMeta(raw, 'k', now + 360_000)).toBeUndefined()
  })

  it('reads entries without a fresh-until time (no window, or written before windows existed) as fresh until they expire', () => {
    const now = 1_000_000
    const same = encodeMeta(metaUntil(now + 60_000), now + 60_000)
    expect(JSON.parse(same)).not.toHaveProperty('f')
    expect(decodeMeta(same, 'k', now)?.freshUntil).toBe(now + 60_000)
    const forever = encodeMeta(metaUntil(Number.POSITIVE_INFINITY), 0)
    expect(JSON.parse(forever)).not.toHaveProperty('f')
    expect(decodeMeta(forever, 'k', now)?.freshUntil).toBe(Number.POSITIVE_INFINITY)
    // A window without a ttl cannot happen, but a malformed time is refused, not trusted.
    const bad = JSON.stringify({ ...JSON.parse(same), f: 'soon' })
    expect(() => decodeMeta(bad, 'k', now)).toThrow(/fresh-until/)
  })
})
