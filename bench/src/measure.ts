// Rounds and medians. The machine is noisy: rates swing 2x between runs and switch between a
// fast and a slow regime within a second. So arms are interleaved finely: a round is many passes,
// each pass runs every arm for one short slot (a few hundred microseconds to a few milliseconds),
// and each arm's figure for the round is its total operations over its total time. Every arm
// thus sees the same mix of fast and slow moments. A figure is the median over rounds, and a
// ratio the median of the per-round ratios, so both sides of a ratio come from the same round.
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks'

/**
 * One operation of an arm. `worker` is 0 for one-at-a-time runs, and the index of the
 * concurrent worker (0 … inFlight-1) otherwise, so that concurrent workers can use distinct keys.
 * The harness awaits the result, promise or not.
 */
export type Op = (worker: number) => unknown

/** One round's figure for one arm. */
export interface Sample {
  readonly opsPerSecond: number
  /** Mean time per operation in microseconds, from the point of view of one caller. */
  readonly meanMicros: number
  readonly p50Micros?: number
  readonly p99Micros?: number
}

/** How a round drives its arms. */
export interface RoundOptions {
  /** Approximate wall time of the whole round, all arms together. */
  readonly durationMs: number
  /** Operations per arm per slot (per worker when `inFlight` > 1). */
  readonly slotOps: number
  /** Operations kept in flight at once; 1 measures latency, more measures throughput. */
  readonly inFlight?: number
  /** Record every operation's latency (one-at-a-time only; costs ~0.2 µs per op). */
  readonly percentiles?: boolean
  /** Runs before every round, untimed (miss benchmarks empty their caches here). */
  readonly beforeRound?: () => unknown
}

interface Tally {
  ops: number
  nanos: bigint
  readonly histogram: RecordableHistogram | undefined
}

/** One round over `ops` (one per arm), returning one sample per arm, in the same order. */
export async function round(ops: readonly Op[], options: RoundOptions): Promise<Sample[]> {
  const inFlight = options.inFlight ?? 1
  const tallies: Tally[] = ops.map(() => ({
    ops: 0,
    nanos: 0n,
    histogram: options.percentiles && inFlight === 1 ? createHistogram() : undefined,
  }))
  const end = performance.now() + options.durationMs
  for (let pass = 0; performance.now() < end; pass++) {
    // Rotate and alternate the order, so that no arm always follows the same neighbour.
    for (let step = 0; step < ops.length; step++) {
      const index =
        pass % 2 === 0 ? (pass + step) % ops.length : (pass + ops.length - step) % ops.length
      const tally = tallies[index]!
      const op = ops[index]!
      if (inFlight > 1) await concurrentSlot(op, inFlight, options.slotOps, tally)
      else if (tally.histogram !== undefined) await recordedSlot(op, options.slotOps, tally)
      else await sequentialSlot(op, options.slotOps, tally)
    }
  }
  return tallies.map((tally) => {
    const seconds = Number(tally.nanos) / 1e9
    const opsPerSecond = tally.ops / seconds
    return {
      opsPerSecond,
      meanMicros: (1e6 * inFlight) / opsPerSecond,
      ...(tally.histogram === undefined
        ? {}
        : {
            p50Micros: tally.histogram.percentile(50) / 1000,
            p99Micros: tally.histogram.percentile(99) / 1000,
          }),
    }
  })
}

async function sequentialSlot(op: Op, count: number, tally: Tally): Promise<void> {
  const start = process.hrtime.bigint()
  for (let index = 0; index < count; index++) await op(0)
  tally.nanos += process.hrtime.bigint() - start
  tally.ops += count
}

async function recordedSlot(op: Op, count: number, tally: Tally): Promise<void> {
  const histogram = tally.histogram!
  const start = process.hrtime.bigint()
  let before = start
  for (let index = 0; index < count; index++) {
    await op(0)
    const after = process.hrtime.bigint()
    histogram.record(after - before)
    before = after
  }
  tally.nanos += before - start
  tally.ops += count
}

async function concurrentSlot(
  op: Op,
  inFlight: number,
  count: number,
  tally: Tally,
): Promise<void> {
  const start = process.hrtime.bigint()
  const worker = async (id: number): Promise<void> => {
    for (let index = 0; index < count; index++) await op(id)
  }
  await Promise.all(Array.from({ length: inFlight }, (_, id) => worker(id)))
  tally.nanos += process.hrtime.bigint() - start
  tally.ops += count * inFlight
}

/** `rounds` rounds over the arms' ops; per arm, its samples in round order. */
export async function rounds(
  ops: readonly Op[],
  count: number,
  options: RoundOptions,
): Promise<Sample[][]> {
  const samples: Sample[][] = ops.map(() => [])
  for (let index = 0; index < count; index++) {
    await options.beforeRound?.()
    const results = await round(ops, options)
    results.forEach((sample, arm) => {
      samples[arm]!.push(sample)
    })
  }
  return samples
}

/** The median of a list (the mean of the middle two for an even count; NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** The median over rounds of `numerator[i] / denominator[i]`: both from the same round. */
export function medianRatio(numerator: readonly number[], denominator: readonly number[]): number {
  return median(numerator.map((value, index) => value / denominator[index]!))
}

/** The medians of one arm's samples. */
export interface Summary {
  readonly opsPerSecond: number
  readonly meanMicros: number
  readonly p50Micros: number | undefined
  readonly p99Micros: number | undefined
}

export function summarize(samples: readonly Sample[]): Summary {
  const optional = (pick: (sample: Sample) => number | undefined): number | undefined => {
    const values = samples.map(pick).filter((value): value is number => value !== undefined)
    return values.length === 0 ? undefined : median(values)
  }
  return {
    opsPerSecond: median(samples.map((sample) => sample.opsPerSecond)),
    meanMicros: median(samples.map((sample) => sample.meanMicros)),
    p50Micros: optional((sample) => sample.p50Micros),
    p99Micros: optional((sample) => sample.p99Micros),
  }
}
