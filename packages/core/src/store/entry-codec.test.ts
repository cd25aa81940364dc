import { describe, expect, it } from 'vitest'
import { decodeMeta, encodeMeta } from './entry-codec.js'
import type { EntryMeta } from './store.js'

const meta = (freshUntil: number): EntryMeta => ({
  tokens: ['t1'],
  etag: '"e"',
  lastModified: 1_000,
  size: 2,
  dates: [],
  freshUntil,
})

describe('entry metadata', () => {
  it('keeps the fresh-until time apart from the store expiry when a stale window follows it', () => {
    const now = 1_000_000
    const raw = encodeMeta(meta(now + 60_000), now + 360_000)
    expect(JSON.parse(raw)).toMatchObject({ x: now + 360_000, f: now + 60_000 })
    expect(decodeMeta(raw, 'k', now)?.freshUntil).toBe(now + 60_000)
    // Past its ttl but inside the window: still read, for Garner to answer stale.
    expect(decodeMeta(raw, 'k', now + 100_000)?.freshUntil).toBe(now + 60_000)
    expect(decodeMeta(raw, 'k', now + 360_000)).toBeUndefined()
  })

  it('reads entries without a fresh-until time (no window, or written before windows existed) as fresh until they expire', () => {
    const now = 1_000_000
    const same = encodeMeta(meta(now + 60_000), now + 60_000)
    expect(JSON.parse(same)).not.toHaveProperty('f')
    expect(decodeMeta(same, 'k', now)?.freshUntil).toBe(now + 60_000)
    const forever = encodeMeta(meta(Number.POSITIVE_INFINITY), 0)
    expect(JSON.parse(forever)).not.toHaveProperty('f')
    expect(decodeMeta(forever, 'k', now)?.freshUntil).toBe(Number.POSITIVE_INFINITY)
    // A window without a ttl cannot happen, but a malformed time is refused, not trusted.
    const bad = JSON.stringify({ ...JSON.parse(same), f: 'soon' })
    expect(() => decodeMeta(bad, 'k', now)).toThrow(/fresh-until/)
  })
})
