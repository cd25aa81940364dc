import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
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

  it('skips empty list members: they never match the empty entity-tag', () => {
    expect(etagMatches('"a", ,', '""')).toBe(false)
    expect(etagMatches(',', '""')).toBe(false)
    expect(etagMatches('"a", ""', '""')).toBe(true)
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

describe('etagMatches: lists with quoted commas', () => {
  it('splits entity-tag lists only on commas outside quotes', () => {
    expect(etagMatches('"a,b"', '"a,b"')).toBe(true)
    expect(etagMatches('"x", "a,b"', '"a,b"')).toBe(true)
    expect(etagMatches('W/"a,b" , "x"', '"a,b"')).toBe(true)
    expect(etagMatches('"a,b"', '"a"')).toBe(false)
    expect(etagMatches('"a,b"', '"b"')).toBe(false)
    expect(etagMatches('"b", "a', '"b"')).toBe(true)
  })

  it('never reads * inside a list as the entity-tag "*"', () => {
    expect(etagMatches('"x", *', '"*"')).toBe(false)
    expect(etagMatches('"x", "*"', '"*"')).toBe(true)
  })

  it('compares unquoted members as if quoted, and never a quoted one twice', () => {
    expect(etagMatches('W/3f9a', etag)).toBe(true)
    expect(etagMatches('"3f9a', etag)).toBe(false)
    expect(etagMatches('3f9a"', etag)).toBe(false)
    expect(etagMatches('x, 3f9a', etag)).toBe(true)
    expect(etagMatches('3f9a', 'W/"3f9a"')).toBe(true)
  })
})

describe('parseHttpDate: clock fields and two-digit years', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('refuses out-of-range clock fields instead of rolling them over', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:60:00 GMT')).toBeUndefined()
    expect(parseHttpDate('Sun, 06 Nov 1994 24:00:00 GMT')).toBeUndefined()
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:61 GMT')).toBeUndefined()
    expect(parseHttpDate('Sun, 00 Nov 1994 08:49:37 GMT')).toBeUndefined()
    expect(parseHttpDate('Sun, 32 Dec 1994 08:49:37 GMT')).toBeUndefined()
    expect(parseHttpDate('Sunday, 06-Nov-94 08:60:00 GMT')).toBeUndefined()
    expect(parseHttpDate('Sun Nov  6 08:60:00 1994')).toBeUndefined()
  })

  it('accepts the largest valid fields, and a leap second as the second before', () => {
    expect(parseHttpDate('Sat, 31 Dec 1994 23:59:59 GMT')).toBe(Date.UTC(1994, 11, 31, 23, 59, 59))
    expect(parseHttpDate('Sat, 31 Dec 1994 23:59:60 GMT')).toBe(Date.UTC(1994, 11, 31, 23, 59, 59))
    expect(parseHttpDate('Sat, 01 Jan 1994 00:00:00 GMT')).toBe(Date.UTC(1994, 0, 1, 0, 0, 0))
    expect(parseHttpDate('Sun Nov 16 08:49:37 1994')).toBe(Date.UTC(1994, 10, 16, 8, 49, 37))
    expect(parseHttpDate('  Sun, 06 Nov 1994 08:49:37 GMT  ')).toBe(
      Date.UTC(1994, 10, 6, 8, 49, 37),
    )
  })

  it('reads every month by name', () => {
    const names = [
      'Jan',
      'Feb',
      'Mar',
      'Apr',
      'May',
      'Jun',
      'Jul',
      'Aug',
      'Sep',
      'Oct',
      'Nov',
      'Dec',
    ]
    names.forEach((name, month) => {
      expect(parseHttpDate(`Sun, 01 ${name} 2001 00:00:00 GMT`)).toBe(Date.UTC(2001, month, 1))
    })
    expect(parseHttpDate('Sun, 01 Jun 2001 00:00:00 GMT')).not.toBe(Date.UTC(2001, 0, 1))
  })

  // RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is the most recent past
  // year with the same last two digits.
  function expectTwoDigitYears(thisYear: number): void {
    for (const year of [thisYear - 49, thisYear - 1, thisYear, thisYear + 49, thisYear + 50]) {
      const digits = String(year % 100).padStart(2, '0')
      expect(
        parseHttpDate(`Monday, 01-Mar-${digits} 00:00:00 GMT`),
        `${digits} in ${thisYear}`,
      ).toBe(Date.UTC(year, 2, 1))
    }
  }

  it('reads two-digit years on both sides of the +50 boundary, from the current year', () => {
    expectTwoDigitYears(new Date().getUTCFullYear())
  })

  it('reads two-digit years the same way in any century position of the current year', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    for (const thisYear of [2000, 2026, 2049, 2050, 2051, 2075, 2099, 2100]) {
      vi.setSystemTime(Date.UTC(thisYear, 5, 15))
      expectTwoDigitYears(thisYear)
    }
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

  it('answers 304 for an If-Modified-Since equal to now, and 200 one second later', () => {
    const since = formatHttpDate(now)
    expect(isNotModified({ ifModifiedSince: since }, validators, now)).toBe(true)
    expect(isNotModified({ ifModifiedSince: since }, validators, now - 1)).toBe(false)
    expect(isNotModified({}, validators, now)).toBe(false)
    expect(isNotModified({ ifModifiedSince: ' ' }, validators, now)).toBe(false)
    expect(hasPreconditions({ ifNoneMatch: etag })).toBe(true)
    expect(hasPreconditions({ ifModifiedSince: since })).toBe(true)
    expect(hasPreconditions({})).toBe(false)
  })

  it('treats empty headers as absent', () => {
    expect(hasPreconditions({ ifNoneMatch: '  ', ifModifiedSince: '' })).toBe(false)
    expect(
      isNotModified({ ifNoneMatch: '', ifModifiedSince: formatHttpDate(now) }, validators, now),
    ).toBe(true)
  })
})
