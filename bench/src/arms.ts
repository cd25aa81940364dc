// An arm: one contender in a comparison (the limit, a raw store call, an anchor, or Garner).
import type { CountingLoader } from './fixture.js'
import type { Op } from './measure.js'

/**
 * What an arm stands for in the ratios: `limit` is the physical limit, `raw` a bare store call,
 * `anchor` a cache people would pick instead of Garner, `garner` Garner itself.
 */
export type ArmRole = 'limit' | 'raw' | 'anchor' | 'garner'

export interface Arm {
  readonly name: string
  readonly role: ArmRole
  readonly op: Op
  /** The loader behind `op`, when it has one: a hit benchmark checks it ran exactly once. */
  readonly loader?: CountingLoader<unknown>
  /** Runs before every round, untimed (a miss benchmark empties its cache). */
  readonly reset?: () => unknown
}

/** Resets every arm that has something to reset. */
export async function resetAll(arms: readonly Arm[]): Promise<void> {
  for (const arm of arms) await arm.reset?.()
}

/** Arms and how to release what they hold (connections, timers). */
export interface ArmSet {
  readonly arms: readonly Arm[]
  close(): Promise<void>
}

/** The key concurrent worker `worker` reads (worker 0 is the one-at-a-time caller). */
export function keyOf(worker: number): string {
  return `user:${worker}`
}

/** Runs each arm's op for workers 0 … workers-1 once: the misses that fill the caches. */
export async function prime(arms: readonly Arm[], workers: number): Promise<void> {
  for (const arm of arms) {
    for (let worker = 0; worker < workers; worker++) await arm.op(worker)
  }
}

/**
 * Arms whose loader ran more often than the priming did, i.e. whose "hits" were not all hits.
 * A hit benchmark reports them instead of a figure that would mean nothing.
 */
export function notAllHits(arms: readonly Arm[], workers: number): string[] {
  return arms
    .filter((arm) => arm.loader !== undefined && arm.loader.calls !== workers)
    .map((arm) => `${arm.name} (loader ran ${arm.loader!.calls} times for ${workers} keys)`)
}
