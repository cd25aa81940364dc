// Tests for the single-flight deduplication of concurrent loads.
import { describe, expect, it } from 'vitest'
import { SingleFlight } from './single-flight.js'

function deferred(): { promise: Promise<string>; resolve: (value: string) => void } {
  let resolve!: (value: string) => void
  const promise = new Promise<string>((settle) => {
    resolve = settle
  })
  return { promise, resolve }
}

describe('SingleFlight', () => {
  it('joins running work, and starts afresh once it has settled', async () => {
    const flight = new SingleFlight<string>()
    const first = deferred()
    const work = flight.run('k', () => first.promise)
    expect(flight.run('k', () => Promise.resolve('other'))).toBe(work)
    first.resolve('one')
    await work
    expect(await flight.run('k', () => Promise.resolve('two'))).toBe('two')
  })

  it('keeps work started after detachAll joinable when detached work settles', async () => {
    const flight = new SingleFlight<string>()
    const old = deferred()
    const detached = flight.run('k', () => old.promise)
    flight.detachAll()
    const current = deferred()
    const work = flight.run('k', () => current.promise)
    expect(work).not.toBe(detached)
    old.resolve('old')
    await detached
    expect(flight.run('k', () => Promise.resolve('third'))).toBe(work)
    current.resolve('new')
    expect(await work).toBe('new')
  })

  it('hands work that finished after a mark to callers that took the mark, and to nobody else', async () => {
    const flight = new SingleFlight<string>()
    const before = flight.mark
    const work = flight.run('k', () => Promise.resolve('one'))
    await work
    const after = flight.mark
    expect(after).toBeGreaterThan(before)
    expect(flight.run('k', () => Promise.resolve('two'), before)).toBe(work)
    expect(await flight.run('k', () => Promise.resolve('three'), after)).toBe('three')
    // Without a mark, finished work is never joined.
    expect(await flight.run('k', () => Promise.resolve('four'))).toBe('four')
  })

  it('keeps neither failed work nor work finished before detachAll for later callers', async () => {
    const flight = new SingleFlight<string>()
    const mark = flight.mark
    const failed = flight.run('bad', () => Promise.reject(new Error('no')))
    await expect(failed).rejects.toThrow('no')
    expect(await flight.run('bad', () => Promise.resolve('retried'), mark)).toBe('retried')
    const done = flight.run('k', () => Promise.resolve('old'))
    await done
    flight.detachAll()
    expect(await flight.run('k', () => Promise.resolve('new'), mark)).toBe('new')
  })

  it('remembers work joined under a second key once it has finished', async () => {
    const flight = new SingleFlight<string>()
    const mark = flight.mark
    const work = flight.run('k', () => Promise.resolve('one'))
    flight.join('alias', work)
    await work
    expect(flight.run('alias', () => Promise.resolve('two'), mark)).toBe(work)
  })
})
