// Per-key backoff for failing loaders: while the database is down, a key with a stale value to
// answer tries its loader once per backoff period (doubling up to a cap), not once per request.
// Garner keeps at most this many keys' failure records; past that it forgets them all, which only
// means one early retry each.
const MAX_TRACKED = 10_000

/** Timing of the backoff, in milliseconds. */
export interface LoaderBackoffOptions {
  /** Wait after the first failure; doubled after each further one. Default 1,000. */
  readonly min?: number
  /** Longest wait. Default 30,000. */
  readonly max?: number
}

/** Default {@link LoaderBackoffOptions.min}, in milliseconds. */
export const DEFAULT_LOADER_BACKOFF_MIN = 1_000
/** Default {@link LoaderBackoffOptions.max}, in milliseconds. */
export const DEFAULT_LOADER_BACKOFF_MAX = 30_000

interface Failures {
  count: number
  retryAt: number
}

export class LoaderBackoff {
  private readonly failures = new Map<string, Failures>()

  constructor(
    private readonly min: number,
    private readonly max: number,
  ) {}

  /** True while `key`'s loader should be left alone: a stale answer is given instead. */
  blocked(key: string, now: number): boolean {
    // Stryker disable next-line ConditionalExpression: with no failures the lookup below finds nothing either; the check only skips it
    if (this.failures.size === 0) return false
    const record = this.failures.get(key)
    return record !== undefined && now < record.retryAt
  }

  /**
   * Records a failed attempt. Failures reported while the key is already backing off belong to
   * the attempt that started the backoff (every caller that joined one load reports it), so they
   * count once.
   */
  failed(key: string, now: number): void {
    const record = this.failures.get(key)
    if (record !== undefined) {
      if (now < record.retryAt) return
      record.count += 1
      record.retryAt = now + this.delay(record.count)
      return
    }
    if (this.failures.size >= MAX_TRACKED) this.failures.clear()
    this.failures.set(key, { count: 1, retryAt: now + this.delay(1) })
  }

  /** Forgets `key`'s failures: its loader worked. */
  succeeded(key: string): void {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: deleting from an empty map does nothing; the check only skips the call
    if (this.failures.size > 0) this.failures.delete(key)
  }

  private delay(count: number): number {
    return Math.min(this.max, this.min * 2 ** (count - 1))
  }
}
