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
})
