// The targets of issue 6, checked against ratios from the same run.
import { figuresOf } from './compare.js'
import { httpFigures, httpRatio } from './http.js'
import { FRAMEWORKS, type Framework } from './http-routes.js'
import { medianRatio } from './measure.js'
import type { BenchResults } from './results.js'

/** Names of the Garner arms the targets are about. */
export const GARNER_1 = 'garner.fetch, 1 binding'
export const GARNER_3 = 'garner.fetch, 3 bindings'

/** "Far ahead of the uncached Prisma route": at least this many times its requests/s. */
export const FAR_AHEAD = 3

export type TargetId =
  | 'in-process'
  | 'redis-round-trips'
  | 'redis-latency'
  | `http-200-${Framework}`
  | `http-304-${Framework}`
  | `http-prisma-${Framework}`
  | 'stampede'

export interface Target {
  readonly id: TargetId
  readonly name: string
  readonly goal: string
  readonly measured: string
  readonly met: boolean
}

export function evaluateTargets(results: BenchResults): Target[] {
  const targets: Target[] = []
  const x = (ratio: number): string => `${ratio.toFixed(2)}×`

  const inProcess = figuresOf(results.inProcess, GARNER_1)
  const best = results.inProcess.bestAnchor!
  targets.push({
    id: 'in-process',
    name: 'In-process hit, 1 binding',
    goal: "≥ 1.00× the fastest anchor's getOrSet/wrap",
    measured: `${x(inProcess.vsBestAnchor!)} ${best.arm.name}`,
    met: inProcess.vsBestAnchor! >= 1,
  })

  const commands = results.redisCommands[GARNER_3] ?? {}
  const names = Object.keys(commands)
  const oneMget = names.length === 1 && names[0] === 'mget' && commands.mget === 1
  targets.push({
    id: 'redis-round-trips',
    name: 'Redis hit, 3 bindings: round trips',
    goal: 'one round trip',
    measured: `${formatCommandList(commands)} (${results.garnerKeysRead[GARNER_3] ?? '?'} keys)`,
    met: oneMget,
  })

  const latency = redisLatencyRatio(results)
  targets.push({
    id: 'redis-latency',
    name: 'Redis hit, 3 bindings: latency',
    goal: '≤ 1.25× one raw keyv.get',
    measured: x(latency),
    met: latency <= 1.25,
  })

  for (const framework of FRAMEWORKS) {
    const label = framework === 'hono' ? 'Hono' : 'Express'
    const hit = httpFigures(results.http, framework, 'garner-200')
    targets.push({
      id: `http-200-${framework}`,
      name: `${label}: cacheOr304 200 hit`,
      goal: '≥ 0.85× the constant-JSON route',
      measured: x(hit.vsConstant),
      met: hit.vsConstant >= 0.85 && hit.unexpected === 0 && !hit.silent,
    })
    const notModified = httpRatio(results.http, framework, 'garner-304', 'garner-200')
    targets.push({
      id: `http-304-${framework}`,
      name: `${label}: cacheOr304 304`,
      goal: '≥ 1.00× the 200 hit',
      measured: x(notModified),
      met: notModified >= 1,
    })
    const vsPrisma = Math.min(
      hit.vsPrisma,
      httpFigures(results.http, framework, 'garner-304').vsPrisma,
    )
    targets.push({
      id: `http-prisma-${framework}`,
      name: `${label}: 200 and 304 vs uncached Prisma`,
      goal: `far ahead (≥ ${FAR_AHEAD}×)`,
      measured: `≥ ${x(vsPrisma)}`,
      met: vsPrisma >= FAR_AHEAD,
    })
  }

  const garnerStampedes = results.stampedes.filter((result) => result.role === 'garner')
  const calls = garnerStampedes.map(
    (result) =>
      `${result.store}, ${result.name.replace('garner.fetch, ', '')}: ${result.loaderCalls}`,
  )
  targets.push({
    id: 'stampede',
    name: 'Stampede: 1,000 concurrent fetches of one missing key',
    goal: 'exactly 1 loader call (memory and Redis)',
    measured: `loader calls: ${calls.join(', ')}`,
    met: garnerStampedes.every((result) => result.loaderCalls === 1 && result.wrongValues === 0),
  })
  return targets
}

/** Garner's 3-binding Redis hit latency over raw keyv.get's, median of per-round ratios. */
export function redisLatencyRatio(results: BenchResults): number {
  const micros = (name: string): number[] =>
    figuresOf(results.redisLatency, name).samples.map((sample) => sample.meanMicros)
  return medianRatio(micros(GARNER_3), micros(results.redisLatency.limit.arm.name))
}

export function formatCommandList(perOp: Readonly<Record<string, number>>): string {
  const entries = Object.entries(perOp)
  if (entries.length === 0) return 'none'
  return entries
    .map(([command, calls]) => `${command.toUpperCase()} ×${Number(calls.toFixed(2))}`)
    .join(', ')
}
