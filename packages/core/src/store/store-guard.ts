// Fail-open for remote stores: a timeout on every call, and a circuit breaker so that while the
// store is down requests skip it at once instead of each waiting for the timeout. After a failure
// the store is left alone for a backoff (doubling up to a cap); then one call probes it, and the
// first success closes the circuit, so caching resumes by itself when the store comes back.
import { GarnerError } from '../errors.js'

/** Timing of the guard, in milliseconds. */
export interface StoreGuardOptions {
  /** Longest wait for one store call. */
  readonly timeout: number
  /** First backoff after a failure; doubled on each failed probe. Default 100 ms. */
  readonly minBackoff?: number
  /** Longest backoff. Default 2,000 ms. */
  readonly maxBackoff?: number
  /**
   * Only turn errors into `GarnerError`s: no timeout, no circuit. For drivers that guard each
   * part of the store themselves (a Redis Cluster, one breaker per node).
   */
  readonly passthrough?: boolean
}

export class StoreGuard {
  /** Longest wait for one store call, in milliseconds. */
  readonly timeout: number
  private readonly minBackoff: number
  private readonly maxBackoff: number
  private failures = 0
  private retryAt = 0
  private probing = false
  private readonly passthrough: boolean

  constructor(options: StoreGuardOptions) {
    this.passthrough = options.passthrough ?? false
    this.timeout = options.timeout
    this.minBackoff = options.minBackoff ?? 100
    this.maxBackoff = options.maxBackoff ?? 2_000
  }

  /** True while the circuit is open: calls would be refused without reaching the store. */
  get open(): boolean {
    return this.failures > 0 && (this.probing || Date.now() < this.retryAt)
  }

  /**
   * Runs one store call under the timeout. Throws a `GarnerError` (`GARNER_STORE_TIMEOUT`,
   * `GARNER_STORE_ERROR`, or the store's `GARNER_CORRUPT_ENTRY`) when it fails, and
   * {@link UNAVAILABLE} at once, without calling the store, while the circuit is open.
   */
  async call<T>(operation: () => Promise<T>): Promise<T> {
    if (this.passthrough) {
      try {
        return await operation()
      } catch (error) {
        throw asStoreError(error)
      }
    }
    const probe = this.failures > 0
    if (probe) {
      if (this.open) throw UNAVAILABLE
      this.probing = true
    }
    try {
      const result = await withTimeout(operation(), this.timeout)
      this.failures = 0
      return result
    } catch (error) {
      if (
        error instanceof GarnerError &&
        (error.code === 'GARNER_CORRUPT_ENTRY' || error.code === 'GARNER_NOT_REPLICATED')
      ) {
        // Bad data or slow replicas are not a sick store: the call reached it and got an answer.
        this.failures = 0
        throw error
      }
      this.failures += 1
      const backoff = Math.min(this.maxBackoff, this.minBackoff * 2 ** (this.failures - 1))
      this.retryAt = Date.now() + backoff
      throw asStoreError(error)
    } finally {
      if (probe) this.probing = false
    }
  }
}

/** Thrown without touching the store while the circuit is open; not reported as a new error. */
export const UNAVAILABLE: GarnerError = new GarnerError(
  'GARNER_STORE_ERROR',
  "Garner's store is unavailable after recent failures; it will be retried shortly.",
)

function withTimeout<T>(promise: Promise<T>, timeout: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new GarnerError(
          'GARNER_STORE_TIMEOUT',
          `Garner's store did not answer within ${timeout} ms. Garner answered from the loader; ` +
            'raise storeTimeout if the store is healthy but slow.',
        ),
      )
    }, timeout)
  })
  // The store call may still settle after the timeout; nobody awaits it then.
  promise.catch(() => {})
  return Promise.race([promise, timedOut]).finally(() => clearTimeout(timer))
}

/** `error` as a `GarnerError`: a store's own error is wrapped as `GARNER_STORE_ERROR`. */
export function asStoreError(error: unknown): GarnerError {
  if (error instanceof GarnerError) return error
  return new GarnerError(
    'GARNER_STORE_ERROR',
    `Garner's store failed: ${messageOf(error)}. Garner answered from the loader and will ` +
      'retry the store shortly.',
    { cause: error },
  )
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
