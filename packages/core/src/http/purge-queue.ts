// Purging shared caches after invalidations: one lane per purger, each sending at most one
// request batch at a time, so that keys from invalidations that arrive meanwhile are coalesced
// into the next batch. Failed batches are retried with exponential backoff (absorbing keys that
// arrived during the wait), every attempt is reported on the `purge` event and every failure on
// the `error` event, and nothing here ever fails the write that caused the purge.
import { GarnerError } from '../errors.js'
import type { Emitter } from '../events.js'
import type { Purger } from './purger.js'

/** Default longest wait of `invalidate()` for its purges, in milliseconds. */
export const DEFAULT_PURGE_TIMEOUT = 2_000
/** Attempts per batch before it is given up (reported on the `error` event). */
export const DEFAULT_PURGE_ATTEMPTS = 8
// First retry after about 100 ms, doubling up to 30 s: eight attempts span about 25 s.
const BACKOFF_BASE = 100
const BACKOFF_CAP = 30_000
// One purge call that hangs must not stall its lane forever.
const ATTEMPT_TIMEOUT = 15_000

export interface PurgeQueueOptions {
  readonly purgers: readonly Purger[]
  readonly timeout: number
  readonly attempts: number
  readonly emitter: Emitter
}

/** Sends surrogate-key purges to every purger. */
export class PurgeQueue {
  private readonly lanes: readonly Lane[]

  constructor(private readonly options: PurgeQueueOptions) {
    this.lanes = options.purgers.map((purger) => new Lane(purger, options))
  }

  /**
   * Purges `keys` on every purger. Resolves once all have purged them, or gave up, or after the
   * timeout (the purge carries on in the background, and the timeout is reported); never rejects.
   */
  purge(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return Promise.resolve()
    const all = Promise.all(this.lanes.map((lane) => lane.enqueue(keys)))
    let timer: ReturnType<typeof setTimeout> | undefined
    const timedOut = new Promise<'timeout'>((resolve) => {
      // Not unref'd: a script's last `await invalidate()` waits for its purge (bounded).
      timer = setTimeout(() => resolve('timeout'), this.options.timeout)
    })
    return Promise.race([all, timedOut]).then((outcome) => {
      clearTimeout(timer)
      if (outcome === 'timeout') {
        report(
          this.options.emitter,
          new GarnerError(
            'GARNER_PURGE_TIMEOUT',
            `Garner: the shared caches did not confirm the purge of ${describeKeys(keys)} within ` +
              `${this.options.timeout} ms; invalidate() returned and the purge goes on in the ` +
              'background. Raise purgeTimeout, or check the purgers.',
          ),
          keys,
        )
      }
    })
  }
}

/** The purges of one purger: one batch in flight at a time. */
class Lane {
  private pending = new Set<string>()
  private waiters: (() => void)[] = []
  private running = false

  constructor(
    private readonly purger: Purger,
    private readonly options: PurgeQueueOptions,
  ) {}

  enqueue(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.pending.add(key)
    const done = new Promise<void>((resolve) => this.waiters.push(resolve))
    if (!this.running) {
      this.running = true
      // Invalidations of the same tick (a transaction's, a batch's) share the first request.
      queueMicrotask(() => void this.pump())
    }
    return done
  }

  private async pump(): Promise<void> {
    while (this.pending.size > 0) {
      const keys = new Set<string>()
      const waiters: (() => void)[] = []
      for (let attempt = 1; ; attempt++) {
        // Keys that arrived while the previous attempt ran or waited join this one.
        for (const key of this.pending) keys.add(key)
        this.pending.clear()
        waiters.push(...this.waiters)
        this.waiters = []
        const started = performance.now()
        const error = await this.attempt([...keys])
        const last = attempt >= this.options.attempts
        const { emitter } = this.options
        // Stryker disable next-line ConditionalExpression: emit() without listeners does nothing; the check only skips building the event
        if (emitter.has('purge')) {
          emitter.emit('purge', {
            purger: this.purger.name,
            keys: keys.size,
            invalidations: waiters.length,
            attempt,
            outcome: error === undefined ? 'ok' : last ? 'failed' : 'retried',
            duration: performance.now() - started,
            ...(error === undefined ? {} : { error }),
          })
        }
        if (error === undefined) break
        report(
          this.options.emitter,
          new GarnerError(
            'GARNER_PURGE_FAILED',
            `Garner: purging ${describeKeys([...keys])} on ${this.purger.name} failed ` +
              `(attempt ${attempt} of ${this.options.attempts}${last ? ', giving up' : ', retrying'}): ` +
              `${messageOf(error)}`,
            { cause: error },
          ),
          [...keys],
        )
        if (last) break
        await sleep(Math.max(backoff(attempt), retryAfterOf(error)))
      }
      for (const resolve of waiters) resolve()
    }
    this.running = false
  }

  /** One call to the purger; the error when it failed or hung. */
  private async attempt(keys: readonly string[]): Promise<unknown> {
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      await Promise.race([
        this.purger.purge(keys),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${ATTEMPT_TIMEOUT} ms`)),
            ATTEMPT_TIMEOUT,
          )
          // Stryker disable next-line OptionalChaining: Node's timers always have unref(); the ?. is for runtimes whose setTimeout returns a number
          timer.unref?.()
        }),
      ])
      return undefined
    } catch (error) {
      return error ?? new Error('the purger rejected without a reason')
    } finally {
      clearTimeout(timer)
    }
  }
}

/** Exponential backoff with jitter: half the step fixed, half random. */
function backoff(attempt: number): number {
  const step = Math.min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
  return step / 2 + Math.random() * (step / 2)
}

// `error` is never null or undefined (attempt() replaces those), and a zero or negative
// retryAfter leaves the backoff as it is (the caller takes the larger of the two), so only a
// finite number needs telling apart; Number.isFinite() is false for anything but a number.
function retryAfterOf(error: unknown): number {
  const retryAfter = (error as { retryAfter?: unknown }).retryAfter
  return Number.isFinite(retryAfter) ? Math.min(retryAfter as number, 10 * BACKOFF_CAP) : 0
}

function sleep(ms: number): Promise<void> {
  // Stryker disable next-line OptionalChaining: Node's timers always have unref(); the ?. is for runtimes whose setTimeout returns a number
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.())
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function describeKeys(keys: readonly string[]): string {
  const shown = keys.slice(0, 5).join(' ')
  return keys.length > 5 ? `${shown} … (${keys.length} keys)` : shown
}

function report(emitter: Emitter, error: GarnerError, keys: readonly string[]): void {
  // Stryker disable next-line ConditionalExpression: emit() without listeners does nothing; the check only skips building the event
  if (emitter.has('error')) emitter.emit('error', { error, operation: 'purge', key: keys[0] })
}
