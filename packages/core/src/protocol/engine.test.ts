// The engine's remote-store paths, pinned with a store whose every call can be made to fail or to
// wait: pending invalidations, flushes, the body re-read, corrupt entries and error reporting.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { GarnerError } from '../errors.js'
import type { GarnerEvents } from '../events.js'
import { createGarner, type Garner } from '../garner.js'
import type { RequestInfo } from '../keys/strategies/key-strategy.js'
import { memoryStore } from '../store/memory-store.js'
import type { EntryKeys, EntryRecord, StoreDriver, StoreRead, TokenWrite } from '../store/store.js'

type Method = 'read' | 'readBody' | 'write' | 'writeTokens'

/** A store call held until the test lets it go on (to the store) or fail. */
interface Gate {
  /** Resolves when the call has reached the store. */
  readonly reached: Promise<void>
  pass(): void
  fail(error?: unknown): void
}

type Plan =
  | { readonly kind: 'fail'; readonly error: unknown }
  | { readonly kind: 'hold'; readonly gate: Gate & { wait: Promise<unknown>; arrive(): void } }
  | { readonly kind: 'answer'; readonly answer: unknown }
  | { readonly kind: 'through' }
  | { readonly kind: 'late'; readonly gate: Gate & { wait: Promise<unknown>; arrive(): void } }

/**
 * A remote store (so the engine guards it and queues invalidations) kept in process: a
 * memoryStore underneath, answering as a remote store does (no decoded values, the body only when
 * asked). Each call follows the next plan queued for its method, or goes straight to the store.
 */
class ControlledStore implements StoreDriver {
  readonly kind = 'keyv' as const
  readonly remote = true
  readonly inner = memoryStore()
  readonly calls: Record<Method, number> = { read: 0, readBody: 0, write: 0, writeTokens: 0 }
  /** The tokens of every writeTokens call, in order. */
  readonly tokenWrites: (readonly TokenWrite[])[] = []
  /** The entry keys of every read, in order. */
  readonly keysRead: EntryKeys[] = []
  private readonly plans: Record<Method, Plan[]> = {
    read: [],
    readBody: [],
    write: [],
    writeTokens: [],
  }

  /** The next call of `method` rejects with `error`. */
  fail(method: Method, error: unknown = new Error(`${method} failed`)): void {
    this.plans[method].push({ kind: 'fail', error })
  }

  /** The next call of `method` answers `answer` without reaching the store. */
  answer(method: Method, answer: unknown): void {
    this.plans[method].push({ kind: 'answer', answer })
  }

  /** The next call of `method` goes to the store (so that a later plan applies to a later call). */
  through(method: Method): void {
    this.plans[method].push({ kind: 'through' })
  }

  /** The next call of `method` waits for the returned gate. */
  hold(method: Method): Gate {
    return this.gate(method, 'hold')
  }

  /**
   * The next call of `method` reaches the store at once but answers only when the returned gate
   * passes, as a reply that a slow connection delivers after later calls have landed.
   */
  late(method: Method): Gate {
    return this.gate(method, 'late')
  }

  private gate(method: Method, kind: 'hold' | 'late'): Gate {
    let arrive!: () => void
    const reached = new Promise<void>((resolve) => {
      arrive = resolve
    })
    let pass!: () => void
    let fail!: (error: unknown) => void
    const wait = new Promise<unknown>((resolve, reject) => {
      pass = () => resolve(undefined)
      fail = reject
    })
    const gate = {
      reached,
      wait,
      arrive,
      pass,
      fail: (error: unknown = new Error(`${method} failed`)) => fail(error),
    }
    this.plans[method].push({ kind, gate })
    return gate
  }

  read(keys: EntryKeys, tokenKeys: readonly string[], withBody: boolean): Promise<StoreRead> {
    this.keysRead.push(keys)
    return this.call('read', async () => {
      // Like the Keyv driver: no decoded value, and no tier (a hit from it is a store hit).
      const { tier: _tier, ...read } = await this.inner.read(keys, tokenKeys, withBody)
      return { ...read, value: undefined, hasValue: false, body: withBody ? read.body : undefined }
    })
  }

  readBody(keys: EntryKeys, etag: string): Promise<string | undefined> {
    return this.call('readBody', () => this.inner.readBody(keys, etag))
  }

  write(keys: EntryKeys, record: EntryRecord, ttl: number | undefined): Promise<void> {
    return this.call('write', () => this.inner.write(keys, record, ttl))
  }

  writeTokens(tokens: readonly TokenWrite[], ttl: number | undefined): Promise<void> {
    this.tokenWrites.push(tokens)
    return this.call('writeTokens', () => this.inner.writeTokens(tokens, ttl))
  }

  private async call<T>(method: Method, proceed: () => Promise<T>): Promise<T> {
    this.calls[method] += 1
    const plan = this.plans[method].shift()
    if (plan?.kind === 'fail') throw plan.error
    if (plan?.kind === 'answer') return plan.answer as T
    if (plan?.kind === 'hold') {
      plan.gate.arrive()
      await plan.gate.wait
    }
    if (plan?.kind === 'late') {
      const answer = proceed()
      plan.gate.arrive()
      await plan.gate.wait
      return answer
    }
    return proceed()
  }
}

type ErrorEvent = GarnerEvents['error']

function setup(): {
  store: ControlledStore
  garner: Garner
  errors: ErrorEvent[]
  loads: () => number
  loader: () => number
} {
  const store = new ControlledStore()
  // A long timeout: held calls must wait for the test, not time out.
  const garner = createGarner({ store, storeTimeout: 60_000 })
  const errors: ErrorEvent[] = []
  garner.on('error', (event) => errors.push(event))
  let count = 0
  return { store, garner, errors, loads: () => count, loader: () => ++count }
}

/** Moves the clock past any circuit-breaker backoff (100 ms, doubling up to 2 s). */
function afterBackoff(): void {
  vi.setSystemTime(Date.now() + 10_000)
}

function request(headers: Record<string, string> = {}, method = 'GET'): RequestInfo {
  return {
    method,
    path: '/thing',
    query: '',
    header: (name) => headers[name.toLowerCase()],
  }
}

beforeEach(() => {
  // Only Date is faked: the breaker's backoff moves when the test says so, timers stay real.
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(Date.UTC(2026, 0, 1))
})

afterEach(() => {
  vi.useRealTimers()
})

describe('engine: invalidations that cannot reach the store', () => {
  it('keeps a failed invalidation pending through a failed flush, and never serves the old entry', async () => {
    const { store, garner, errors, loader } = setup()
    expect(await garner.fetch('a', loader, { bind: ['W', 1] })).toBe(1)
    expect(await garner.fetch('a', loader, { bind: ['W', 1] })).toBe(1)

    store.fail('writeTokens')
    await garner.invalidate('W', 1)
    expect(errors.map((event) => event.operation)).toEqual(['invalidate'])

    // The breaker is open: the value is loaded without asking the store.
    const reads = store.calls.read
    expect(await garner.fetch('a', loader, { bind: ['W', 1] })).toBe(2)
    expect(store.calls.read).toBe(reads)

    // The retry fails too: the invalidation stays pending.
    afterBackoff()
    store.fail('writeTokens')
    expect(await garner.fetch('a', loader, { bind: ['W', 1] })).toBe(3)

    // The store is back: the retry lands before the read, so the old entry is stale.
    afterBackoff()
    expect(await garner.fetch('a', loader, { bind: ['W', 1] })).toBe(4)
    expect(await garner.fetch('a', loader, { bind: ['W', 1] })).toBe(4)
    expect(errors.map((event) => event.operation)).toEqual(['invalidate', 'invalidate'])
  })

  it('retries pending invalidations before a new one', async () => {
    const { store, garner, loader } = setup()
    await garner.fetch('a', loader, { bind: ['W', 1] })
    store.fail('writeTokens')
    await garner.invalidate('W', 1)
    afterBackoff()
    const writes = store.calls.writeTokens
    await garner.invalidate('X')
    // The retry of W and the invalidation of X.
    expect(store.calls.writeTokens).toBe(writes + 2)
    expect(await garner.fetch('a', loader, { bind: ['W', 1] })).toBe(2)
    expect(store.calls.writeTokens).toBe(writes + 2)
  })

  it('bypasses the store only for values bound to a pending key, and an older flush never clears a newer invalidation', async () => {
    const { store, garner, loads, loader } = setup()
    await garner.fetch('a', loader, { bind: ['W', 1] })
    await garner.fetch('b', loader, { bind: ['X', 1] })
    expect(loads()).toBe(2)

    // Two invalidations of W 1 in flight; the first fails and is queued.
    const first = store.hold('writeTokens')
    const second = store.hold('writeTokens')
    const invalidations = [garner.invalidate('W', 1), garner.invalidate('W', 1)]
    await first.reached
    await second.reached
    first.fail()
    await invalidations[0]

    // Past the backoff, a fetch retries the queued invalidation (held), and another fetch of an
    // unrelated value waits for the same retry.
    afterBackoff()
    const flush = store.hold('writeTokens')
    const bound = garner.fetch('a', loader, { bind: ['W', 1] })
    const unrelated = garner.fetch('b', loader, { bind: ['X', 1] })
    await flush.reached
    // Meanwhile the second invalidation fails: queued with a newer version.
    second.fail()
    await invalidations[1]
    // The retry lands (closing the breaker); it wrote the first version only.
    flush.pass()
    expect(await bound).toBe(3)
    // The unrelated value is still served from the store.
    expect(await unrelated).toBe(2)
    expect(loads()).toBe(3)

    // The newer invalidation is still pending: W 1 values keep bypassing the store, and the one
    // just loaded was not stored.
    const reads = store.calls.read
    store.fail('writeTokens')
    expect(await garner.fetch('a', loader, { bind: ['W', 1] })).toBe(4)
    expect(store.calls.read).toBe(reads)
    afterBackoff()
    expect(await garner.fetch('a', loader, { bind: ['W', 1] })).toBe(5)
    expect(await garner.fetch('a', loader, { bind: ['W', 1] })).toBe(5)
  })

  it('serves no value bound to a still-pending invalidation, even once the store answers again', async () => {
    const { store, garner, loader } = setup()
    await garner.fetch('w', loader, { bind: 'W' })
    await garner.fetch('z', loader, { bind: 'Z' })

    // Two invalidations in flight: W fails first and is queued.
    const w = store.hold('writeTokens')
    const z = store.hold('writeTokens')
    const invalidations = [garner.invalidate('W'), garner.invalidate('Z')]
    await w.reached
    await z.reached
    w.fail()
    await invalidations[0]

    // Past the backoff, a fetch retries W (held); meanwhile the invalidation of Z fails.
    afterBackoff()
    const flush = store.hold('writeTokens')
    const fetched = garner.fetch('z', loader, { bind: 'Z' })
    await flush.reached
    z.fail()
    await invalidations[1]
    // The retry of W lands and closes the breaker; Z's tokens in the store are still the old
    // ones, so the old entry would look fresh: it must not be served.
    const writes = store.calls.write
    flush.pass()
    expect(await fetched).toBe(3)
    // Loaded while the store could not be trusted: not stored.
    expect(store.calls.write).toBe(writes)
  })

  it('makes no store call for an empty invalidation, even with invalidations pending', async () => {
    const { store, garner, loader } = setup()
    await garner.fetch('w', loader, { bind: 'W' })
    store.fail('writeTokens')
    await garner.invalidate('W')
    afterBackoff()
    const writes = store.calls.writeTokens
    await garner.invalidateMany([])
    expect(store.calls.writeTokens).toBe(writes)
  })

  it('shares one retry between concurrent reads', async () => {
    const { store, garner, loader } = setup()
    await garner.fetch('a', loader, { bind: 'W' })
    store.fail('writeTokens')
    await garner.invalidate('W')
    afterBackoff()
    const writes = store.calls.writeTokens
    const flush = store.hold('writeTokens')
    const fetches = [
      garner.fetch('a', loader, { bind: 'W' }),
      garner.fetch('c', loader, { bind: 'W' }),
    ]
    await flush.reached
    flush.pass()
    await Promise.all(fetches)
    // One retry, and the tokens of the first fetch of c.
    expect(store.calls.writeTokens).toBe(writes + 1)
  })
})

describe('engine: retrying queued invalidations on a store that answers but cannot confirm', () => {
  it('backs off between retries, doubling from 100 ms, and flushes once the backoff is over', async () => {
    const { store, garner, loads, loader } = setup()
    const notReplicated = () =>
      new GarnerError('GARNER_NOT_REPLICATED', 'the replicas did not confirm in time')
    await garner.fetch('k', loader, { bind: 'W' })
    // Replicas that cannot confirm open no circuit: the engine's own backoff spaces the retries.
    store.fail('writeTokens', notReplicated())
    await garner.invalidate('W')
    const start = Date.now()
    /** Token writes made by a fetch at `offset` ms; a write that happens fails if `fail`. */
    const writesAt = async (offset: number, fail = false) => {
      vi.setSystemTime(start + offset)
      if (fail) store.fail('writeTokens', notReplicated())
      const before = store.calls.writeTokens
      await garner.fetch('k', loader, { bind: 'W' })
      return store.calls.writeTokens - before
    }
    expect(await writesAt(0, true)).toBe(1) // retried at once, failed: next try after 100 ms
    expect(await writesAt(50)).toBe(0)
    expect(await writesAt(100, true)).toBe(1) // failed again: next try after 200 ms
    expect(await writesAt(250)).toBe(0)
    expect(await writesAt(300)).toBe(1) // lands
    const afterFlush = loads()
    // The invalidation landed: values bound to W are cached again.
    expect(await garner.fetch('k', loader, { bind: 'W' })).toBe(afterFlush)
    expect(loads()).toBe(afterFlush)
  })
})

describe('engine: an invalidation that lands, and the invalidations queued before and after it', () => {
  const notReplicated = () =>
    new GarnerError('GARNER_NOT_REPLICATED', 'the replicas did not confirm in time')

  it('clears the invalidations of its keys queued before it', async () => {
    const { store, garner, loads, loader } = setup()
    await garner.fetch('k', loader, { bind: ['W', 1] })
    // Invalidating the model queues two tokens: the model's, and the one all its instances read.
    store.fail('writeTokens', notReplicated())
    await garner.invalidate('W')
    // The retry of the queued one fails; the new invalidation's own write lands and supersedes it.
    store.fail('writeTokens', notReplicated())
    await garner.invalidate('W')
    expect(await garner.fetch('k', loader, { bind: ['W', 1] })).toBe(2)
    // Nothing is queued any more: the value is cached again.
    expect(await garner.fetch('k', loader, { bind: ['W', 1] })).toBe(2)
    expect(loads()).toBe(2)
  })

  it('keeps an invalidation of its keys queued while it was in flight', async () => {
    const { store, garner, loads, loader } = setup()
    await garner.fetch('k', loader, { bind: 'W' })
    const first = store.hold('writeTokens')
    const landing = garner.invalidate('W')
    await first.reached
    // A second invalidation starts while the first is in flight, and cannot be confirmed.
    store.fail('writeTokens', notReplicated())
    await garner.invalidate('W')
    first.pass()
    await landing
    // The second is still queued (its retry fails too): values bound to W bypass the store.
    store.fail('writeTokens', notReplicated())
    expect(await garner.fetch('k', loader, { bind: 'W' })).toBe(2)
    expect(await garner.fetch('k', loader, { bind: 'W' })).toBe(3)
    expect(loads()).toBe(3)
  })
})

describe('engine: freshness', () => {
  it('never counts an entry stored under fewer bindings as fresh for a fetch with more', async () => {
    const garner = createGarner()
    expect(await garner.fetch('k', () => 'one', { bind: 'W' })).toBe('one')
    expect(await garner.fetch('k', () => 'two', { bind: [{ model: 'W' }, { model: 'X' }] })).toBe(
      'two',
    )
    expect(await garner.fetch('k', () => 'three', { bind: [{ model: 'W' }, { model: 'X' }] })).toBe(
      'two',
    )
  })

  it('the same through a remote store', async () => {
    const { garner } = setup()
    expect(await garner.fetch('k', () => 'one', { bind: 'W' })).toBe('one')
    expect(await garner.fetch('k', () => 'two', { bind: [{ model: 'W' }, { model: 'X' }] })).toBe(
      'two',
    )
    expect(await garner.fetch('k', () => 'three', { bind: [{ model: 'W' }, { model: 'X' }] })).toBe(
      'two',
    )
  })

  it('writes first tokens only for the bindings that have none', async () => {
    const { store, garner, loader } = setup()
    await garner.fetch('w', loader, { bind: 'W' })
    expect(store.tokenWrites.at(-1)?.map(([key]) => key)).toEqual(['garner:tm:"W"'])
    await garner.fetch('wx', loader, { bind: [{ model: 'W' }, { model: 'X' }] })
    expect(store.tokenWrites.at(-1)?.map(([key]) => key)).toEqual(['garner:tm:"X"'])
    expect(store.tokenWrites).toHaveLength(2)
  })

  it('never lets a fetch after an invalidation join a load that started before it', async () => {
    const garner = createGarner()
    let release!: () => void
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const first = garner.fetch(
      'k',
      async () => {
        await held
        return 'old'
      },
      { bind: 'W' },
    )
    await new Promise((resolve) => setTimeout(resolve, 0))
    await garner.invalidate('W')
    const second = garner.fetch('k', () => 'new', { bind: 'W' })
    release()
    expect(await first).toBe('old')
    expect(await second).toBe('new')
  })

  it('never lets a fetch join a load that started before an invalidation, even while the store is unreachable', async () => {
    const { store, garner } = setup()
    store.fail('read')
    let release!: () => void
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    // The read fails (the breaker opens): the load runs without a snapshot of the tokens.
    const first = garner.fetch(
      'k',
      async () => {
        await held
        return 'old'
      },
      { bind: 'W' },
    )
    await new Promise((resolve) => setTimeout(resolve, 0))
    await garner.invalidate('W')
    const second = garner.fetch('k', () => 'new', { bind: 'W' })
    release()
    expect(await first).toBe('old')
    expect(await second).toBe('new')
  })

  it('reports how long the loader took', async () => {
    const garner = createGarner()
    const durations: number[] = []
    garner.on('load', (event) => durations.push(event.duration))
    await garner.fetch('k', () => {
      vi.setSystemTime(Date.now() + 250)
      return 1
    })
    expect(durations).toEqual([250])
  })

  it('reports a stale entry as stale and a missing one as absent', async () => {
    const { garner } = setup()
    const reasons: string[] = []
    garner.on('miss', (event) => reasons.push(event.reason))
    await garner.fetch('k', () => 1, { bind: 'W' })
    await garner.invalidate('W')
    await garner.fetch('k', () => 2, { bind: 'W' })
    expect(reasons).toEqual(['absent', 'stale'])
  })
})

describe('engine: hits', () => {
  it('runs one loader for concurrent fetches of a key bound to a new instance (in process)', async () => {
    // The first fetch writes the instance's first tokens synchronously: the later ones read them
    // and must still join its load rather than start their own.
    const garner = createGarner()
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let calls = 0
    const loader = async (): Promise<string> => {
      calls += 1
      await gate
      return 'loaded once'
    }
    const fetches = Array.from({ length: 50 }, () =>
      garner.fetch('cold', loader, { bind: ['Stampede', 1] }),
    )
    await new Promise((resolve) => setTimeout(resolve, 5))
    fetches.push(garner.fetch('cold', loader, { bind: ['Stampede', 1] }))
    release()
    expect(await Promise.all(fetches)).toEqual(fetches.map(() => 'loaded once'))
    expect(calls).toBe(1)
  })

  it('reads again, rather than loading, when its read was answered after a load of its generation finished', async () => {
    // A remote read sent before a load's entry write landed can come back after the load is
    // done, holding its tokens but not its entry (a Redis Cluster answers the entry and the
    // tokens from different nodes). A second read finds the entry that load stored.
    const { store, garner } = setup()
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let calls = 0
    const loader = async (): Promise<string> => {
      calls += 1
      await gate
      return 'loaded once'
    }
    const first = garner.fetch('cold', loader, { bind: ['Stampede', 1] })
    await vi.waitFor(() => expect(calls).toBe(1))
    const reply = store.late('read')
    const late = garner.fetch('cold', loader, { bind: ['Stampede', 1] })
    await reply.reached
    release()
    expect(await first).toBe('loaded once')
    const readsBefore = store.calls.read
    reply.pass()
    expect(await late).toBe('loaded once')
    expect(calls).toBe(1)
    expect(store.calls.read).toBe(readsBefore + 1)
    // A read sent after the load finished and missing (the entry evicted) loads again.
    store.inner.clear()
    expect(await garner.fetch('cold', () => 'reloaded', { bind: ['Stampede', 1] })).toBe('reloaded')
  })

  it('keeps the tag of a value with Dates as loaded, whatever a caller does to its Date', async () => {
    const garner = createGarner()
    const value = await garner.fetch('d', () => ({ at: new Date(0) }))
    value.at.setTime(1_000)
    const { etag } = await garner.entry('d', () => ({ at: new Date(5) }))
    const fresh = await createGarner().entry('d', () => ({ at: new Date(0) }))
    expect(etag).toBe(fresh.etag)
  })

  it('answers a fetch from the in-process store without writing the body, and a body read with it', async () => {
    const store = memoryStore()
    const garner = createGarner({ store })
    await garner.fetch('k', () => ({ a: 'x' }), { bind: 'W' })
    const { key, tokenKeys } = garner.key('k').bind('W').describe()
    const keys = { entry: key, body: key.replace(':e:', ':b:') }
    expect(store.readNow(keys, tokenKeys, false).body).toBeUndefined()
    expect(store.readNow(keys, tokenKeys, true).body).toBe('{"a":"x"}')
    expect(await garner.fetch('k', () => ({ a: 'y' }), { bind: 'W' })).toEqual({ a: 'x' })
  })

  it('answers an in-process store from one synchronous read: a hit at once, a miss from the same read', async () => {
    const store = memoryStore()
    let reads = 0
    const read = store.read.bind(store)
    store.read = (...args) => {
      reads += 1
      return read(...args)
    }
    const garner = createGarner({ store })
    const hits: string[] = []
    garner.on('hit', (event) => hits.push(event.key))
    await garner.fetch('k', () => 1, { bind: 'W' })
    const afterMiss = reads
    expect(await garner.fetch('k', () => 2, { bind: 'W' })).toBe(1)
    expect(reads).toBe(afterMiss)
    expect(hits).toEqual([garner.key('k').bind('W').describe().key])
    // A stale entry is reloaded from that same read: the store is not read a second time.
    await garner.invalidate('W')
    expect(await garner.fetch('k', () => 3, { bind: 'W' })).toBe(3)
    expect(reads).toBe(afterMiss)
    expect(hits).toHaveLength(1)
  })

  it('names the entry in hit events from a remote store', async () => {
    const { garner, loader } = setup()
    const hits: string[] = []
    garner.on('hit', (event) => hits.push(event.key))
    const tiers: string[] = []
    garner.on('hit', (event) => tiers.push(event.tier))
    await garner.fetch('k', loader)
    await garner.fetch('k', loader)
    expect(hits).toEqual([garner.key('k').describe().key])
    // A read that names no tier comes from the store.
    expect(tiers).toEqual(['store'])
    expect(garner.stats().hitsByTier).toEqual({ near: 0, store: 1 })
    expect(hits[0]).toMatch(/^garner:e:/)
  })
})

describe('engine: the body, read apart from the metadata', () => {
  it('reads the body after metadata when the client sent validators that do not match', async () => {
    const { store, garner, loads, loader } = setup()
    const first = await garner.identity({ request: request() }).key('r').respond(loader)
    expect(first).toMatchObject({ status: 200, body: '1' })
    // A GET without validators read the body with the metadata: no separate body read.
    expect(store.calls.readBody).toBe(0)
    const bodies = store.calls.readBody
    const reads = store.calls.read
    const second = await garner
      .identity({ request: request({ 'if-none-match': '"nope"' }) })
      .key('r')
      .respond(loader)
    expect(second).toMatchObject({ status: 200, body: '1' })
    expect(second?.headers.ETag).toBe(first?.headers.ETag)
    expect(store.calls.readBody).toBe(bodies + 1)
    expect(store.calls.read).toBe(reads + 1)
    expect(loads()).toBe(1)
  })

  it('answers a 304 from the metadata alone', async () => {
    const { store, garner, loader } = setup()
    const first = await garner.identity({ request: request() }).key('r').respond(loader)
    const bodies = store.calls.readBody
    const again = await garner
      .identity({ request: request({ 'if-none-match': first!.headers.ETag! }) })
      .key('r')
      .respond(loader)
    expect(again).toMatchObject({ status: 304, body: undefined })
    expect(store.calls.readBody).toBe(bodies)
  })

  it('reloads when the body is gone or belongs to another version, and when it cannot be read', async () => {
    const { store, garner, errors, loads, loader } = setup()
    await garner.identity({ request: request() }).key('r').respond(loader)
    const stale = request({ 'if-none-match': '"nope"' })

    store.answer('readBody', undefined)
    const reloaded = await garner.identity({ request: stale }).key('r').respond(loader)
    // The full read found the entry with its body: no second load.
    expect(reloaded).toMatchObject({ status: 200, body: '1' })
    expect(loads()).toBe(1)

    store.answer('readBody', undefined)
    store.through('read')
    store.answer('read', {
      meta: undefined,
      body: undefined,
      hasValue: false,
      tokens: [],
    } satisfies StoreRead)
    const gone = await garner.identity({ request: stale }).key('r').respond(loader)
    expect(gone).toMatchObject({ status: 200, body: '2' })
    expect(loads()).toBe(2)

    const failure = new Error('body read failed')
    store.fail('readBody', failure)
    const afterFailure = await garner.identity({ request: stale }).key('r').respond(loader)
    expect(afterFailure?.status).toBe(200)
    expect(errors.at(-1)).toMatchObject({ operation: 'read' })
    expect(errors.at(-1)?.error.cause).toBe(failure)
  })

  it('treats an entry whose body is gone as absent when the body is needed', async () => {
    const { store, garner, errors, loader } = setup()
    await garner.identity({ request: request() }).key('r').respond(loader)
    const reasons: string[] = []
    garner.on('miss', (event) => reasons.push(event.reason))
    const read = await store.read(store.keysRead[0]!, [], true)
    store.answer('read', { ...read, body: undefined })
    const again = await garner.identity({ request: request() }).key('r').respond(loader)
    expect(again).toMatchObject({ status: 200, body: '2' })
    expect(reasons).toEqual(['absent'])
    expect(errors).toEqual([])
  })

  it('answers HEAD from the metadata, with the body length', async () => {
    const { store, garner, loader } = setup()
    await garner
      .identity({ request: request() })
      .key('r')
      .respond(() => ({ a: 'é' }))
    const bodies = store.calls.readBody
    const head = await garner
      .identity({ request: request({}, 'HEAD') })
      .key('r')
      .respond(loader)
    expect(head).toMatchObject({ status: 200, body: undefined })
    expect(head?.headers['Content-Length']).toBe(String(Buffer.byteLength('{"a":"é"}')))
    expect(store.calls.readBody).toBe(bodies)
  })
})

describe('engine: corrupt entries', () => {
  it('reports a body it cannot parse, reloads, and overwrites it', async () => {
    const { store, garner, errors, loads, loader } = setup()
    await garner.fetch('a', loader)
    const read = await store.read(store.keysRead[0]!, [], true)
    expect(read.meta).toBeDefined()
    store.answer('read', { ...read, body: '{not json' })
    expect(await garner.fetch('a', loader)).toBe(2)
    expect(loads()).toBe(2)
    expect(errors).toHaveLength(1)
    expect(errors[0]?.operation).toBe('read')
    expect(errors[0]?.error.code).toBe('GARNER_CORRUPT_ENTRY')
    expect(errors[0]?.error.message).toMatch(/cannot parse under garner:b:.*treated as a miss/)
    expect(errors[0]?.error.cause).toBeInstanceOf(SyntaxError)
    expect(errors[0]?.key).toMatch(/^garner:b:/)
    // The reload was stored: the next fetch hits.
    expect(await garner.fetch('a', loader)).toBe(2)
  })

  it('reports what a store flags as corrupt, and treats it as a miss', async () => {
    const { store, garner, errors, loader } = setup()
    const corrupt = new GarnerError('GARNER_CORRUPT_ENTRY', 'unreadable meta')
    store.answer('read', { meta: undefined, body: undefined, hasValue: false, tokens: [], corrupt })
    expect(await garner.fetch('a', loader)).toBe(1)
    expect(errors).toEqual([expect.objectContaining({ error: corrupt, operation: 'read' })])
    expect(await garner.fetch('a', loader)).toBe(1)
  })

  it('reads everything as absent when the store throws a corrupt-entry error, and keeps the breaker closed', async () => {
    const { store, garner, errors, loader } = setup()
    await garner.fetch('a', loader, { bind: 'W' })
    const corrupt = new GarnerError('GARNER_CORRUPT_ENTRY', 'unreadable token')
    store.fail('read', corrupt)
    // Absent tokens and entry: fresh tokens and a fresh entry are written over them.
    expect(await garner.fetch('a', loader, { bind: 'W' })).toBe(2)
    expect(errors).toEqual([expect.objectContaining({ error: corrupt, operation: 'read' })])
    expect(await garner.fetch('a', loader, { bind: 'W' })).toBe(2)
  })
})

describe('engine: store errors', () => {
  it('reports each failed call on error once, with its operation and key, and not the refusals of the open breaker', async () => {
    const { store, garner, errors, loader } = setup()
    const reasons: string[] = []
    garner.on('miss', (event) => reasons.push(event.reason))
    store.fail('read', new Error('read down'))
    expect(await garner.fetch('a', loader)).toBe(1)
    expect(reasons).toEqual(['unavailable'])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ operation: 'read', key: store.keysRead[0]?.entry })
    expect(store.keysRead[0]?.entry).toMatch(/^garner:e:/)
    expect(errors[0]?.error).toBeInstanceOf(GarnerError)
    expect(errors[0]?.error.code).toBe('GARNER_STORE_ERROR')
    expect(errors[0]?.error.message).toContain('read down')

    // Open breaker: nothing reaches the store, nothing new is reported.
    const calls = { ...store.calls }
    expect(await garner.fetch('a', loader)).toBe(2)
    await garner.invalidate('W')
    expect(errors).toHaveLength(1)
    expect(store.calls).toEqual(calls)

    afterBackoff()
    store.fail('write', new Error('write down'))
    expect(await garner.fetch('b', loader)).toBe(3)
    expect(errors.map((event) => event.operation)).toEqual(['read', 'write'])
    expect(errors[1]?.key).toBe(store.keysRead.at(-1)?.entry)
    expect(errors[1]?.key).not.toBe(errors[0]?.key)

    afterBackoff()
    expect(await garner.fetch('b', loader)).toBe(4)
    expect(await garner.fetch('b', loader)).toBe(4)
  })

  it('does not cache a value whose first tokens could not be written or read back', async () => {
    const { store, garner, errors, loader } = setup()
    store.fail('writeTokens')
    expect(await garner.fetch('a', loader, { bind: 'W' })).toBe(1)
    expect(store.calls.write).toBe(0)
    expect(errors.map((event) => event.operation)).toEqual(['write'])
    expect(errors[0]?.key).toBe('garner:tm:"W"')

    afterBackoff()
    // The tokens land, but reading them back fails.
    store.answer('read', { meta: undefined, body: undefined, hasValue: false, tokens: [undefined] })
    store.fail('read')
    expect(await garner.fetch('a', loader, { bind: 'W' })).toBe(2)
    expect(store.calls.write).toBe(0)
    expect(errors.map((event) => event.operation)).toEqual(['write', 'read'])

    afterBackoff()
    // Read back, but still absent (expired at once, evicted): not cached either.
    store.answer('read', { meta: undefined, body: undefined, hasValue: false, tokens: [undefined] })
    store.answer('read', { meta: undefined, body: undefined, hasValue: false, tokens: [undefined] })
    expect(await garner.fetch('a', loader, { bind: 'W' })).toBe(3)
    expect(store.calls.write).toBe(0)

    expect(await garner.fetch('a', loader, { bind: 'W' })).toBe(4)
    expect(store.calls.write).toBe(1)
    expect(await garner.fetch('a', loader, { bind: 'W' })).toBe(4)
  })

  it('emits nothing when nobody listens, and keeps serving', async () => {
    const store = new ControlledStore()
    const garner = createGarner({ store, storeTimeout: 60_000 })
    store.fail('read')
    expect(await garner.fetch('a', () => 1)).toBe(1)
  })
})

/** A remote store that can claim keys, as Redis does with `SET NX PX` (claims kept in a map). */
class ClaimingStore extends ControlledStore {
  /** How the next claims answer: taken by this process, held by another, or failing. */
  claimAnswer: 'mine' | 'elsewhere' | 'fail' = 'mine'
  releaseFails = false
  readonly claims: { key: string; ttl: number }[] = []
  readonly released: string[] = []

  async claim(key: string, ttl: number): Promise<boolean> {
    this.claims.push({ key, ttl })
    if (this.claimAnswer === 'fail') throw new Error('claim failed')
    return this.claimAnswer === 'mine'
  }

  async release(key: string): Promise<void> {
    this.released.push(key)
    if (this.releaseFails) throw new Error('release failed')
  }
}

function staleSetup(
  freshness: { loaderTimeout?: number; staleWhileRevalidate?: number } = {},
  store = new ClaimingStore(),
) {
  const garner = createGarner({
    store,
    storeTimeout: 60_000,
    ttl: 1_000,
    staleWhileRevalidate: 5_000,
    ...freshness,
  })
  const errors: ErrorEvent[] = []
  garner.on('error', (event) => errors.push(event))
  const refreshes: boolean[] = []
  garner.on('refresh', (event) => refreshes.push(event.ok))
  let version = 0
  const loader = (): number => ++version
  const entryKey = garner.key('k').describe().key
  return { store, garner, errors, refreshes, loader, loads: () => version, entryKey }
}

describe('engine: refreshes shared between processes (stores that can claim a key)', () => {
  it('claims the refresh key for as long as a refresh may take, refreshes, then releases it', async () => {
    const { store, garner, refreshes, loader, entryKey } = staleSetup()
    const hits: { tier: string; stale: boolean | undefined }[] = []
    garner.on('hit', ({ tier, stale }) => hits.push({ tier, stale }))
    expect(await garner.fetch('k', loader)).toBe(1)
    vi.setSystemTime(Date.now() + 1_500)
    expect(await garner.fetch('k', loader)).toBe(1)
    expect(hits).toEqual([{ tier: 'store', stale: true }])
    await vi.waitFor(() => expect(refreshes).toEqual([true]))
    const claimKey = entryKey.replace(/^garner:e:/, 'garner:r:')
    expect(claimKey).not.toBe(entryKey)
    // Without a loaderTimeout, a claim lasts 10 s, but never longer than the stale window.
    expect(store.claims).toEqual([{ key: claimKey, ttl: 5_000 }])
    await vi.waitFor(() => expect(store.released).toEqual([claimKey]))
    expect(await garner.fetch('k', loader)).toBe(2)
  })

  it('claims for the loader timeout when it is shorter than the stale window', async () => {
    const { store, garner, refreshes, loader } = staleSetup({ loaderTimeout: 300 })
    await garner.fetch('k', loader)
    vi.setSystemTime(Date.now() + 1_500)
    await garner.fetch('k', loader)
    await vi.waitFor(() => expect(refreshes).toEqual([true]))
    expect(store.claims.map(({ ttl }) => ttl)).toEqual([300])
  })

  it('leaves the refresh to the process holding the claim for as long as the claim lasts', async () => {
    // A claim of 10 s (the default), inside a stale window of 20 s.
    const { store, garner, refreshes, loader, loads } = staleSetup({ staleWhileRevalidate: 20_000 })
    await garner.fetch('k', loader)
    store.claimAnswer = 'elsewhere'
    vi.setSystemTime(Date.now() + 1_500)
    expect(await garner.fetch('k', loader)).toBe(1)
    await vi.waitFor(() => expect(store.claims).toHaveLength(1))
    await new Promise((resolve) => setTimeout(resolve, 10))
    // The other process refreshes: this one neither loads, nor reports a refresh, nor releases.
    expect(loads()).toBe(1)
    expect(refreshes).toEqual([])
    expect(store.released).toEqual([])
    // Within the claim's ttl the same stale entry is answered without asking again ...
    vi.setSystemTime(Date.now() + 4_000)
    expect(await garner.fetch('k', loader)).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(store.claims).toHaveLength(1)
    // ... and once it has run out (the other process died), this process claims it itself.
    store.claimAnswer = 'mine'
    vi.setSystemTime(Date.now() + 6_100)
    expect(await garner.fetch('k', loader)).toBe(1)
    await vi.waitFor(() => expect(refreshes).toEqual([true]))
    expect(store.claims).toHaveLength(2)
    expect(await garner.fetch('k', loader)).toBe(2)
  })

  it('refreshes anyway when the claim cannot be made, reporting the failure and releasing nothing', async () => {
    const { store, garner, errors, refreshes, loader, loads, entryKey } = staleSetup()
    await garner.fetch('k', loader)
    store.claimAnswer = 'fail'
    vi.setSystemTime(Date.now() + 1_500)
    // The refresh outlasts the circuit breaker's backoff, so a release would reach the store.
    const slowLoader = () => {
      afterBackoff()
      return loader()
    }
    expect(await garner.fetch('k', slowLoader)).toBe(1)
    await vi.waitFor(() => expect(refreshes).toEqual([true]))
    expect(errors.map(({ operation, key }) => ({ operation, key }))).toEqual([
      { operation: 'write', key: entryKey },
    ])
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(store.released).toEqual([])
    expect(loads()).toBe(2)
  })

  it('asks for the claim once while its refresh runs', async () => {
    const { store, garner, refreshes } = staleSetup()
    await garner.fetch('k', () => 1)
    vi.setSystemTime(Date.now() + 1_500)
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const gated = async () => {
      await gate
      return 2
    }
    expect(await garner.fetch('k', gated)).toBe(1)
    await vi.waitFor(() => expect(store.claims).toHaveLength(1))
    expect(await garner.fetch('k', gated)).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(store.claims).toHaveLength(1)
    release()
    await vi.waitFor(() => expect(refreshes).toEqual([true]))
  })

  it('refreshes again when the refreshed entry goes stale in its turn', async () => {
    const { store, garner, refreshes, loader } = staleSetup()
    await garner.fetch('k', loader)
    vi.setSystemTime(Date.now() + 1_500)
    await garner.fetch('k', loader)
    await vi.waitFor(() => expect(refreshes).toEqual([true]))
    expect(await garner.fetch('k', loader)).toBe(2)
    // The entry the refresh wrote is another entry: once stale, it is refreshed too.
    vi.setSystemTime(Date.now() + 1_500)
    expect(await garner.fetch('k', loader)).toBe(2)
    await vi.waitFor(() => expect(refreshes).toEqual([true, true]))
    expect(store.claims).toHaveLength(2)
    expect(await garner.fetch('k', loader)).toBe(3)
  })

  it('releases nothing on a store that can claim but not release', async () => {
    const claimOnly = new ClaimingStore()
    Object.defineProperty(claimOnly, 'release', { value: undefined })
    const { store, garner, errors, refreshes, loader } = staleSetup({}, claimOnly)
    await garner.fetch('k', loader)
    vi.setSystemTime(Date.now() + 1_500)
    await garner.fetch('k', loader)
    await vi.waitFor(() => expect(refreshes).toEqual([true]))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(errors).toEqual([])
    expect(store.released).toEqual([])
  })

  it('reports a release that fails, and keeps the refreshed value', async () => {
    const { store, garner, errors, refreshes, loader, entryKey } = staleSetup()
    await garner.fetch('k', loader)
    store.releaseFails = true
    vi.setSystemTime(Date.now() + 1_500)
    await garner.fetch('k', loader)
    await vi.waitFor(() => expect(refreshes).toEqual([true]))
    await vi.waitFor(() =>
      expect(errors.map(({ operation, key }) => ({ operation, key }))).toEqual([
        { operation: 'write', key: entryKey },
      ]),
    )
    expect(await garner.fetch('k', loader)).toBe(2)
  })

  it('starts no second refresh for a read that comes back with the entry a refresh just replaced', async () => {
    const { store, garner, refreshes, loader, loads } = staleSetup()
    await garner.fetch('k', loader)
    vi.setSystemTime(Date.now() + 1_500)
    // This read reaches the store before the refresh's write and answers after it.
    const reply = store.late('read')
    const late = garner.fetch('k', loader)
    await reply.reached
    expect(await garner.fetch('k', loader)).toBe(1)
    await vi.waitFor(() => expect(refreshes).toEqual([true]))
    reply.pass()
    expect(await late).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(loads()).toBe(2)
    expect(store.claims).toHaveLength(1)
    expect(await garner.fetch('k', loader)).toBe(2)
  })
})

/** A remote store with a near tier in front, as the near cache is: `readNow` answers from memory. */
class NearStore extends ControlledStore {
  serving = true
  nearReads = 0

  readNow(keys: EntryKeys, tokenKeys: readonly string[], withBody = true): StoreRead | undefined {
    this.nearReads += 1
    if (!this.serving) return undefined
    const read = this.inner.readNow(keys, tokenKeys, withBody)
    if (read.meta === undefined || read.tokens.includes(undefined)) return undefined
    return { ...read, tier: 'near' }
  }
}

describe('engine: a near tier in front of a remote store', () => {
  function nearSetup() {
    const store = new NearStore()
    const garner = createGarner({ store, storeTimeout: 60_000 })
    const tiers: string[] = []
    garner.on('hit', (event) => tiers.push(event.tier))
    return { store, garner, tiers }
  }

  it('answers a hit from memory without a store read, and counts it as a near hit', async () => {
    const { store, garner, tiers } = nearSetup()
    expect(await garner.fetch('k', () => 1, { bind: 'W' })).toBe(1)
    const reads = store.calls.read
    expect(await garner.fetch('k', () => 2, { bind: 'W' })).toBe(1)
    expect(store.calls.read).toBe(reads)
    expect(tiers).toEqual(['near'])
    expect(garner.stats().hitsByTier).toEqual({ near: 1, store: 0 })
    // A response reads the near tier too, with the body.
    const respond = (value: number) =>
      garner
        .identity({ request: request() })
        .key('r')
        .bind('W')
        .respond(() => value)
    expect(await respond(3)).toMatchObject({ status: 200, body: '3' })
    const readsBefore = store.calls.read
    expect(await respond(4)).toMatchObject({ status: 200, body: '3' })
    expect(store.calls.read).toBe(readsBefore)
    expect(tiers).toEqual(['near', 'near'])
  })

  it('reads the store when the near tier does not hold the key, and counts a store hit', async () => {
    const { store, garner, tiers } = nearSetup()
    await garner.fetch('k', () => 1)
    store.serving = false
    const reads = store.calls.read
    expect(await garner.fetch('k', () => 2)).toBe(1)
    expect(store.calls.read).toBe(reads + 1)
    expect(tiers).toEqual(['store'])
    expect(garner.stats().hitsByTier).toEqual({ near: 0, store: 1 })
  })

  it('answers a 200 from the near tier without a separate body read', async () => {
    const { store, garner } = nearSetup()
    const respond = (value: number, headers: Record<string, string> = {}) =>
      garner
        .identity({ request: request(headers) })
        .key('r')
        .respond(() => value)
    await respond(1)
    expect(await respond(2, { 'if-none-match': '"other"' })).toMatchObject({
      status: 200,
      body: '1',
    })
    expect(store.calls.readBody).toBe(0)
  })

  it('reads the near tier again after a failed body read, and answers from it', async () => {
    const { store, garner } = nearSetup()
    let loads = 0
    const respond = (headers: Record<string, string> = {}) =>
      garner
        .identity({ request: request(headers) })
        .key('r')
        .respond(() => ++loads)
    await respond()
    // The metadata comes from the store (the near tier does not answer), without the body ...
    store.serving = false
    const bodyRead = store.hold('readBody')
    const answer = respond({ 'if-none-match': '"other"' })
    await bodyRead.reached
    // ... whose read fails once the near tier holds the entry again.
    store.serving = true
    bodyRead.fail()
    expect(await answer).toMatchObject({ status: 200, body: '1' })
    expect(loads).toBe(1)
  })

  it('never answers from memory a value bound to an invalidation still queued', async () => {
    const { store, garner } = nearSetup()
    expect(await garner.fetch('k', () => 'old', { bind: 'W' })).toBe('old')
    store.fail('writeTokens')
    await garner.invalidate('W')
    // The near tier still holds the old entry and its old token; the store cannot be told.
    const nearReads = store.nearReads
    expect(await garner.fetch('k', () => 'new', { bind: 'W' })).toBe('new')
    expect(store.nearReads).toBe(nearReads)
    // Once the invalidation lands, the near tier answers again.
    afterBackoff()
    expect(await garner.fetch('k', () => 'newer', { bind: 'W' })).toBe('newer')
    expect(await garner.fetch('k', () => 'newest', { bind: 'W' })).toBe('newer')
    expect(store.nearReads).toBeGreaterThan(nearReads)
  })
})

describe('engine: paths a mutation run found untested', () => {
  it('serves a store that offers no synchronous read, hits included', async () => {
    // An in-process driver without readNow (a custom store): every read goes through read().
    const inner = memoryStore()
    const store: StoreDriver = {
      kind: 'keyv',
      remote: false,
      read: (keys, tokenKeys, withBody) => inner.read(keys, tokenKeys, withBody),
      readBody: (keys, etag) => inner.readBody(keys, etag),
      write: (keys, record, ttl) => inner.write(keys, record, ttl),
      writeTokens: (tokens, ttl) => inner.writeTokens(tokens, ttl),
    }
    const garner = createGarner({ store })
    let loads = 0
    const loader = () => ++loads
    expect(await garner.fetch('k', loader, { bind: 'W' })).toBe(1)
    expect(await garner.fetch('k', loader, { bind: 'W' })).toBe(1)
    expect(garner.stats().hits).toBe(1)
  })

  it('reports the failed loader with how long it took', async () => {
    const garner = createGarner()
    const loads: { duration: number; failed: boolean }[] = []
    garner.on('load', (event) => loads.push({ duration: event.duration, failed: 'error' in event }))
    await expect(
      garner.fetch('k', () => {
        vi.setSystemTime(Date.now() + 250)
        throw new Error('database down')
      }),
    ).rejects.toThrow('database down')
    expect(loads).toEqual([{ duration: 250, failed: true }])
  })

  it('treats an entry whose body is gone as absent for a fetch too, without reporting it as corrupt', async () => {
    const { store, garner, errors, loads, loader } = setup()
    expect(await garner.fetch('k', loader)).toBe(1)
    // The metadata is there, the body is not (evicted, or half of a write that failed).
    const { tier: _tier, ...read } = await store.inner.read(store.keysRead.at(-1)!, [], false)
    store.answer('read', { ...read, body: undefined, value: undefined, hasValue: false })
    expect(await garner.fetch('k', loader)).toBe(2)
    expect(loads()).toBe(2)
    expect(errors).toEqual([])
  })

  it('answers a body read that failed with the body the store holds, never with the failure', async () => {
    const { store, garner, loader } = setup()
    await garner.identity({ request: request() }).key('r').respond(loader)
    const stale = request({ 'if-none-match': '"nope"' })
    store.fail('readBody')
    // The failure opened the circuit breaker: the entry is loaded again, and sent.
    const answer = await garner.identity({ request: stale }).key('r').respond(loader)
    expect(answer).toMatchObject({ status: 200, body: '2' })
  })

  it('tries the loader again after its backoff for a stale entry without a ttl', async () => {
    const garner = createGarner({ staleIfError: 60_000, staleAfterInvalidate: true })
    let calls = 0
    let failing = true
    const loader = (): string => {
      calls += 1
      if (failing) throw new Error('database down')
      return `v${calls}`
    }
    failing = false
    expect(await garner.fetch('k', loader, { bind: 'W' })).toBe('v1')
    await garner.invalidate('W')
    failing = true
    expect(await garner.fetch('k', loader, { bind: 'W' })).toBe('v1')
    // Within the backoff the stale value answers without trying the loader ...
    failing = false
    expect(await garner.fetch('k', loader, { bind: 'W' })).toBe('v1')
    expect(calls).toBe(2)
    // ... and after it, the loader runs again.
    vi.setSystemTime(Date.now() + 2_000)
    expect(await garner.fetch('k', loader, { bind: 'W' })).toBe('v3')
  })

  it('starts no refresh when the stale value answers for a failed loader', async () => {
    const garner = createGarner({ ttl: 1_000, staleIfError: 5_000 })
    const refreshes: boolean[] = []
    garner.on('refresh', (event) => refreshes.push(event.ok))
    const operations: string[] = []
    garner.on('error', (event) => operations.push(event.operation))
    await garner.fetch('k', () => 'v1')
    vi.setSystemTime(Date.now() + 1_500)
    expect(
      await garner.fetch('k', () => {
        throw new Error('database down')
      }),
    ).toBe('v1')
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(refreshes).toEqual([])
    expect(operations).toEqual(['load'])
  })

  it('reports each background refresh, with how long it took, on the in-process store too', async () => {
    const garner = createGarner({ ttl: 1_000, staleWhileRevalidate: 5_000 })
    const refreshes: { key: string; ok: boolean; duration: number }[] = []
    // Not vi.waitFor: it moves the faked clock, and the durations are read from it.
    const refreshed = () =>
      new Promise<void>((resolve) => {
        const off = garner.on('refresh', (event) => {
          refreshes.push(event)
          off()
          resolve()
        })
      })
    const slow =
      (value: string, fail = false) =>
      (): string => {
        vi.setSystemTime(Date.now() + 250)
        if (fail) throw new Error('database down')
        return value
      }
    await garner.fetch('k', () => 'v1')
    vi.setSystemTime(Date.now() + 1_500)
    let done = refreshed()
    expect(await garner.fetch('k', slow('v2'))).toBe('v1')
    await done
    vi.setSystemTime(Date.now() + 1_500)
    done = refreshed()
    expect(await garner.fetch('k', slow('v3', true))).toBe('v2')
    await done
    const key = garner.key('k').describe().key
    expect(refreshes).toEqual([
      { key, ok: true, duration: 250 },
      { key, ok: false, duration: 250 },
    ])
  })

  it('waits for a slow loader when no loaderTimeout is set, even with a stale value at hand', async () => {
    const garner = createGarner({ ttl: 1_000, staleIfError: 5_000 })
    await garner.fetch('k', () => 'v1')
    vi.setSystemTime(Date.now() + 1_500)
    const slow = async (): Promise<string> => {
      await new Promise((resolve) => setTimeout(resolve, 30))
      return 'v2'
    }
    expect(await garner.fetch('k', slow)).toBe('v2')
  })

  it('says what failed and what to do, when a stale value answers for the loader or the loader times out', async () => {
    const garner = createGarner({ ttl: 1_000, staleIfError: 5_000 })
    const messages: string[] = []
    garner.on('error', (event) => messages.push(event.error.message))
    await garner.fetch('k', () => 'v1')
    vi.setSystemTime(Date.now() + 1_500)
    const key = garner.key('k').describe().key
    await garner.fetch('k', () => {
      throw new Error('database down')
    })
    expect(messages).toEqual([
      `The loader for ${key} failed: database down. Garner answered with the stale value and will retry the loader after a backoff.`,
    ])
    const never = new Promise<string>(() => {})
    await expect(garner.fetch('slow', () => never, { loaderTimeout: 5 })).rejects.toThrow(
      `The loader for ${garner.key('slow').describe().key} did not finish within loaderTimeout (5 ms). It keeps running and its value is cached when it finishes; set staleIfError to answer with the previous value meanwhile, or raise loaderTimeout.`,
    )
  })

  it('counts a loader timeout toward the backoff, and forgets the timer of a load that finished in time', async () => {
    const garner = createGarner({
      ttl: 1_000,
      staleIfError: 60_000,
      // Long enough that a busy machine never times out the in-process load below.
      loaderTimeout: 400,
      loaderBackoff: { min: 10_000, max: 60_000 },
    })
    // A load that finishes in time leaves no timer behind to count a failure later.
    await garner.fetch('fast', () => 'v1')
    await new Promise((resolve) => setTimeout(resolve, 500))
    vi.setSystemTime(Date.now() + 1_500)
    expect(await garner.fetch('fast', () => 'v2')).toBe('v2')

    // A load that times out starts the backoff then (10 s); its failure 5 s later belongs to
    // that attempt. 12 s after the timeout the loader is tried again.
    await garner.fetch('slow', () => 'v1')
    vi.setSystemTime(Date.now() + 1_500)
    let fail!: (error: Error) => void
    const failing = new Promise<string>((_, reject) => {
      fail = reject
    })
    expect(await garner.fetch('slow', () => failing)).toBe('v1')
    vi.setSystemTime(Date.now() + 5_000)
    fail(new Error('database down'))
    await new Promise((resolve) => setTimeout(resolve, 10))
    vi.setSystemTime(Date.now() + 7_000)
    expect(await garner.fetch('slow', () => 'v3')).toBe('v3')
  })
})
