// instrumentGarner read back through OpenTelemetry's in-memory exporters, after scripted
// sequences on the in-process store and on a real redis-server that is killed halfway.
import { createGarner, type Garner, memoryStore, type Purger } from '@garner/core'
import { type RedisServer, startRedisServer } from '@garner/fixtures'
import { createKeyv } from '@keyv/redis'
import { context, metrics, SpanStatusCode, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import Keyv from 'keyv'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { instrumentGarner, METRICS } from './index.js'
import { STORE_DURATION_BUFFER } from './store-durations.js'

/** A meter and a tracer provider whose output the test reads back. */
function telemetry() {
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  // Exports only when flushed: the test decides when metrics are collected.
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  })
  const meterProvider = new MeterProvider({ readers: [reader] })
  const spanExporter = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spanExporter)],
  })
  return {
    meterProvider,
    tracerProvider,
    /** Every data point of the latest collection, by metric name. */
    async points(): Promise<Map<string, DataPoint<number | Histogram>[]>> {
      metricExporter.reset()
      await reader.forceFlush()
      const byName = new Map<string, DataPoint<number | Histogram>[]>()
      for (const resource of metricExporter.getMetrics()) {
        for (const scope of resource.scopeMetrics) {
          expect(scope.scope.name).toBe('@garner/otel')
          for (const metric of scope.metrics) {
            byName.set(metric.descriptor.name, [
              ...(byName.get(metric.descriptor.name) ?? []),
              ...(metric.dataPoints as DataPoint<number | Histogram>[]),
            ])
          }
        }
      }
      return byName
    },
    spans(): ReadableSpan[] {
      return spanExporter.getFinishedSpans()
    },
    async close(): Promise<void> {
      await meterProvider.shutdown()
      await tracerProvider.shutdown()
    },
  }
}

/** `points` as `{ "attr=value,…": value }`, to compare every point at once. */
function table(points: DataPoint<number | Histogram>[] | undefined): Record<string, unknown> {
  const rows: Record<string, unknown> = {}
  for (const point of points ?? []) {
    const label = Object.entries(point.attributes)
      .filter(([name]) => name !== 'garner.namespace')
      .map(([name, value]) => `${name}=${String(value)}`)
      .sort()
      .join(',')
    rows[label] = typeof point.value === 'number' ? point.value : point.value.count
  }
  return rows
}

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function instrumented(garner: Garner, storeDurations?: boolean): ReturnType<typeof telemetry> {
  const otel = telemetry()
  const stop = instrumentGarner(garner, {
    meterProvider: otel.meterProvider,
    tracerProvider: otel.tracerProvider,
    ...(storeDurations === undefined ? {} : { storeDurations }),
  })
  cleanups.push(() => otel.close(), stop)
  return otel
}

describe('instrumentGarner on the in-process store', () => {
  it('reports hits by tier, misses by reason, loader durations, invalidations and the in-process tier', async () => {
    const garner = createGarner({ namespace: 'mem', store: memoryStore({ maxEntries: 4 }) })
    const otel = instrumented(garner)
    const user = (id: number) => async () => ({ id })

    await garner.fetch('u1', user(1), { bind: ['User', 1] }) // miss absent (entry + token: 2 slots)
    await garner.fetch('u1', user(1), { bind: ['User', 1] }) // hit
    await garner.fetch('u1', user(1), { bind: ['User', 1] }) // hit
    await garner.invalidate('User', 1)
    await garner.fetch('u1', user(1), { bind: ['User', 1] }) // miss stale
    await garner.invalidate('Post')
    await garner.invalidateMany([['User', 2], 'Post'])
    await expect(
      garner.fetch('broken', () => Promise.reject(new RangeError('bad id'))),
    ).rejects.toThrow('bad id') // miss absent, failed load
    await garner.fetch('u2', user(2)) // miss absent: 4 slots held so far…
    await garner.fetch('u3', user(3)) // … so this one evicts

    const points = await otel.points()
    expect(table(points.get(METRICS.hits))).toEqual({
      'garner.tier=near': 0,
      'garner.tier=store': 2,
    })
    expect(table(points.get(METRICS.staleServed))).toEqual({ '': 0 })
    expect(table(points.get(METRICS.misses))).toEqual({
      'garner.miss.reason=absent': 4,
      'garner.miss.reason=stale': 1,
      'garner.miss.reason=unavailable': 0,
    })
    expect(table(points.get(METRICS.loaderDuration))).toEqual({
      '': 4,
      'error.type=RangeError': 1,
    })
    expect(table(points.get(METRICS.invalidations))).toEqual({
      'garner.invalidation.scope=instance,garner.model=User': 2,
      'garner.invalidation.scope=model,garner.model=Post': 2,
    })
    expect(table(points.get(METRICS.memoryEntries))).toEqual({ 'garner.tier=store': 4 })
    expect(table(points.get(METRICS.memoryEvictions))).toEqual({
      'garner.tier=store': garner.stats().memory!.evictions,
    })
    expect(garner.stats().memory!.evictions).toBeGreaterThan(0)
    expect(points.get(METRICS.memoryUsage)![0]!.value).toBe(garner.stats().memory!.bytes)
    // No remote store: no store calls, no store errors.
    expect(points.get(METRICS.storeDuration)).toBeUndefined()
    expect(points.get(METRICS.storeErrors)).toBeUndefined()
    for (const list of points.values()) {
      for (const point of list) expect(point.attributes['garner.namespace']).toBe('mem')
    }

    // Loader durations: one histogram point per outcome, sums in seconds.
    const loads = points.get(METRICS.loaderDuration)!.map((point) => point.value as Histogram)
    for (const histogram of loads) {
      expect(histogram.sum).toBeGreaterThanOrEqual(0)
      expect(histogram.sum).toBeLessThan(1)
    }

    // One span per miss, none for the hits; the loader is a child of its miss.
    const spans = otel.spans()
    const misses = spans.filter((span) => span.name === 'garner.miss')
    expect(misses.map((span) => span.attributes['garner.miss.reason'])).toEqual([
      'absent',
      'stale',
      'absent',
      'absent',
      'absent',
    ])
    const loadSpans = spans.filter((span) => span.name === 'garner.load')
    expect(loadSpans).toHaveLength(5)
    for (const [index, load] of loadSpans.entries()) {
      expect(load.parentSpanContext?.spanId).toBe(misses[index]!.spanContext().spanId)
      expect(load.spanContext().traceId).toBe(misses[index]!.spanContext().traceId)
    }
    const failed = misses[2]!
    expect(failed.status.code).toBe(SpanStatusCode.ERROR)
    expect(failed.attributes['error.type']).toBe('RangeError')
    expect(loadSpans[2]!.status.code).toBe(SpanStatusCode.ERROR)
    expect(spans).toHaveLength(10)
  })

  it('reports stale answers under a freshness policy: stale-while-revalidate and stale-if-error', async () => {
    let now = Date.now()
    const garner = createGarner({
      namespace: 'fresh',
      store: memoryStore({ maxEntries: 10 }),
      clock: () => now,
      ttl: 1_000,
      staleWhileRevalidate: 1_000,
      staleIfError: 10_000,
    })
    const otel = instrumented(garner)
    const refreshed = new Promise((resolve) => garner.on('refresh', resolve))

    await garner.fetch('u1', async () => ({ id: 1 })) // miss absent, load
    now += 1_500
    await garner.fetch('u1', async () => ({ id: 2 })) // stale hit; the refresh loads
    await refreshed
    now += 5_000
    // Past the revalidate window: the loader fails and the stale value answers.
    expect(await garner.fetch('u1', () => Promise.reject(new RangeError('bad id')))).toEqual({
      id: 2,
    })

    const points = await otel.points()
    expect(table(points.get(METRICS.staleServed))).toEqual({ '': 2 })
    expect(table(points.get(METRICS.hits))).toEqual({
      'garner.tier=near': 0,
      'garner.tier=store': 2,
    })
    expect(table(points.get(METRICS.misses))).toEqual({
      'garner.miss.reason=absent': 2,
      'garner.miss.reason=stale': 0,
      'garner.miss.reason=unavailable': 0,
    })
    expect(table(points.get(METRICS.loaderDuration))).toEqual({
      '': 2,
      'error.type=RangeError': 1,
    })
    // The loader failure answered stale is an `error` event, but not a store error.
    expect(points.get(METRICS.storeErrors)).toBeUndefined()
    expect(garner.stats().staleServed).toBe(2)
  })

  it('stops reporting once uninstrumented', async () => {
    const garner = createGarner()
    const otel = telemetry()
    cleanups.push(() => otel.close())
    const stop = instrumentGarner(garner, {
      meterProvider: otel.meterProvider,
      tracerProvider: otel.tracerProvider,
    })
    await garner.fetch('a', () => 1)
    stop()
    await garner.fetch('b', () => 2)
    await garner.invalidate('User')
    const points = await otel.points()
    expect(points.get(METRICS.misses)).toBeUndefined()
    expect(points.get(METRICS.invalidations)).toBeUndefined()
    expect(otel.spans().map((span) => span.name)).toEqual(['garner.load', 'garner.miss'])
  })
})

describe('instrumentGarner store call durations', () => {
  it('records every call exactly, whether buffered until collection, flushed when full, or left when stopped', async () => {
    const garner = createGarner({ namespace: 'timed', store: new Keyv() })
    const seen: Record<string, number[]> = {}
    garner.on('store', (event) => {
      seen[event.operation] ??= []
      seen[event.operation]!.push(event.duration / 1000)
    })
    const otel = telemetry()
    cleanups.push(() => otel.close())
    const stop = instrumentGarner(garner, {
      meterProvider: otel.meterProvider,
      traces: false,
      storeDurations: true,
    })
    await garner.fetch('k', async () => 1, { bind: ['User', 1] }) // read, writeTokens, read, write
    // More hits than one buffer holds: the full buffer is handed over before collection.
    for (let index = 0; index < STORE_DURATION_BUFFER + 100; index++) {
      await garner.fetch('k', async () => 1, { bind: ['User', 1] })
    }

    const expectExact = (points: Map<string, DataPoint<number | Histogram>[]>) => {
      const byOperation = new Map(
        points
          .get(METRICS.storeDuration)!
          .map((point) => [point.attributes['garner.store.operation'], point.value as Histogram]),
      )
      expect([...byOperation.keys()].sort()).toEqual(Object.keys(seen).sort())
      for (const [operation, durations] of Object.entries(seen)) {
        const histogram = byOperation.get(operation)!
        expect(histogram.count).toBe(durations.length)
        expect(histogram.min).toBe(Math.min(...durations))
        expect(histogram.max).toBe(Math.max(...durations))
        expect(histogram.sum).toBeCloseTo(
          durations.reduce((sum, value) => sum + value, 0),
          12,
        )
      }
    }
    expectExact(await otel.points())
    expect(seen.read).toHaveLength(STORE_DURATION_BUFFER + 102)

    // Calls buffered when instrumentation stops are still reported at the next collection.
    await garner.fetch('k', async () => 1, { bind: ['User', 1] })
    await garner.fetch('k', async () => 1, { bind: ['User', 1] })
    stop()
    await garner.fetch('k', async () => 1, { bind: ['User', 1] }) // after stop: not recorded
    seen.read!.pop()
    expectExact(await otel.points())
  })
})

describe('instrumentGarner on purges', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('counts purge attempts by purger and outcome, with their durations and batch sizes', async () => {
    let calls = 0
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    const purger: Purger = {
      name: 'edge',
      header: { name: 'xkey', separator: ' ', maxLength: 8_000 },
      async purge() {
        calls++
        // 1: ok. 2: fails, 3: ok (one retry). 4 and on: fails (given up after 8 attempts).
        if (calls === 2) throw new RangeError('429 Too Many Requests')
        if (calls >= 4) throw refused
      },
    }
    const garner = createGarner({ namespace: 'edge', purgers: [purger], purgeTimeout: 60_000 })
    const otel = telemetry()
    cleanups.push(() => otel.close())
    cleanups.push(instrumentGarner(garner, { meterProvider: otel.meterProvider, traces: false }))
    // The queue's backoff waits (about 25 s for a batch given up) run on fake timers; the
    // metric reader keeps the real ones it was created with.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const settle = async (invalidation: Promise<void>) => {
      let settled = false
      void invalidation.then(() => {
        settled = true
      })
      while (!settled) await vi.advanceTimersByTimeAsync(1_000)
    }

    await settle(garner.invalidate('User', 1)) // keys User:1, User: ok
    const posts = garner.invalidateMany([
      ['Post', 1],
      ['Post', 2],
    ])
    await settle(posts) // keys Post:1, Post:2, Post: retried, ok
    await settle(garner.invalidate('Tag')) // keys Tag, Tag:*: 7 × retried, failed
    expect(calls).toBe(11)
    vi.useRealTimers()

    const points = await otel.points()
    expect(table(points.get(METRICS.purges))).toEqual({
      'garner.purge.outcome=ok,garner.purger=edge': 2,
      'error.type=RangeError,garner.purge.outcome=retried,garner.purger=edge': 1,
      'error.type=ECONNREFUSED,garner.purge.outcome=retried,garner.purger=edge': 7,
      'error.type=ECONNREFUSED,garner.purge.outcome=failed,garner.purger=edge': 1,
    })
    const byOutcome = (name: string): Record<string, Histogram> =>
      Object.fromEntries(
        points
          .get(name)!
          .map((point) => [point.attributes['garner.purge.outcome'], point.value as Histogram]),
      )
    const keys = byOutcome(METRICS.purgeKeys)
    expect(Object.keys(keys).sort()).toEqual(['failed', 'ok', 'retried'])
    expect([keys.ok!.count, keys.ok!.sum, keys.ok!.min, keys.ok!.max]).toEqual([2, 5, 2, 3])
    expect([keys.retried!.count, keys.retried!.sum]).toEqual([8, 3 + 7 * 2])
    expect([keys.failed!.count, keys.failed!.sum]).toEqual([1, 2])
    const durations = byOutcome(METRICS.purgeDuration)
    expect(Object.fromEntries(Object.entries(durations).map(([k, h]) => [k, h.count]))).toEqual({
      ok: 2,
      retried: 8,
      failed: 1,
    })
    for (const histogram of Object.values(durations)) {
      expect(histogram.min).toBeGreaterThanOrEqual(0)
      expect(histogram.max).toBeLessThan(1)
    }
    for (const point of points.get(METRICS.purges)!) {
      expect(point.attributes['garner.namespace']).toBe('edge')
    }
    // Purge failures are not store errors.
    expect(points.get(METRICS.storeErrors)).toBeUndefined()
    expect(table(points.get(METRICS.invalidations))).toEqual({
      'garner.invalidation.scope=instance,garner.model=User': 1,
      'garner.invalidation.scope=instance,garner.model=Post': 2,
      'garner.invalidation.scope=model,garner.model=Tag': 1,
    })
  })
})

describe('instrumentGarner by default, and with storeDurations: false', () => {
  it.each([
    ['by default', {}],
    ['with storeDurations: false', { storeDurations: false }],
  ])('records no store call durations %s, and everything else', async (_, options) => {
    const garner = createGarner({ store: new Keyv() })
    const otel = telemetry()
    cleanups.push(() => otel.close())
    cleanups.push(instrumentGarner(garner, { meterProvider: otel.meterProvider, ...options }))
    await garner.fetch('k', async () => 1)
    await garner.fetch('k', async () => 1)
    const points = await otel.points()
    expect(points.get(METRICS.storeDuration)).toBeUndefined()
    expect(table(points.get(METRICS.hits))).toEqual({
      'garner.tier=near': 0,
      'garner.tier=store': 1,
    })
    expect(table(points.get(METRICS.loaderDuration))).toEqual({ '': 1 })
  })
})

describe('instrumentGarner with spans not sampled', () => {
  it('records no span and still runs and caches the loader', async () => {
    const spanExporter = new InMemorySpanExporter()
    const tracerProvider = new BasicTracerProvider({
      sampler: new AlwaysOffSampler(),
      spanProcessors: [new SimpleSpanProcessor(spanExporter)],
    })
    cleanups.push(() => tracerProvider.shutdown())
    const garner = createGarner()
    cleanups.push(instrumentGarner(garner, { tracerProvider, metrics: false }))
    expect(await garner.fetch('k', async () => 'loaded')).toBe('loaded')
    expect(await garner.fetch('k', async () => 'again')).toBe('loaded')
    await expect(garner.fetch('bad', () => Promise.reject(new Error('no')))).rejects.toThrow('no')
    expect(spanExporter.getFinishedSpans()).toEqual([])
  })
})

describe('instrumentGarner with the global providers', () => {
  it('uses them by default, and spans the loader starts itself nest under the miss', async () => {
    const otel = telemetry()
    const contextManager = new AsyncLocalStorageContextManager().enable()
    context.setGlobalContextManager(contextManager)
    metrics.setGlobalMeterProvider(otel.meterProvider)
    trace.setGlobalTracerProvider(otel.tracerProvider)
    cleanups.push(() => {
      context.disable()
      metrics.disable()
      trace.disable()
      return otel.close()
    })
    const garner = createGarner()
    cleanups.push(instrumentGarner(garner))
    const tracer = trace.getTracer('app')
    const query = () =>
      tracer.startActiveSpan('db.query', async (span) => {
        await new Promise((resolve) => setTimeout(resolve, 5))
        span.end()
        return { id: 1 }
      })

    await tracer.startActiveSpan('GET /users/1', async (request) => {
      await garner.fetch('u1', query)
      await garner.fetch('u1', query) // a hit: no span
      request.end()
    })

    const spans = new Map(otel.spans().map((span) => [span.name, span]))
    expect([...spans.keys()].sort()).toEqual([
      'GET /users/1',
      'db.query',
      'garner.load',
      'garner.miss',
    ])
    const idOf = (name: string) => spans.get(name)!.spanContext().spanId
    expect(spans.get('garner.miss')!.parentSpanContext?.spanId).toBe(idOf('GET /users/1'))
    expect(spans.get('db.query')!.parentSpanContext?.spanId).toBe(idOf('garner.miss'))
    expect(spans.get('garner.load')!.parentSpanContext?.spanId).toBe(idOf('garner.miss'))
    const points = await otel.points()
    expect(table(points.get(METRICS.hits))).toEqual({
      'garner.tier=near': 0,
      'garner.tier=store': 1,
    })
  })
})

describe('instrumentGarner on Redis', () => {
  let redis: RedisServer | undefined

  afterEach(async () => {
    await redis?.stop()
    redis = undefined
  })

  it('reports store call durations, store errors while Redis is down, and store spans under misses', async () => {
    redis = await startRedisServer()
    const keyv = createKeyv(redis.url)
    cleanups.push(async () => {
      await (keyv.store as { disconnect(force?: boolean): Promise<void> }).disconnect(true)
    })
    await keyv.get('warm-up') // connect first: the connection's setup is not a store call to time
    const garner = createGarner({
      namespace: 'redis',
      store: keyv,
      storeTimeout: 1_000,
    })
    const otel = instrumented(garner, true)

    await garner.fetch('p1', () => ({ id: 1 }), { bind: ['Post', 1] }) // miss: read, writeTokens, read, write
    await garner.fetch('p1', () => ({ id: 1 }), { bind: ['Post', 1] }) // hit: read
    await garner.invalidate('Post', 1) // writeTokens
    await garner.fetch('p1', () => ({ id: 1 }), { bind: ['Post', 1] }) // miss stale: read, write

    let points = await otel.points()
    expect(table(points.get(METRICS.storeDuration))).toEqual({
      'garner.store.operation=read': 4,
      'garner.store.operation=writeTokens': 2,
      'garner.store.operation=write': 2,
    })
    for (const point of points.get(METRICS.storeDuration)!) {
      const histogram = point.value as Histogram
      expect(histogram.min).toBeGreaterThan(0)
      expect(histogram.max).toBeLessThan(1)
    }
    expect(table(points.get(METRICS.hits))).toEqual({
      'garner.tier=near': 0,
      'garner.tier=store': 1,
    })
    expect(table(points.get(METRICS.misses))).toEqual({
      'garner.miss.reason=absent': 1,
      'garner.miss.reason=stale': 1,
      'garner.miss.reason=unavailable': 0,
    })
    expect(points.get(METRICS.memoryEntries)).toBeUndefined()

    // The first miss's span has the loader and the three store calls after the miss as children
    // (the read that found the miss came before it); the hit has no span.
    const spans = otel.spans()
    const [first] = spans.filter((span) => span.name === 'garner.miss')
    const children = spans
      .filter((span) => span.parentSpanContext?.spanId === first!.spanContext().spanId)
      .map((span) => `${span.name} ${span.attributes['garner.store.operation'] ?? ''}`.trim())
    expect(children).toEqual([
      'garner.store writeTokens',
      'garner.store read',
      'garner.load',
      'garner.store write',
    ])
    expect(spans.filter((span) => span.name === 'garner.miss')).toHaveLength(2)

    // Redis dies: the fetch answers from its loader, and the failure is counted.
    // Once the client has seen the connection drop, it queues commands until it reconnects:
    // the read times out.
    const dropped = new Promise((resolve) => keyv.once('error', resolve))
    await redis.kill()
    await dropped
    expect(await garner.fetch('p2', () => 'from the loader', { bind: ['Post', 2] })).toBe(
      'from the loader',
    )
    points = await otel.points()
    expect(table(points.get(METRICS.storeErrors))).toEqual({
      'error.type=GARNER_STORE_TIMEOUT,garner.operation=read': 1,
    })
    // The abandoned call has not settled: no duration for it yet.
    expect(table(points.get(METRICS.storeDuration))).toEqual({
      'garner.store.operation=read': 4,
      'garner.store.operation=writeTokens': 2,
      'garner.store.operation=write': 2,
    })
    expect(table(points.get(METRICS.misses))).toEqual({
      'garner.miss.reason=absent': 1,
      'garner.miss.reason=stale': 1,
      'garner.miss.reason=unavailable': 1,
    })
    expect(garner.stats().storeErrors).toBe(1)
    const unavailable = otel
      .spans()
      .find((span) => span.attributes['garner.miss.reason'] === 'unavailable')
    expect(unavailable).toBeDefined()
  })
})
