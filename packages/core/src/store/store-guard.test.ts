import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { GarnerError } from '../errors.js'
import { asStoreError, StoreGuard, UNAVAILABLE } from './store-guard.js'

const fail = (): Promise<never> => Promise.reject(new Error('down'))
const succeed = (): Promise<string> => Promise.resolve('ok')
const start = Date.UTC(2026, 0, 1)

/** The first moment (ms after `from`) at which the breaker lets a call through again. */
function reopensAfter(guard: StoreGuard, from: number): number {
  for (let wait = 0; wait <= 10_000; wait++) {
    vi.setSystemTime(from + wait)
    if (!guard.open) return wait
  }
  return Number.NaN
}

describe('StoreGuard', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(start)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is closed at first and passes results through', async () => {
    const guard = new StoreGuard({ timeout: 1_000 })
    expect(guard.open).toBe(false)
    expect(await guard.call(succeed)).toBe('ok')
  })

  it('backs off 100 ms after a failure, doubling on each failed probe up to 2 s', async () => {
    const guard = new StoreGuard({ timeout: 1_000 })
    const waits: number[] = []
    for (let failure = 0; failure < 7; failure++) {
      await expect(guard.call(fail)).rejects.toMatchObject({ code: 'GARNER_STORE_ERROR' })
      expect(guard.open).toBe(true)
      await expect(guard.call(succeed)).rejects.toBe(UNAVAILABLE)
      waits.push(reopensAfter(guard, Date.now()))
    }
    expect(waits).toEqual([100, 200, 400, 800, 1_600, 2_000, 2_000])
    // The first success closes the circuit and resets the backoff.
    expect(await guard.call(succeed)).toBe('ok')
    expect(guard.open).toBe(false)
    await expect(guard.call(fail)).rejects.toThrow('down')
    expect(reopensAfter(guard, Date.now())).toBe(100)
  })

  it('takes its backoff bounds from the options', async () => {
    const guard = new StoreGuard({ timeout: 1_000, minBackoff: 10, maxBackoff: 30 })
    const waits: number[] = []
    for (let failure = 0; failure < 3; failure++) {
      await expect(guard.call(fail)).rejects.toThrow()
      waits.push(reopensAfter(guard, Date.now()))
    }
    expect(waits).toEqual([10, 20, 30])
  })

  it('lets one probe through and refuses others while it runs', async () => {
    const guard = new StoreGuard({ timeout: 1_000 })
    await expect(guard.call(fail)).rejects.toThrow()
    vi.setSystemTime(start + 100)
    let finish!: (value: string) => void
    const probe = guard.call(
      () =>
        new Promise<string>((resolve) => {
          finish = resolve
        }),
    )
    expect(guard.open).toBe(true)
    await expect(guard.call(succeed)).rejects.toBe(UNAVAILABLE)
    finish('probed')
    expect(await probe).toBe('probed')
    expect(guard.open).toBe(false)
    expect(await guard.call(succeed)).toBe('ok')
  })

  it('keeps a probe alone while calls begun before the failure finish around it', async () => {
    const guard = new StoreGuard({ timeout: 1_000 })
    const pending = () => {
      let finish!: (value: string) => void
      const promise = new Promise<string>((resolve) => {
        finish = resolve
      })
      return { promise, finish }
    }
    const early = pending()
    const earlyCall = guard.call(() => early.promise)
    await expect(guard.call(fail)).rejects.toThrow('down')
    vi.setSystemTime(start + 100)
    const probe = pending()
    const probeCall = guard.call(() => probe.promise)
    // The call begun before the failure answers, and another fails: the probe still runs.
    early.finish('early')
    expect(await earlyCall).toBe('early')
    await expect(guard.call(fail)).rejects.toThrow('down')
    vi.setSystemTime(start + 200)
    expect(guard.open).toBe(true)
    await expect(guard.call(succeed)).rejects.toBe(UNAVAILABLE)
    probe.finish('probed')
    expect(await probeCall).toBe('probed')
    expect(guard.open).toBe(false)
  })

  it('does not count corrupt data as a store failure', async () => {
    const guard = new StoreGuard({ timeout: 1_000 })
    await expect(guard.call(fail)).rejects.toThrow()
    vi.setSystemTime(start + 100)
    const corrupt = new GarnerError('GARNER_CORRUPT_ENTRY', 'bad')
    await expect(guard.call(() => Promise.reject(corrupt))).rejects.toBe(corrupt)
    expect(guard.open).toBe(false)
    expect(await guard.call(succeed)).toBe('ok')
  })

  it('does not count unconfirmed replication as a store failure', async () => {
    const guard = new StoreGuard({ timeout: 1_000 })
    const notReplicated = new GarnerError('GARNER_NOT_REPLICATED', 'slow replicas')
    await expect(guard.call(() => Promise.reject(notReplicated))).rejects.toBe(notReplicated)
    expect(guard.open).toBe(false)
  })

  it('in passthrough, wraps errors but never opens the circuit', async () => {
    const guard = new StoreGuard({ timeout: 1_000, passthrough: true })
    await expect(guard.call(fail)).rejects.toMatchObject({
      code: 'GARNER_STORE_ERROR',
      message: expect.stringContaining("Garner's store failed: down."),
    })
    expect(guard.open).toBe(false)
    expect(await guard.call(succeed)).toBe('ok')
  })

  it('passes other Garner errors through as they are', async () => {
    const guard = new StoreGuard({ timeout: 1_000 })
    const own = new GarnerError('GARNER_STORE_ERROR', 'own')
    await expect(guard.call(() => Promise.reject(own))).rejects.toBe(own)
    expect(guard.open).toBe(true)
  })
})

describe('StoreGuard timeouts', () => {
  it('fails a call that does not answer in time, and counts it as a failure', async () => {
    // A backoff far longer than a loaded machine can delay the assertion after the timeout.
    const guard = new StoreGuard({ timeout: 20, minBackoff: 60_000, maxBackoff: 60_000 })
    const never = new Promise<string>(() => {})
    const error = await guard.call(() => never).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(GarnerError)
    expect(error).toMatchObject({ code: 'GARNER_STORE_TIMEOUT' })
    expect((error as Error).message).toBe(
      "Garner's store did not answer within 20 ms. Garner answered from the loader; " +
        'raise storeTimeout if the store is healthy but slow.',
    )
    expect(guard.open).toBe(true)
  })

  it('leaves no timer behind once a call has answered', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const guard = new StoreGuard({ timeout: 1_000 })
      expect(await guard.call(succeed)).toBe('ok')
      await expect(guard.call(fail)).rejects.toThrow('down')
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  it('ignores a late failure of a call that already timed out', async () => {
    const guard = new StoreGuard({ timeout: 10 })
    let reject!: (error: unknown) => void
    const late = new Promise<string>((_, fail) => {
      reject = fail
    })
    await expect(guard.call(() => late)).rejects.toMatchObject({ code: 'GARNER_STORE_TIMEOUT' })
    reject(new Error('late'))
    await new Promise((resolve) => setTimeout(resolve, 5))
  })
})

describe('asStoreError', () => {
  it("wraps a store's own error, keeping it as the cause, and leaves Garner errors as they are", () => {
    const cause = new Error('connection reset')
    const wrapped = asStoreError(cause)
    expect(wrapped).toBeInstanceOf(GarnerError)
    expect(wrapped.code).toBe('GARNER_STORE_ERROR')
    expect(wrapped.message).toBe(
      "Garner's store failed: connection reset. Garner answered from the loader and will retry the store shortly.",
    )
    expect(wrapped.cause).toBe(cause)
    expect(asStoreError('text').message).toContain('failed: text.')
    expect(asStoreError(UNAVAILABLE)).toBe(UNAVAILABLE)
  })
})
