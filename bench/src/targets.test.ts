// The round-trip counting rule of the Redis miss target, on command counts as Redis reports them.
import { describe, expect, it } from 'vitest'
import { COMMAND_SAMPLES } from './redis-server.js'
import { roundTrips, withinRoundTrips } from './targets.js'

describe('roundTrips', () => {
  it('counts a read, then one MULTI/EXEC block of writes, as one read and one write', () => {
    expect(roundTrips({ mget: 1, multi: 1, set: 2, exec: 1 })).toEqual({ reads: 1, writes: 1 })
  })

  it('counts each write as a round trip when no EXEC was sent', () => {
    expect(roundTrips({ get: 1, set: 2 })).toEqual({ reads: 1, writes: 2 })
  })

  it('counts every non-writing command as a read', () => {
    expect(roundTrips({ get: 1, mget: 1, exists: 1 })).toEqual({ reads: 3, writes: 0 })
  })

  it("leaves a client's connection set-up out", () => {
    expect(roundTrips({ select: 0.01, mget: 1, multi: 1, set: 2.01, exec: 1 })).toEqual({
      reads: 1,
      writes: 1,
    })
  })
})

describe('withinRoundTrips', () => {
  const one = 1 / COMMAND_SAMPLES

  it('allows one command more over the whole sample, and no more', () => {
    expect(withinRoundTrips({ reads: 1 + one, writes: 1 + one }, 1, 1)).toBe(true)
    expect(withinRoundTrips({ reads: 1 + 2 * one, writes: 1 }, 1, 1)).toBe(false)
    expect(withinRoundTrips({ reads: 1, writes: 2 }, 1, 1)).toBe(false)
  })
})
