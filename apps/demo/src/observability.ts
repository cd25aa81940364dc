// The demo's observability: @garner/otel on an OpenTelemetry MeterProvider with two readers, the
// Prometheus exporter behind GET /metrics and a one-second sampler behind the live /dashboard.
// Served ahead of the framework's app, so every app of the demo gets it without route code.

import type { EventEmitter } from 'node:events'
import { readFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Garner } from '@garner/core'
import { instrumentGarner, METRICS } from '@garner/otel'
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus'
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics'

/** One second of the cache's life, as the dashboard charts it. */
export interface Sample {
  /** Unix time in seconds. */
  readonly time: number
  readonly hits: number
  readonly misses: number
  /** Hits over hits and misses in this second; null without traffic. */
  readonly hitRatio: number | null
  /** Mean duration of the remote store's reads in this second, in milliseconds (null: none). */
  readonly storeReadMs: number | null
  /** Mean duration of the loaders that ran in this second (the misses' tier), in milliseconds. */
  readonly loaderMs: number | null
  /** Invalidations in this second, by model. */
  readonly invalidations: Readonly<Record<string, number>>
}

/** The demo's observability endpoints. */
export interface Observability {
  /** Answers `/metrics`, `/dashboard` and its assets; false for any other request. */
  handle(request: IncomingMessage, response: ServerResponse): boolean
  close(): Promise<void>
}

/** How many one-second samples the dashboard keeps: five minutes. */
export const SAMPLES_KEPT = 300

const PUBLIC = join(dirname(fileURLToPath(import.meta.url)), '..', 'public')
const require = createRequire(import.meta.url)
// The chart library, served from node_modules as published (no build step).
const UPLOT = dirname(require.resolve('uplot/package.json'))
const ASSETS: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  '/dashboard': { file: join(PUBLIC, 'dashboard.html'), type: 'text/html; charset=utf-8' },
  '/dashboard/dashboard.js': {
    file: join(PUBLIC, 'dashboard.js'),
    type: 'text/javascript; charset=utf-8',
  },
  '/dashboard/uPlot.iife.min.js': {
    file: join(UPLOT, 'dist', 'uPlot.iife.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  '/dashboard/uPlot.min.css': {
    file: join(UPLOT, 'dist', 'uPlot.min.css'),
    type: 'text/css; charset=utf-8',
  },
}

/** Collects on demand: the sampler reads the same instruments /metrics exports. */
class SamplingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE })
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** Instruments `garner` and starts sampling it once a second. */
export function startObservability(garner: Garner): Observability {
  const prometheus = new PrometheusExporter({ preventServerStart: true })
  const sampling = new SamplingReader()
  const meterProvider = new MeterProvider({ readers: [prometheus, sampling] })
  // Metrics only: the demo registers no tracer, and spans nobody records are pure cost. Store call
  // durations on: the dashboard charts the store's latency next to the loader's.
  const uninstrument = instrumentGarner(garner, {
    meterProvider,
    traces: false,
    storeDurations: true,
  })

  const samples: Sample[] = []
  let previous: Totals | undefined
  let lastSample = Promise.resolve()
  const timer = setInterval(() => {
    lastSample = sampling.collect().then(
      ({ resourceMetrics }) => {
        const current = totals(resourceMetrics)
        if (previous !== undefined) {
          samples.push(difference(Math.floor(Date.now() / 1000), previous, current))
          if (samples.length > SAMPLES_KEPT) samples.shift()
        }
        previous = current
      },
      (error: unknown) => console.error('garner demo: sampling metrics failed', error),
    )
  }, 1_000)
  timer.unref()

  return {
    handle(request, response) {
      const path = (request.url ?? '/').split('?')[0]!
      if (request.method !== 'GET' && request.method !== 'HEAD') return false
      if (path === '/metrics') {
        prometheus.getMetricsRequestHandler(request, response)
        return true
      }
      if (path === '/dashboard/samples') {
        const body = JSON.stringify({ samples, stats: garner.stats(), store: garner.storeKind })
        response.writeHead(200, {
          'Content-Type': 'application/json; charset=utf-8',
          'Cache-Control': 'no-store',
        })
        response.end(body)
        return true
      }
      const asset = ASSETS[path]
      if (asset === undefined) return false
      readFile(asset.file).then(
        (content) => {
          response.writeHead(200, { 'Content-Type': asset.type, 'Cache-Control': 'no-cache' })
          response.end(request.method === 'HEAD' ? undefined : content)
        },
        () => {
          response.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' })
          response.end(JSON.stringify({ error: 'Internal error' }))
        },
      )
      return true
    },
    async close() {
      clearInterval(timer)
      await lastSample
      uninstrument()
      await meterProvider.shutdown()
    },
  }
}

/**
 * Puts `observability` in front of the app already listening on `server`: its paths are answered
 * here, every other request goes to the app as before.
 */
export function serveObservability(server: EventEmitter, observability: Observability): void {
  const app = server.listeners('request') as ((...args: unknown[]) => void)[]
  server.removeAllListeners('request')
  server.on(
    'request',
    function observabilityFirst(request: IncomingMessage, response: ServerResponse) {
      if (observability.handle(request, response)) return
      for (const listener of app) listener.call(server, request, response)
    },
  )
}

/** The cumulative figures one sample is the difference of. */
interface Totals {
  readonly hits: number
  readonly misses: number
  readonly storeRead: { readonly count: number; readonly sum: number }
  readonly loader: { readonly count: number; readonly sum: number }
  readonly invalidations: ReadonlyMap<string, number>
}

function totals(resourceMetrics: ResourceMetrics): Totals {
  let hits = 0
  let misses = 0
  const storeRead = { count: 0, sum: 0 }
  const loader = { count: 0, sum: 0 }
  const invalidations = new Map<string, number>()
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      const points = metric.dataPoints as DataPoint<number | Histogram>[]
      for (const point of points) {
        const { value, attributes } = point
        switch (metric.descriptor.name) {
          case METRICS.hits:
            hits += value as number
            break
          case METRICS.misses:
            misses += value as number
            break
          case METRICS.storeDuration:
            if (attributes['garner.store.operation'] === 'read') add(storeRead, value as Histogram)
            break
          case METRICS.loaderDuration:
            add(loader, value as Histogram)
            break
          case METRICS.invalidations: {
            const model = String(attributes['garner.model'])
            invalidations.set(model, (invalidations.get(model) ?? 0) + (value as number))
            break
          }
        }
      }
    }
  }
  return { hits, misses, storeRead, loader, invalidations }
}

function add(total: { count: number; sum: number }, histogram: Histogram): void {
  total.count += histogram.count
  total.sum += histogram.sum ?? 0
}

function difference(time: number, before: Totals, after: Totals): Sample {
  const hits = after.hits - before.hits
  const misses = after.misses - before.misses
  const invalidations: Record<string, number> = {}
  for (const [model, count] of after.invalidations) {
    const delta = count - (before.invalidations.get(model) ?? 0)
    if (delta > 0) invalidations[model] = delta
  }
  return {
    time,
    hits,
    misses,
    hitRatio: hits + misses === 0 ? null : hits / (hits + misses),
    storeReadMs: meanMs(before.storeRead, after.storeRead),
    loaderMs: meanMs(before.loader, after.loader),
    invalidations,
  }
}

function meanMs(
  before: { readonly count: number; readonly sum: number },
  after: { readonly count: number; readonly sum: number },
): number | null {
  const count = after.count - before.count
  return count === 0 ? null : ((after.sum - before.sum) / count) * 1000
}
