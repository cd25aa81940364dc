import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { utf8Length } from '../keys/utf8.js'
import { bodyHashEtag, canonicalHashEtag, computeEtag } from './etag.js'
import { canWait, LoadedEntry } from './loaded-entry.js'
import { copyValue, serializeValue } from './value.js'

const FIELDS = { tokens: ['t'], lastModified: 0, freshUntil: Number.POSITIVE_INFINITY }
const UNKNOWN = { body: undefined, etag: undefined }

describe('LoadedEntry', () => {
  it('writes the same body, ETag and size on demand as at once (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.option(fc.string(), { nil: undefined }), (value, variant) => {
        const eager = serializeValue(value)
        const entry = new LoadedEntry(FIELDS, copyValue(value), canonicalHashEtag, variant, UNKNOWN)
        expect(entry.etag).toBe(computeEtag(canonicalHashEtag, eager, variant))
        expect(entry.body).toBe(eager.body)
        expect(entry.size).toBe(utf8Length(eager.body))
      }),
      { numRuns: 300 },
    )
  })

  it('sizes itself by an estimate until its body is written, then by the body', () => {
    const value = { id: 42, name: 'Ada Lovelace', tags: ['history', 'computing'], ok: true }
    const copied = copyValue(value)
    const entry = new LoadedEntry(FIELDS, copied, bodyHashEtag, undefined, UNKNOWN)
    const text = JSON.stringify(value)
    expect(entry.bodyLength).toBe(copied.textLength)
    // Strings and names are counted exactly, numbers roughly: close to the text's length.
    expect(copied.textLength).toBeGreaterThanOrEqual(text.length * 0.8)
    expect(copied.textLength).toBeLessThanOrEqual(text.length * 1.25)
    expect(entry.body).toBe(text)
    expect(entry.bodyLength).toBe(text.length)
  })

  it('keeps what it was given, and computes nothing twice', () => {
    let calls = 0
    const strategy = (): string => {
      calls += 1
      return 'v1'
    }
    const entry = new LoadedEntry(FIELDS, copyValue([1]), strategy, undefined, UNKNOWN)
    expect([entry.etag, entry.etag]).toEqual(['"v1"', '"v1"'])
    expect(calls).toBe(1)
    const given = new LoadedEntry(FIELDS, copyValue([1]), strategy, undefined, {
      body: '[1]',
      etag: '"given"',
    })
    expect(given.etag).toBe('"given"')
    expect(calls).toBe(1)
  })
})

describe('canWait', () => {
  it('lets only the built-in strategies on values without Dates wait', () => {
    expect(canWait(canonicalHashEtag, copyValue({ a: 1 }))).toBe(true)
    expect(canWait(bodyHashEtag, copyValue({ a: 1 }))).toBe(true)
    // A Date in Garner's copy can still be set: its text and tag are written at once.
    expect(canWait(canonicalHashEtag, copyValue({ at: new Date(0) }))).toBe(false)
    expect(canWait(() => 'custom', copyValue({ a: 1 }))).toBe(false)
  })
})
