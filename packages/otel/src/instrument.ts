// instrumentGarner(garner, options): Garner's metrics and miss spans, on the providers given or
// on the global OpenTelemetry ones.
import type { Garner } from '@garner/core'
import {
  type Attributes,
  type MeterProvider,
  metrics,
  type TracerProvider,
  trace,
} from '@opentelemetry/api'
import { recordMetrics } from './metrics.js'
import { ATTRIBUTES } from './names.js'
import { traceMisses } from './spans.js'

/** Options of {@link instrumentGarner}. */
export interface InstrumentGarnerOptions {
  /** Where metrics go. Default: the global provider (`metrics.getMeterProvider()`). */
  readonly meterProvider?: MeterProvider
  /** Where spans go. Default: the global provider (`trace.getTracerProvider()`). */
  readonly tracerProvider?: TracerProvider
  /** Record metrics. Default true. */
  readonly metrics?: boolean
  /**
   * Record `garner.store.duration` for every remote store call. Default false: every Redis hit is
   * a store call, and timing it (about 2.5 µs of CPU for the clock reads and the `store` event)
   * plus recording it (about 2 µs more in the SDK, even batched) costs the hit 3 to 5 % of its
   * client-side CPU, above the budget of instrumentation that is on by default. Store failures
   * and timeouts are counted either way, and a Redis client instrumentation already times each
   * command. When on, successful calls are buffered and recorded in a batch at collection time.
   */
  readonly storeDurations?: boolean
  /** Start a span for each fetch that misses, with loader and store calls as children. Default true. */
  readonly traces?: boolean
  /** Attributes added to every metric point and span, e.g. `{ 'service.component': 'users' }`. */
  readonly attributes?: Attributes
}

/** The instrumentation scope name of the meter and tracer. */
export const INSTRUMENTATION_SCOPE = '@garner/otel'

/**
 * Reports `garner`'s activity to OpenTelemetry: hit, miss, stale and in-process tier counts read
 * from `garner.stats()` when metrics are collected (a hit records nothing), loader and store call
 * durations, store errors and invalidations as they happen, and a span for each fetch that
 * misses. Returns the function that stops it all.
 */
export function instrumentGarner(
  garner: Garner,
  options: InstrumentGarnerOptions = {},
): () => void {
  const base: Attributes = { [ATTRIBUTES.namespace]: garner.namespace, ...options.attributes }
  const stops: (() => void)[] = []
  if (options.metrics !== false) {
    const meterProvider = options.meterProvider ?? metrics.getMeterProvider()
    const meter = meterProvider.getMeter(INSTRUMENTATION_SCOPE)
    stops.push(recordMetrics(garner, meter, base, options.storeDurations === true))
  }
  if (options.traces !== false) {
    const tracerProvider = options.tracerProvider ?? trace.getTracerProvider()
    stops.push(traceMisses(garner, tracerProvider.getTracer(INSTRUMENTATION_SCOPE), base))
  }
  return function uninstrumentGarner(): void {
    for (const stop of stops) stop()
  }
}
