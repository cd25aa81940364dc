// Spans for the fetches that miss: one `garner.miss` span around the miss's work, with the
// loader and the store calls after it as children. Hits never start a span.
import { AsyncLocalStorage } from 'node:async_hooks'
import { performance } from 'node:perf_hooks'
import type { Garner, GarnerEvents } from '@garner/core'
import {
  type Attributes,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api'
import { errorType } from './error-type.js'
import { ATTRIBUTES, SPANS } from './names.js'

/** Traces `garner`'s misses on `tracer`; returns the function that stops tracing. */
export function traceMisses(garner: Garner, tracer: Tracer, base: Attributes): () => void {
  // The miss span a loader or a store call belongs to. Kept apart from OpenTelemetry's context,
  // which only follows async work when the application registered a context manager.
  const currentMiss = new AsyncLocalStorage<Span>()

  /** A finished child of the current miss span, from an event that says how long it took. */
  function child(
    parent: Span,
    name: string,
    durationMs: number,
    attributes: Attributes,
    error: unknown,
  ): void {
    const end = performance.timeOrigin + performance.now()
    const span = tracer.startSpan(
      name,
      { kind: SpanKind.INTERNAL, startTime: end - durationMs, attributes },
      trace.setSpan(context.active(), parent),
    )
    if (error !== undefined) fail(span, error)
    span.end(end)
  }

  const untrace = garner.traceMisses(function traceMiss(event, work) {
    const span = tracer.startSpan(SPANS.miss, {
      kind: SpanKind.INTERNAL,
      attributes: { ...base, [ATTRIBUTES.key]: event.key, [ATTRIBUTES.missReason]: event.reason },
    })
    // No tracer provider registered, or not sampled: nothing will record the children either,
    // so skip the context bookkeeping.
    if (!span.isRecording()) {
      span.end()
      return work()
    }
    // Both contexts: ours for the children reported by events, OpenTelemetry's so that spans
    // the loader starts itself (a database query) nest under the miss.
    return currentMiss.run(span, () =>
      context.with(trace.setSpan(context.active(), span), async () => {
        listenToStoreCalls()
        try {
          return await work()
        } catch (error) {
          fail(span, error)
          throw error
        } finally {
          span.end()
          stopListeningToStoreCalls()
        }
      }),
    )
  })

  // Every hit on a remote store is a store call: the store listener is only attached while a
  // miss is in flight, so that traces cost a hit nothing.
  let missesInFlight = 0
  let offStore: (() => void) | undefined
  function listenToStoreCalls(): void {
    if (missesInFlight++ === 0) offStore = garner.on('store', storeSpan)
  }
  function stopListeningToStoreCalls(): void {
    if (--missesInFlight === 0) {
      offStore?.()
      offStore = undefined
    }
  }
  function storeSpan(event: GarnerEvents['store']): void {
    const parent = currentMiss.getStore()
    if (parent === undefined) return // a hit while a miss is in flight
    const attributes = { ...base, [ATTRIBUTES.storeOperation]: event.operation }
    child(parent, SPANS.store, event.duration, attributes, event.error)
  }

  const unsubscribe = [
    garner.on('load', function loadSpan(event: GarnerEvents['load']) {
      const parent = currentMiss.getStore()
      if (parent === undefined) return
      const attributes = { ...base, [ATTRIBUTES.key]: event.key }
      child(parent, SPANS.load, event.duration, attributes, event.error)
    }),
    garner.on('error', function storeErrorEvent(event: GarnerEvents['error']) {
      // A timeout has no store span of its own (the call never came back in time): say it here.
      currentMiss.getStore()?.addEvent('garner.store_error', {
        [ATTRIBUTES.operation]: event.operation,
        [ATTRIBUTES.errorType]: event.error.code,
      })
    }),
  ]

  return function stopTracing(): void {
    untrace()
    offStore?.()
    for (const off of unsubscribe) off()
  }
}

function fail(span: Span, error: unknown): void {
  span.setAttribute(ATTRIBUTES.errorType, errorType(error))
  if (error instanceof Error) span.recordException(error)
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  })
}
