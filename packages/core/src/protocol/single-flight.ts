// One loader run for concurrent fetches of the same missing entry, in this process.
import { BoundedCache } from '../keys/bounded-cache.js'

// Keys whose work finished recently, for reads sent before it finished that answer after: bounded,
// as forgetting one only costs a redundant load. Only the moment is kept, never the result.
const FINISHED_MEMORY = 1_024

/** Deduplicates concurrent work by key. */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>()
  // Key → the count of finished work once the work under it had finished.
  private readonly finished = new BoundedCache<string, number>(FINISHED_MEMORY)
  private finishedCount = 0

  /**
   * `remember`: keep when work finished, for callers that pass a {@link mark}. An owner whose
   * reads all answer synchronously never does, and saves the bookkeeping on every load.
   */
  constructor(private readonly remember = true) {}

  /**
   * A mark to take before a read whose answer decides whether to {@link run}: work under the same
   * key that finishes after the mark may have stored what that read did not see.
   */
  get mark(): number {
    return this.finishedCount
  }

  /**
   * Joins the work running under `key`, or starts it. Given a {@link mark} `since`, work under
   * `key` that finished after it calls `again` instead (to read once more what that work stored).
   * The key leaves the running work once it has settled (including any store write it awaits).
   */
  run(key: string, start: () => Promise<T>, since?: number, again?: () => Promise<T>): Promise<T> {
    const current = this.running.get(key)
    if (current !== undefined) return current
    if (since !== undefined && again !== undefined && (this.finished.get(key) ?? -1) > since)
      return again()
    const work = start()
    this.join(key, work)
    return work
  }

  /**
   * Lets later callers of `key` join `work` too (work already running under another key), unless
   * something runs under `key` already.
   */
  join(key: string, work: Promise<T>): void {
    if (this.running.has(key)) return
    this.running.set(key, work)
    work.then(
      () => {
        if (this.forget(key, work) && this.remember) this.finished.set(key, ++this.finishedCount)
      },
      () => this.forget(key, work),
    )
  }

  /** Whether `work` was still the one running under `key` (and joinable). */
  private forget(key: string, work: Promise<T>): boolean {
    if (this.running.get(key) !== work) return false
    this.running.delete(key)
    return true
  }

  /**
   * Stops new callers from joining any running work, or reading again after finished work: after
   * an invalidation, a load that started before it must not be handed to a fetch that starts
   * after it.
   */
  detachAll(): void {
    this.running.clear()
    this.finished.clear()
  }
}
