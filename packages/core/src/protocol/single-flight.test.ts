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

  it('calls again, instead of starting work, for a caller whose mark came before that work finished', async () => {
    const flight = new SingleFlight<string>()
    const again = () => Promise.resolve('read again')
    const before = flight.mark
    const work = flight.run('k', () => Promise.resolve('one'))
    // Running work is joined, whatever the mark.
    expect(flight.run('k', () => Promise.resolve('two'), before, again)).toBe(work)
    await work
    const after = flight.mark
    expect(after).toBeGreaterThan(before)
    expect(await flight.run('k', () => Promise.resolve('three'), before, again)).toBe('read again')
    expect(await flight.run('k', () => Promise.resolve('four'), after, again)).toBe('four')
    // Without a mark, or under another key, finished work changes nothing.
    expect(await flight.run('k', () => Promise.resolve('five'))).toBe('five')
    expect(await flight.run('other', () => Promise.resolve('six'), before, again)).toBe('six')
  })

  it('forgets failed work, and work finished before detachAll', async () => {
    const flight = new SingleFlight<string>()
    const again = () => Promise.resolve('read again')
    const mark = flight.mark
    const failed = flight.run('bad', () => Promise.reject(new Error('no')))
    await expect(failed).rejects.toThrow('no')
    expect(await flight.run('bad', () => Promise.resolve('retried'), mark, again)).toBe('retried')
    await flight.run('k', () => Promise.resolve('old'))
    flight.detachAll()
    expect(await flight.run('k', () => Promise.resolve('new'), mark, again)).toBe('new')
  })

  it('counts work joined under a second key as finished there too', async () => {
    const flight = new SingleFlight<string>()
    const mark = flight.mark
    const work = flight.run('k', () => Promise.resolve('one'))
    flight.join('alias', work)
    await work
    expect(
      await flight.run(
        'alias',
        () => Promise.resolve('two'),
        mark,
        () => Promise.resolve('again'),
      ),
    ).toBe('again')
  })

  it('never lets work joined under a key replace the work running there', async () => {
    const flight = new SingleFlight<string>()
    const first = deferred()
    const running = flight.run('k', () => first.promise)
    flight.join('k', Promise.resolve('other'))
    expect(flight.run('k', () => Promise.resolve('third'))).toBe(running)
    first.resolve('one')
    expect(await running).toBe('one')
  })

  it('keeps no finished work when it need not remember', async () => {
    const flight = new SingleFlight<string>(false)
    const mark = flight.mark
    await flight.run('k', () => Promise.resolve('one'))
    expect(flight.mark).toBe(mark)
    const again = () => Promise.resolve('again')
    expect(await flight.run('k', () => Promise.resolve('two'), mark, again)).toBe('two')
  })
})
