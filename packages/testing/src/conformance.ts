// The core contract as one suite, run against every store (the in-process store, Redis through
// Keyv, and any store a user wants to check), the way keyv's adapters share one test suite.
import type { Garner, GarnerEvents } from '@garner/core'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deferred, sleep } from './deferred.js'
import { describeFreshness } from './freshness-conformance.js'
import type { OpenStore, TestGarnerOptions } from './store-target.js'

/**
 * Registers the core conformance suite. `setup` runs once before the suite (start a server,
 * open a connection) and returns the opened store (see {@link storeTarget}).
 */
export function describeGarnerConformance(
  name: string,
  setup: () => Promise<OpenStore> | OpenStore,
): void {
  describe(`Garner core conformance: ${name}`, () => {
    let target: OpenStore
    beforeAll(async () => {
      target = await setup()
    })
    afterAll(async () => {
      await target?.close?.()
    })
    const garner = (options?: TestGarnerOptions): Garner => target.garner(options)

    describe('fetch', () => {
      it('runs the loader on a miss and answers the next fetch from the cache', async () => {
        const cache = garner()
        const loader = counter(() => ({ id: 42, name: 'Ada' }))
        expect(await cache.fetch('profile:42', loader)).toEqual({ id: 42, name: 'Ada' })
        expect(await cache.fetch('profile:42', loader)).toEqual({ id: 42, name: 'Ada' })
        expect(loader.calls).toBe(1)
      })

      it('caches null, false, 0 and the empty string, but never undefined', async () => {
        const cache = garner()
        for (const value of [null, false, 0, '']) {
          const loader = counter(() => value)
          expect(await cache.fetch(['falsy', String(value), typeof value], loader)).toBe(value)
          expect(await cache.fetch(['falsy', String(value), typeof value], loader)).toBe(value)
          expect(loader.calls).toBe(1)
        }
        const undefinedLoader = counter(() => undefined)
        expect(await cache.fetch('nothing', undefinedLoader)).toBeUndefined()
        expect(await cache.fetch('nothing', undefinedLoader)).toBeUndefined()
        expect(undefinedLoader.calls).toBe(2)
      })

      it('runs the loader once for concurrent fetches of one missing key', async () => {
        const cache = garner()
        const gate = deferred()
        const loader = counter(async () => {
          await gate.promise
          return { rows: [1, 2, 3] }
        })
        const fetches = Array.from({ length: 50 }, () => cache.fetch('stampede', loader))
        await sleep(20)
        gate.resolve()
        const values = await Promise.all(fetches)
        expect(loader.calls).toBe(1)
        for (const value of values) expect(value).toEqual({ rows: [1, 2, 3] })
      })

      it('runs the loader once for concurrent fetches of a missing key bound to a new instance', async () => {
        const cache = garner()
        // A read a remote store could not answer (a timeout on a loaded machine) runs a loader
        // of its own, as it cannot know whether it may join: those are counted apart.
        let unreadable = 0
        cache.on('miss', ({ reason }) => {
          if (reason === 'unavailable') unreadable += 1
        })
        const gate = deferred()
        const loader = counter(async () => {
          await gate.promise
          return 'loaded once'
        })
        // The first fetch writes the instance's first token: the later ones read it, and must
        // still join the first one's load rather than start their own.
        const fetches = Array.from({ length: 50 }, () =>
          cache.fetch('cold stampede', loader, { bind: ['Stampede', 1] }),
        )
        await sleep(20)
        fetches.push(cache.fetch('cold stampede', loader, { bind: ['Stampede', 1] }))
        gate.resolve()
        expect(await Promise.all(fetches)).toEqual(fetches.map(() => 'loaded once'))
        expect(loader.calls).toBe(unreadable === 0 ? 1 : Math.min(loader.calls, 1 + unreadable))
      })

      it('stores nothing when the loader throws, and the caller gets the same error', async () => {
        const cache = garner()
        const failure = new Error('database down')
        const failing = counter(() => {
          throw failure
        })
        await expect(cache.fetch('fails', failing)).rejects.toBe(failure)
        const rejecting = counter(() => Promise.reject(failure))
        await expect(cache.fetch('fails', rejecting)).rejects.toBe(failure)
        const working = counter(() => 'recovered')
        expect(await cache.fetch('fails', working)).toBe('recovered')
        expect(working.calls).toBe(1)
      })

      it('gives every concurrent caller the loader error, and caches nothing', async () => {
        const cache = garner()
        const gate = deferred()
        const failure = new Error('boom')
        const loader = counter(async () => {
          await gate.promise
          throw failure
        })
        const fetches = Array.from({ length: 5 }, () => cache.fetch('fails-together', loader))
        gate.resolve()
        for (const result of await Promise.allSettled(fetches)) {
          expect(result).toEqual({ status: 'rejected', reason: failure })
        }
        expect(loader.calls).toBe(1)
        expect(await cache.fetch('fails-together', () => 'ok')).toBe('ok')
      })

      it('round-trips Dates exactly, nested and at the root', async () => {
        const cache = garner()
        const value = {
          createdAt: new Date('2026-03-04T05:06:07.089Z'),
          history: [{ at: new Date(0) }, { at: new Date(1_700_000_000_123) }],
          label: '2026-03-04T05:06:07.089Z',
        }
        await cache.fetch('dated', () => value)
        const hit = (await cache.fetch('dated', () => undefined as unknown)) as typeof value
        expect(hit.createdAt).toBeInstanceOf(Date)
        expect(hit.createdAt.getTime()).toBe(value.createdAt.getTime())
        expect(hit.history[1]!.at.getTime()).toBe(1_700_000_000_123)
        expect(typeof hit.label).toBe('string')
        const root = new Date('2020-02-02T02:02:02.002Z')
        await cache.fetch('root-date', () => root)
        const rootHit = await cache.fetch('root-date', () => new Date(0))
        expect(rootHit).toBeInstanceOf(Date)
        expect(rootHit.getTime()).toBe(root.getTime())
      })

      it('refuses values it cannot store faithfully, naming where, and caches nothing', async () => {
        const cache = garner()
        class Money {
          cents = 5
        }
        const cyclic: Record<string, unknown> = { name: 'loop' }
        cyclic.self = cyclic
        const cases: [unknown, string][] = [
          [new Map([['a', 1]]), 'value is an instance of Map'],
          [{ tags: new Set(['x']) }, 'value.tags is an instance of Set'],
          [{ total: 10n }, 'value.total is a BigInt'],
          [{ ratio: Number.NaN }, 'value.ratio is NaN'],
          [[1, Number.POSITIVE_INFINITY], 'value[1] is Infinity'],
          [{ price: new Money() }, 'value.price is an instance of Money'],
          [{ onClick: () => {} }, 'value.onClick is a function'],
          [cyclic, 'value.self is a circular reference'],
          [[1, undefined], 'value[1] is undefined'],
          [{ at: new Date(Number.NaN) }, 'value.at is an invalid Date'],
        ]
        for (const [index, [value, message]] of cases.entries()) {
          const error = await cache
            .fetch(['refused', index], () => value)
            .catch((caught: unknown) => caught)
          expect(error).toMatchObject({ name: 'GarnerError', code: 'GARNER_UNSERIALIZABLE' })
          expect((error as Error).message).toContain(message)
          const next = counter(() => 'fine')
          expect(await cache.fetch(['refused', index], next)).toBe('fine')
          expect(next.calls).toBe(1)
        }
      })

      it('leaves out object members that are undefined, as JSON does', async () => {
        const cache = garner()
        await cache.fetch('sparse', () => ({ a: 1, b: undefined }))
        const hit = await cache.fetch('sparse', () => ({ a: 2 }))
        expect(hit).toEqual({ a: 1 })
      })

      it('hands out frozen values, so one caller cannot change what another gets', async () => {
        const cache = garner()
        const first = await cache.fetch('frozen', () => ({ list: [{ n: 1 }] }))
        expect(() => {
          ;(first as { list: { n: number }[] }).list[0]!.n = 2
        }).toThrow(TypeError)
        const second = await cache.fetch('frozen', () => ({ list: [] }))
        expect(second).toEqual({ list: [{ n: 1 }] })
        expect(Object.isFrozen(second)).toBe(true)
      })

      it('expires entries after their time to live', async () => {
        const cache = garner({ ttl: 60_000 })
        const loader = counter(() => 'v')
        await cache.fetch('short', loader, { ttl: 150 })
        await cache.fetch('long', loader)
        expect(loader.calls).toBe(2)
        await sleep(400)
        await cache.fetch('short', loader, { ttl: 150 })
        await cache.fetch('long', loader)
        expect(loader.calls).toBe(3)
      })

      it('rejects a ttl that is not a positive number with a TypeError', async () => {
        const cache = garner()
        for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
          await expect(cache.fetch('bad-ttl', () => 1, { ttl })).rejects.toThrow(TypeError)
        }
        expect(() => garner({ ttl: -5 })).toThrow(/ttl must be a positive number/)
      })

      it('rejects a loader that is not a function with a TypeError', async () => {
        const cache = garner()
        await expect(cache.fetch('no-loader', 'value' as never)).rejects.toThrow(
          /loader must be a function/,
        )
      })
    })

    describe('keys', () => {
      it('treats objects canonically: member order does not matter', async () => {
        const cache = garner()
        const loader = counter(() => 'page')
        await cache.fetch({ user: 42, view: 'profile', filters: { a: 1, b: [1, 2] } }, loader)
        await cache.fetch({ filters: { b: [1, 2], a: 1 }, view: 'profile', user: 42 }, loader)
        expect(loader.calls).toBe(1)
      })

      it('never lets different keys share an entry', async () => {
        const cache = garner()
        const pairs: [unknown, unknown][] = [
          [
            ['a:b', 'c'],
            ['a', 'b:c'],
          ],
          [1, '1'],
          [null, 'null'],
          [
            [1, [2]],
            [[1], 2],
          ],
          [{ a: 'b,c' }, { a: 'b', c: undefined }],
          [new Date(0), '1970-01-01T00:00:00.000Z'],
          [{ 'a.b': 1 }, { a: { b: 1 } }],
          [true, 'true'],
        ]
        for (const [index, [left, right]] of pairs.entries()) {
          const a = await cache.fetch(left as never, () => `left ${index}`)
          const b = await cache.fetch(right as never, () => `right ${index}`)
          expect([a, b]).toEqual([`left ${index}`, `right ${index}`])
        }
      })

      it('rejects key parts that are not JSON-like with a TypeError naming the path', async () => {
        const cache = garner()
        class Point {
          x = 1
        }
        const cases: [unknown, RegExp][] = [
          [{ user: { load: () => 1 } }, /key\.user\.load is a function/],
          [['a', Symbol('s')], /key\[1\] is a symbol/],
          [{ at: new Point() }, /key\.at is an instance of Point/],
          [{ page: Number.NaN }, /key\.page is NaN/],
          [new Map(), /key is an instance of Map/],
          [{ n: 1n }, /key\.n is a BigInt/],
        ]
        for (const [key, message] of cases) {
          await expect(cache.fetch(key as never, () => 1)).rejects.toThrow(TypeError)
          await expect(cache.fetch(key as never, () => 1)).rejects.toThrow(message)
        }
      })

      it('stores long keys under a bounded key, without collisions', async () => {
        const cache = garner()
        const long = 'x'.repeat(10_000)
        const identity = cache.key({ long })
        expect(identity.describe().key.length).toBeLessThan(120)
        expect(await cache.fetch({ long }, () => 'first')).toBe('first')
        expect(await cache.fetch({ long: `${long}y` }, () => 'second')).toBe('second')
        expect(await cache.fetch({ long }, () => 'again')).toBe('first')
      })

      it('applies key strategies in order, each adding its part', async () => {
        const seen: string[] = []
        const tenant = {
          name: 'tenant',
          apply(key: object, context: { tenant?: unknown }) {
            seen.push('tenant')
            return { ...key, tenant: String(context.tenant ?? 'none') }
          },
        }
        const cache = garner({
          keyStrategies: [
            {
              name: 'key',
              apply: (key, context) => {
                seen.push('key')
                return { ...key, key: context.key }
              },
            },
            tenant,
          ],
        })
        const loader = counter(() => 'report')
        await cache.identity({ tenant: 'acme' }).key('report').fetch(loader)
        await cache.identity({ tenant: 'acme' }).key('report').fetch(loader)
        await cache.identity({ tenant: 'globex' }).key('report').fetch(loader)
        expect(loader.calls).toBe(2)
        expect(seen.slice(0, 2)).toEqual(['key', 'tenant'])
      })

      it('refuses an identity that has neither a key nor a request', async () => {
        const cache = garner()
        await expect(cache.bind('Widget').fetch(() => 1)).rejects.toMatchObject({
          code: 'GARNER_EMPTY_KEY',
        })
      })
    })

    describe('bindings and hierarchical invalidation', () => {
      it('an instance write makes that instance and the model stale, and leaves other instances fresh', async () => {
        const cache = garner()
        const load = loaders()
        await cache.fetch('widget-7', load('widget-7'), { bind: ['Widget', 7] })
        await cache.fetch('widget-8', load('widget-8'), { bind: ['Widget', 8] })
        await cache.fetch('widgets', load('widgets'), { bind: 'Widget' })
        await cache.fetch('users', load('users'), { bind: 'User' })
        await cache.invalidate('Widget', 7)
        for (const key of ['widget-7', 'widget-8', 'widgets', 'users']) {
          await cache.fetch(key, load(key), { bind: bindingOf(key) })
        }
        expect(load.calls).toEqual({ 'widget-7': 2, 'widget-8': 1, widgets: 2, users: 1 })
      })

      it('a model write makes values bound to the model and to every instance stale', async () => {
        const cache = garner()
        const load = loaders()
        for (const key of ['widget-7', 'widget-8', 'widgets', 'users']) {
          await cache.fetch(key, load(key), { bind: bindingOf(key) })
        }
        await cache.invalidate('Widget')
        for (const key of ['widget-7', 'widget-8', 'widgets', 'users']) {
          await cache.fetch(key, load(key), { bind: bindingOf(key) })
        }
        expect(load.calls).toEqual({ 'widget-7': 2, 'widget-8': 2, widgets: 2, users: 1 })
      })

      it('accepts every binding form, with ids compared as text', async () => {
        const cache = garner()
        const models = ['Widget', ['Widget'], { model: 'Widget' }] as const
        const instances = [['Widget', 7], ['Widget', '7'], { model: 'Widget', id: 7 }] as const
        for (const [index, bind] of models.entries()) {
          const loader = counter(() => 'list')
          await cache.fetch(['model-form', index], loader, { bind })
          await cache.invalidate('Widget', 99)
          await cache.fetch(['model-form', index], loader, { bind })
          expect(loader.calls).toBe(2)
        }
        for (const [index, bind] of instances.entries()) {
          const loader = counter(() => 'one')
          await cache.fetch(['instance-form', index], loader, { bind })
          await cache.invalidate('Widget', '7')
          await cache.fetch(['instance-form', index], loader, { bind })
          await cache.invalidate('Widget', 8)
          await cache.fetch(['instance-form', index], loader, { bind })
          expect(loader.calls).toBe(2)
        }
      })

      it('a value bound to several targets goes stale when any of them changes', async () => {
        const cache = garner()
        const loader = counter(() => 'feed')
        const bind = [['User', 1], 'Post', { model: 'Comment', id: { postId: 3, n: 1 } }] as const
        await cache.fetch('feed', loader, { bind })
        await cache.invalidate('User', 2)
        await cache.fetch('feed', loader, { bind })
        expect(loader.calls).toBe(1)
        await cache.invalidate('Post', 5)
        await cache.fetch('feed', loader, { bind })
        expect(loader.calls).toBe(2)
        await cache.invalidate('Comment', { n: 1, postId: '3' })
        await cache.fetch('feed', loader, { bind })
        expect(loader.calls).toBe(3)
      })

      it('invalidateMany invalidates every target in one call', async () => {
        const cache = garner()
        const load = loaders()
        for (const key of ['widget-7', 'widget-8', 'users']) {
          await cache.fetch(key, load(key), { bind: bindingOf(key) })
        }
        await cache.invalidateMany([['Widget', 7], 'User'])
        for (const key of ['widget-7', 'widget-8', 'users']) {
          await cache.fetch(key, load(key), { bind: bindingOf(key) })
        }
        expect(load.calls).toEqual({ 'widget-7': 2, 'widget-8': 1, users: 2 })
      })

      it('rejects malformed bindings with a TypeError that says what a binding is', async () => {
        const cache = garner()
        expect(() => cache.bind(['Widget', undefined] as never)).toThrow(
          /undefined \(a missing route parameter\?\)/,
        )
        expect(() => cache.bind('')).toThrow(TypeError)
        expect(() => cache.bind({ model: 42 } as never)).toThrow(/bind\.model is 42/)
        expect(() => cache.bind(['Widget', Number.NaN] as never)).toThrow(TypeError)
        await expect(cache.invalidate('' as never)).rejects.toThrow(TypeError)
        await expect(
          cache.fetch('k', () => 1, { bind: [['User', () => 1]] as never }),
        ).rejects.toThrow(TypeError)
      })

      it.each([
        ['after', true],
        ['before', false],
      ])(
        'never serves a value whose loader started before an invalidation, when that load finishes %s the fresh one',
        async (_order, earlyLast) => {
          const cache = garner()
          const database = { version: 1 }
          const gate = deferred()
          const started = deferred()
          const slow = async () => {
            const read = database.version
            started.resolve()
            await gate.promise
            return { version: read }
          }
          const bind = ['Row', 1] as const
          const early = cache.fetch('row', slow, { bind })
          // The early load must have read the data before the write (on a busy machine, a store
          // round trip can take longer than any fixed sleep).
          await started.promise
          database.version = 2
          await cache.invalidate('Row', 1)
          // A fetch that starts now must not join the load that read version 1.
          const fresh = cache.fetch('row', async () => ({ version: database.version }), { bind })
          if (earlyLast) {
            // The worst case: the early load stores its old value after the fresh one.
            expect(await fresh).toEqual({ version: 2 })
            gate.resolve()
            expect(await early).toEqual({ version: 1 })
          } else {
            gate.resolve()
            expect(await early).toEqual({ version: 1 })
            expect(await fresh).toEqual({ version: 2 })
          }
          // Whatever the early load stored after the invalidation must read as stale.
          const loader = counter(async () => ({ version: database.version }))
          expect(await cache.fetch('row', loader, { bind })).toEqual({ version: 2 })
        },
      )

      it('caches every one of several concurrent first fetches that share a token', async () => {
        const cache = garner()
        const loaders = Array.from({ length: 5 }, (_, index) => counter(() => `value ${index}`))
        // Instances of one model share the model-wide token, which none of them has created yet.
        const fetchAll = () =>
          Promise.all(
            loaders.map((loader, index) =>
              cache.fetch(['shared-token', index], loader, { bind: ['Shared', index] }),
            ),
          )
        await fetchAll()
        await fetchAll()
        expect(loaders.map((loader) => loader.calls)).toEqual([1, 1, 1, 1, 1])
      })

      it('never lets a lost token make an old entry fresh again', async () => {
        // Tokens expire (tokenTtl) or get evicted. When one is recreated it must be new: were it
        // recreated with an old value, entries loaded under that value would come back to life.
        const cache = garner({ tokenTtl: 100 })
        const database = { version: 1 }
        const load = () => ({ version: database.version })
        await cache.fetch('old-entry', load, { bind: ['Row', 1] })
        database.version = 2
        await cache.invalidate('Row', 1)
        await sleep(250)
        // Another value bound to the same row recreates the token.
        await cache.fetch('other-entry', load, { bind: ['Row', 1] })
        expect(await cache.fetch('old-entry', load, { bind: ['Row', 1] })).toEqual({ version: 2 })
      })

      it('never serves stale values under random interleavings of reads and writes (property)', async () => {
        const cache = garner()
        await fc.assert(
          fc.asyncProperty(
            fc.array(
              fc.oneof(
                fc.record({
                  kind: fc.constant('write' as const),
                  row: fc.integer({ min: 0, max: 2 }),
                }),
                fc.record({
                  kind: fc.constant('read' as const),
                  rows: fc.uniqueArray(fc.integer({ min: 0, max: 2 }), {
                    minLength: 1,
                    maxLength: 3,
                  }),
                  model: fc.boolean(),
                  delay: fc.integer({ min: 0, max: 3 }),
                }),
              ),
              { minLength: 1, maxLength: 25 },
            ),
            fc.integer({ min: 0, max: 1_000_000 }),
            async (operations, seed) => {
              const versions = [0, 0, 0]
              const committed = [0, 0, 0]
              const namespace = `p${seed}-${Math.random()}`
              const work = operations.map(async (operation, index) => {
                await sleep(index % 3)
                if (operation.kind === 'write') {
                  versions[operation.row]! += 1
                  const version = versions[operation.row]!
                  await cache.invalidate('Row', operation.row)
                  committed[operation.row] = Math.max(committed[operation.row]!, version)
                  return
                }
                const required = operation.rows.map((row) => committed[row]!)
                const bind = operation.model
                  ? 'Row'
                  : operation.rows.map((row) => ['Row', row] as const)
                const value = await cache.fetch(
                  [namespace, operation.rows, operation.model],
                  async () => {
                    const snapshot = operation.rows.map((row) => versions[row]!)
                    await sleep(operation.delay)
                    return snapshot
                  },
                  { bind },
                )
                value.forEach((seen, position) => {
                  if (seen < required[position]!) {
                    throw new Error(
                      `stale read: row ${operation.rows[position]} at ${seen}, committed ${required[position]}`,
                    )
                  }
                })
              })
              await Promise.all(work)
            },
          ),
          { numRuns: 40 },
        )
      })
    })

    describe('entries and ETags', () => {
      it('entry() returns the value, a strong quoted ETag, a whole-second Last-Modified and whether it hit', async () => {
        const cache = garner()
        const before = Math.floor(Date.now() / 1000) * 1000
        const first = await cache.entry('entry', () => ({ n: 1 }))
        expect(first).toMatchObject({ value: { n: 1 }, hit: false })
        expect(first.etag).toMatch(/^"[0-9a-f]{32}"$/)
        expect(first.lastModified.getTime() % 1000).toBe(0)
        expect(first.lastModified.getTime()).toBeGreaterThanOrEqual(before)
        const second = await cache.entry('entry', () => ({ n: 2 }))
        expect(second).toEqual({ ...first, hit: true })
      })

      it('gives equal values equal ETags and changed values different ETags', async () => {
        const cache = garner()
        const a = await cache.entry('a', () => ({ x: 1, y: [1, 2] }))
        const b = await cache.entry('b', () => ({ y: [1, 2], x: 1 }))
        const c = await cache.entry('c', () => ({ x: 1, y: [2, 1] }))
        expect(b.etag).toBe(a.etag)
        expect(c.etag).not.toBe(a.etag)
        await fc.assert(
          fc.asyncProperty(fc.jsonValue(), fc.jsonValue(), async (left, right) => {
            const namespace = Math.random()
            const l = await cache.entry(['l', namespace], () => left)
            const r = await cache.entry(['r', namespace], () => right)
            const same = JSON.stringify(sortDeep(left)) === JSON.stringify(sortDeep(right))
            return same === (l.etag === r.etag)
          }),
          { numRuns: 50 },
        )
      })

      it('keeps Last-Modified while the value is unchanged, and moves it forward when it changes', async () => {
        const cache = garner()
        let value = { v: 1 }
        const first = await cache.entry('lm', () => value, { bind: ['LM', 1] })
        await cache.invalidate('LM', 1)
        const unchanged = await cache.entry('lm', () => value, { bind: ['LM', 1] })
        expect(unchanged.hit).toBe(false)
        expect(unchanged.etag).toBe(first.etag)
        expect(unchanged.lastModified.getTime()).toBe(first.lastModified.getTime())
        value = { v: 2 }
        await cache.invalidate('LM', 1)
        const changed = await cache.entry('lm', () => value, { bind: ['LM', 1] })
        expect(changed.etag).not.toBe(first.etag)
        expect(changed.lastModified.getTime()).toBeGreaterThan(first.lastModified.getTime())
      })

      it('uses a custom ETag strategy, and refuses one that returns an invalid tag', async () => {
        const custom = garner({ etag: ({ value }) => `v${(value as { version: number }).version}` })
        expect((await custom.entry('custom', () => ({ version: 3 }))).etag).toBe('"v3"')
        const broken = garner({ etag: () => 'has "quotes"' })
        await expect(broken.entry('broken', () => 1)).rejects.toMatchObject({
          code: 'GARNER_INVALID_ETAG',
        })
      })
    })

    describe('events', () => {
      it('emits miss, load, hit and invalidate, and nothing after unsubscribing', async () => {
        const cache = garner()
        const seen: string[] = []
        const record = <E extends keyof GarnerEvents>(event: E) =>
          cache.on(event, (payload) =>
            seen.push(`${event}${'reason' in payload ? `:${payload.reason}` : ''}`),
          )
        const stops = [record('hit'), record('miss'), record('load'), record('invalidate')]
        await cache.fetch('evented', () => 1, { bind: ['E', 1] })
        await cache.fetch('evented', () => 1, { bind: ['E', 1] })
        await cache.invalidate('E', 1)
        await cache.fetch('evented', () => 1, { bind: ['E', 1] })
        for (const stop of stops) stop()
        await cache.fetch('evented', () => 1, { bind: ['E', 1] })
        expect(seen).toEqual(['miss:absent', 'load', 'hit', 'invalidate', 'miss:stale', 'load'])
      })

      it('reports invalidated ids as text, and composite ids as objects of text', async () => {
        const cache = garner()
        const seen: unknown[] = []
        cache.on('invalidate', (event) => seen.push(event))
        await cache.invalidate('User', 42)
        await cache.invalidate('User', '42')
        await cache.invalidate('User')
        await cache.invalidateMany([{ model: 'Tag', id: { postId: 1, tagId: 'b' } }, ['Post']])
        expect(seen).toEqual([
          { model: 'User', id: '42' },
          { model: 'User', id: '42' },
          { model: 'User' },
          { model: 'Tag', id: { postId: '1', tagId: 'b' } },
          { model: 'Post' },
        ])
      })

      it('keeps serving when a listener throws', async () => {
        const cache = garner()
        const original = console.error
        const logged: unknown[] = []
        console.error = (...args: unknown[]) => logged.push(args)
        try {
          cache.on('miss', () => {
            throw new Error('metrics bug')
          })
          expect(await cache.fetch('listener', () => 'ok')).toBe('ok')
          expect(logged).toHaveLength(1)
        } finally {
          console.error = original
        }
      })
    })

    describeFreshness(garner)

    describe('identity', () => {
      it('is immutable: extending an identity leaves the original unchanged', async () => {
        const cache = garner()
        const base = cache.key('base')
        const bound = base.bind(['Widget', 1])
        expect(base.describe().tokenKeys).toEqual([])
        expect(bound.describe().tokenKeys).toHaveLength(2)
        const loader = counter(() => 'v')
        await base.options({ ttl: 60_000 }).fetch(loader)
        await base.fetch(loader)
        expect(loader.calls).toBe(1)
      })

      it('accumulates key parts in call order', async () => {
        const cache = garner()
        const loader = counter(() => 'v')
        await cache.key('a').key({ page: 2 }).fetch(loader)
        await cache.key('a').key({ page: 2 }).fetch(loader)
        await cache.key({ page: 2 }).key('a').fetch(loader)
        expect(loader.calls).toBe(2)
      })
    })
  })
}

interface CountedLoader<T> {
  (): T
  readonly calls: number
}

/** A loader that counts its calls. */
export function counter<T>(produce: () => T): CountedLoader<T> {
  let calls = 0
  const loader = () => {
    calls += 1
    return produce()
  }
  Object.defineProperty(loader, 'calls', { get: () => calls })
  return loader as CountedLoader<T>
}

function loaders() {
  const calls: Record<string, number> = {}
  const make = (key: string) => () => {
    calls[key] = (calls[key] ?? 0) + 1
    return `${key} #${calls[key]}`
  }
  return Object.assign(make, { calls })
}

function bindingOf(key: string) {
  switch (key) {
    case 'widget-7':
      return ['Widget', 7] as const
    case 'widget-8':
      return ['Widget', 8] as const
    case 'widgets':
      return 'Widget'
    default:
      return 'User'
  }
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep)
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((name) => [name, sortDeep((value as Record<string, unknown>)[name])]),
    )
  }
  return value
}
