// A comparison: arms measured side by side in the same rounds, with each arm's ratios to the
// limit and to the best anchor computed round by round (see measure.ts).
import type { Arm } from './arms.js'
import {
  medianRatio,
  type RoundOptions,
  rounds,
  type Sample,
  type Summary,
  summarize,
} from './measure.js'

export interface Figures {
  readonly arm: Arm
  readonly summary: Summary
  readonly samples: readonly Sample[]
  /** Median over rounds of this arm's rate divided by the limit's rate (1 = as fast as the limit). */
  readonly vsLimit: number
  /** The same against the best anchor; undefined when there are no anchors. */
  readonly vsBestAnchor: number | undefined
}

export interface Comparison {
  readonly figures: readonly Figures[]
  readonly limit: Figures
  /** The anchor with the highest median rate. */
  readonly bestAnchor: Figures | undefined
  readonly rounds: number
  readonly options: RoundOptions
}

/** Warms every arm up for one short round, then measures `count` rounds. */
export async function compare(
  arms: readonly Arm[],
  count: number,
  options: RoundOptions,
): Promise<Comparison> {
  const ops = arms.map((arm) => arm.op)
  // One short round first: lets the JIT settle before anything is counted.
  await rounds(ops, 1, { ...options, durationMs: Math.min(options.durationMs, 500) })
  const samples = await rounds(ops, count, options)
  const rates = samples.map((list) => list.map((sample) => sample.opsPerSecond))
  const limitIndex = arms.findIndex((arm) => arm.role === 'limit')
  if (limitIndex < 0) throw new Error('a comparison needs a limit arm')
  const summaries = samples.map(summarize)
  let bestIndex: number | undefined
  arms.forEach((arm, index) => {
    if (arm.role !== 'anchor') return
    if (
      bestIndex === undefined ||
      summaries[index]!.opsPerSecond > summaries[bestIndex]!.opsPerSecond
    )
      bestIndex = index
  })
  const figures = arms.map(
    (arm, index): Figures => ({
      arm,
      summary: summaries[index]!,
      samples: samples[index]!,
      vsLimit: medianRatio(rates[index]!, rates[limitIndex]!),
      vsBestAnchor:
        bestIndex === undefined ? undefined : medianRatio(rates[index]!, rates[bestIndex]!),
    }),
  )
  return {
    figures,
    limit: figures[limitIndex]!,
    bestAnchor: bestIndex === undefined ? undefined : figures[bestIndex],
    rounds: count,
    options,
  }
}

/** The figures of the arm named `name`. */
export function figuresOf(comparison: Comparison, name: string): Figures {
  const found = comparison.figures.find((figures) => figures.arm.name === name)
  if (found === undefined) throw new Error(`no arm named ${name}`)
  return found
}
