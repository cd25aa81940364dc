// One loader run for concurrent fetches of the same missing entry, in this process.

/** Deduplicates concurrent work by key. */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>()

  /**
   * Joins the work running under `key`, or starts it. The key leaves the map once the work has
   * settled (including any store write it awaits), so a later call starts afresh.
   */
  run(key: string, start: () => Promise<T>): Promise<T> {
    const current = this.running.get(key)
    if (current !== undefined) return current
    const work = start()
    this.running.set(key, work)
    work.then(
      () => this.forget(key, work),
      () => this.forget(key, work),
    )
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
      () => this.forget(key, work),
      () => this.forget(key, work),
    )
  }

  private forget(key: string, work: Promise<T>): void {
    if (this.running.get(key) === work) this.running.delete(key)
  }

  /**
   * Stops new callers from joining any running work: after an invalidation, a load that started
   * before it must not be handed to a fetch that starts after it.
   */
  detachAll(): void {
    this.running.clear()
  }
}
