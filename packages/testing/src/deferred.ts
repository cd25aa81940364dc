// A promise with its resolve and reject exposed, for tests that control when a loader finishes.

/** A promise with its `resolve` and `reject` functions exposed. */
export interface Deferred<T> {
  /** Settles when `resolve` or `reject` is called. */
  readonly promise: Promise<T>
  /** Fulfils `promise` with `value`. */
  resolve(value: T): void
  /** Rejects `promise` with `error`. */
  reject(error: unknown): void
}

/** A new {@link Deferred}: hand its `promise` to a loader, settle it when the test is ready. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Polls `check` until it returns true or `timeout` ms pass; returns whether it did. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeout = 10_000,
): Promise<boolean> {
  const deadline = Date.now() + timeout
  while (Date.now() < deadline) {
    if (await check()) return true
    await sleep(50)
  }
  return check()
}
