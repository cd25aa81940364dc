import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  etagMatches,
  formatHttpDate,
  hasPreconditions,
  isNotModified,
  parseHttpDate,
} from './conditional.js'

const etag = '"3f9a"'
const lastModified = Date.UTC(2026, 0, 2, 3, 4, 5)

describe('etagMatches (weak comparison)', () => {
  it('matches strong, weak, listed and wildcard tags', () => {
    expect(etagMatches('"3f9a"', etag)).toBe(true)
    expect(etagMatches('W/"3f9a"', etag)).toBe(true)
    expect(etagMatches('"x", W/"3f9a" , "y"', etag)).toBe(true)
    expect(etagMatches('*', etag)).toBe(true)
    expect(etagMatches('3f9a', etag)).toBe(true)
  })

  it('does not match other tags, partial tags or garbage', () => {
    expect(etagMatches('"3f9"', etag)).toBe(false)
    expect(etagMatches('"3f9a, x"', etag)).toBe(false)
    expect(etagMatches('W/', etag)).toBe(false)
    expect(etagMatches(',,,', etag)).toBe(false)
    expect(etagMatches('"unterminated', etag)).toBe(false)
  })

  it('treats * as a match only when it is the whole field value (RFC 9110 §13.1.2)', () => {
    expect(etagMatches(' * ', etag)).toBe(true)
    expect(etagMatches('"x", *', etag)).toBe(false)
    expect(etagMatches('*, "x"', etag)).toBe(false)
    expect(etagMatches('*, "3f9a"', etag)).toBe(true)
  })

  it('never throws, whatever the header (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (header) => {
        expect(typeof etagMatches(header, etag)).toBe('boolean')
      }),
    )
  })
})

describe('parseHttpDate', () => {
  it('reads the three formats RFC 9110 requires', () => {
    const time = Date.UTC(1994, 10, 6, 8, 49, 37)
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(time)
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(time)
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(time)
  })

  it('round-trips what formatHttpDate writes', () => {
    expect(parseHttpDate(formatHttpDate(lastModified))).toBe(lastModified)
  })

  it('rejects anything else', () => {
    for (const text of [
      '',
      'yesterday',
      '1',
      '2026-01-02',
      'Sun, 31 Feb 2026 00:00:00 GMT',
      'Sun, 06 Foo 1994 08:49:37 GMT',
      'x'.repeat(5000),
    ]) {
      expect(parseHttpDate(text)).toBeUndefined()
    }
  })
})

describe('isNotModified', () => {
  const validators = { etag, lastModified }
  const now = lastModified + 60_000

  it('answers by If-None-Match when present, ignoring If-Modified-Since', () => {
    expect(isNotModified({ ifNoneMatch: etag }, validators, now)).toBe(true)
    expect(
      isNotModified(
        { ifNoneMatch: '"other"', ifModifiedSince: formatHttpDate(now) },
        validators,
        now,
      ),
    ).toBe(false)
  })

  it('answers by If-Modified-Since alone: at or after Last-Modified, not in the future', () => {
    expect(isNotModified({ ifModifiedSince: formatHttpDate(lastModified) }, validators, now)).toBe(
      true,
    )
    expect(
      isNotModified({ ifModifiedSince: formatHttpDate(lastModified - 1000) }, validators, now),
    ).toBe(false)
    expect(isNotModified({ ifModifiedSince: formatHttpDate(now + 60_000) }, validators, now)).toBe(
      false,
    )
    expect(isNotModified({ ifModifiedSince: 'garbage' }, validators, now)).toBe(false)
  })

  it('treats empty headers as absent', () => {
    expect(hasPreconditions({ ifNoneMatch: '  ', ifModifiedSince: '' })).toBe(false)
    expect(
      isNotModified({ ifNoneMatch: '', ifModifiedSince: formatHttpDate(now) }, validators, now),
    ).toBe(true)
  })
})
