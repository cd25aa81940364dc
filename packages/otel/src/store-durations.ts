// garner.store.duration without the SDK's per-call cost on the hit path: successful store call
// durations are buffered as plain numbers and handed to the histogram in one batch when metrics
// are collected (or when a buffer fills), so every call is still recorded, exactly, once.
import type { StoreOperation } from '@garner/core'
import type { Attributes, Histogram } from '@opentelemetry/api'

/**
 * Durations held per operation before they are handed over without waiting for a collection:
 * bounds the memory (8 KiB an operation) when nothing ever collects.
 */
export const STORE_DURATION_BUFFER = 1_024

/** Buffered durations of one operation's successful calls, in seconds. */
class DurationBuffer {
  private readonly values = new Float64Array(STORE_DURATION_BUFFER)
  private length = 0

  constructor(
    private readonly histogram: Histogram,
    private readonly attributes: Attributes,
  ) {}

  add(seconds: number): void {
    this.values[this.length++] = seconds
    if (this.length === STORE_DURATION_BUFFER) this.flush()
  }

  flush(): void {
    // The same attributes object every time, in a tight loop: the SDK's record (which hashes the
    // attributes on each call) runs here at its cheapest, and off the fetch that made the call.
    const { histogram, attributes, values } = this
    for (let index = 0; index < this.length; index++) histogram.record(values[index]!, attributes)
    this.length = 0
  }
}

/** Records store call durations on `histogram`; failed calls carry `error.type` and go at once. */
export interface StoreDurations {
  /** Buffers a successful call of `operation` that took `seconds`. */
  add(operation: StoreOperation, seconds: number): void
  /** Hands every buffered duration to the histogram. */
  flush(): void
}

/**
 * The buffers of `histogram`, one per store operation, with `attributes` for each. Why buffered:
 * the OpenTelemetry SDK hashes a point's attributes on every `record`, which cost the instrumented
 * Redis hit about a tenth of its client-side CPU when it ran on each call; flushed in a batch,
 * the same records cost a fraction of that, and nothing is sampled or approximated.
 *
 * `flush` must run before the histogram is collected: the caller runs it from an observable
 * callback, which the SDK calls before it collects synchronous instruments (were an SDK to do it
 * the other way round, a collection would report the buffered calls one collection late).
 */
export function storeDurations(
  histogram: Histogram,
  attributes: Readonly<Record<StoreOperation, Attributes>>,
): StoreDurations {
  const buffers: Record<StoreOperation, DurationBuffer> = {
    read: new DurationBuffer(histogram, attributes.read),
    readBody: new DurationBuffer(histogram, attributes.readBody),
    write: new DurationBuffer(histogram, attributes.write),
    writeTokens: new DurationBuffer(histogram, attributes.writeTokens),
  }
  const all = Object.values(buffers)
  return {
    add: function addStoreDuration(operation: StoreOperation, seconds: number): void {
      buffers[operation].add(seconds)
    },
    flush: function flushStoreDurations(): void {
      for (const buffer of all) buffer.flush()
    },
  }
}
