import { describe, expect, it } from 'vitest'
import { nextLastModified } from './last-modified.js'

describe('nextLastModified', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0, 750)
  const second = Date.UTC(2026, 0, 1, 12, 0, 0)

  it('is the current whole second for a first load', () => {
    expect(nextLastModified(undefined, '"a"', now)).toBe(second)
    expect(nextLastModified(undefined, '"a"', second)).toBe(second)
  })

  it('stays put while the value is unchanged', () => {
    expect(nextLastModified({ etag: '"a"', lastModified: second - 60_000 }, '"a"', now)).toBe(
      second - 60_000,
    )
  })

  it('moves to the current second when the value changed, and past the previous time within one second', () => {
    expect(nextLastModified({ etag: '"a"', lastModified: second - 60_000 }, '"b"', now)).toBe(
      second,
    )
    expect(nextLastModified({ etag: '"a"', lastModified: second }, '"b"', now)).toBe(second + 1000)
    expect(nextLastModified({ etag: '"a"', lastModified: second + 5000 }, '"b"', now)).toBe(
      second + 6000,
    )
  })
})
