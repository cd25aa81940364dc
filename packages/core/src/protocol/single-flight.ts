// One loader run for concurrent fetches of the same missing entry, in this process.
import { BoundedCache } from '../keys/bounded-cache.js'

// Work that finished recently, for reads sent before it finished that answer after: bounded, as
// forgetting one only costs a redundant load.
const FINISHED_MEMORY = 256

interface Finished<T> {
  readonly work: Promise<T>
  /** The count of finished work once this had finished. */
  readonly at: number
}

/** Deduplicates concurrent work by key. */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>()
  private readonly finished = new BoundedCache<string, Finished<T>>(FINISHED_MEMORY)
  private finishedCount = 0

  /**
   * A mark to take before a read whose answer decides whether to {@link run}: work under the same
   * key that finishes after the mark is still joined, as the read may have been answered before
   * that work's result was stored.
   */
  get mark(): number {
    return this.finishedCount
  }

  /**
   * Joins the work running under `key` (or, given `since`, work that finished after that
   * {@link mark}), or starts it. The key leaves the running work once it has settled (including
   * any store write it awaits).
   */
  run(key: string, start: () => Promise<T>, since?: number): Promise<T> {
    const current = this.running.get(key)
    if (current !== undefined) return current
    if (since !== undefined) {
      const finished = this.finished.get(key)
      if (finished !== undefined && finished.at > since) return finished.work
    }
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
        if (this.forget(key, work)) this.finished.set(key, { work, at: ++this.finishedCount })
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
   * Stops new callers from joining any running or finished work: after an invalidation, a load
   * that started before it must not be handed to a fetch that starts after it.
   */
  detachAll(): void {
    this.running.clear()
    this.finished.clear()
  }
}
