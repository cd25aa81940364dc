// The targets of issues 6 and 19, checked against ratios from the same run.
import { type Comparison, figuresOf } from './compare.js'
import { demoFigures } from './demo.js'
import { httpFigures, httpRatio } from './http.js'
import { FRAMEWORKS, type Framework } from './http-routes.js'
import { CHAIN_ARM } from './in-process.js'
import { medianRatio } from './measure.js'
import { COMMAND_SAMPLES } from './redis-server.js'
import type { BenchResults } from './results.js'

/** Names of the Garner arms the targets are about. */
export const GARNER_1 = 'garner.fetch, 1 binding'
export const GARNER_3 = 'garner.fetch, 3 bindings'
/** The anchor the issue-19 targets compare with. */
export const CACHE_MANAGER = 'cache-manager wrap'

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
  | 'identity-chain-anchor'
  | 'identity-chain-fetch'
  | 'miss-memory'
  | 'miss-redis'
  | 'miss-redis-round-trips'
  | `http-200-headers-${Framework}`
  | `demo-${Framework}`

export interface Target {
  readonly id: TargetId
  readonly name: string
  readonly goal: string
  readonly measured: string
  readonly met: boolean
  /**
   * The measured ratio and the goal's bound, for the targets that are one ratio against one bound
   * (`atLeast`: the ratio must be at least `bound`): what the chart of the targets shows.
   */
  readonly ratio?: { readonly value: number; readonly bound: number; readonly atLeast: boolean }
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
    ratio: { value: inProcess.vsBestAnchor!, bound: 1, atLeast: true },
  })

  const chainVsAnchor = ratioOf(results.inProcess, CHAIN_ARM, CACHE_MANAGER)
  targets.push({
    id: 'identity-chain-anchor',
    name: 'In-process hit, identity chain',
    goal: `≥ 1.00× ${CACHE_MANAGER}`,
    measured: x(chainVsAnchor),
    met: chainVsAnchor >= 1,
    ratio: { value: chainVsAnchor, bound: 1, atLeast: true },
  })
  const chainVsFetch = ratioOf(results.inProcess, CHAIN_ARM, GARNER_1)
  targets.push({
    id: 'identity-chain-fetch',
    name: 'In-process hit, identity chain vs fetch with bind',
    goal: `≥ ${x(1 / 1.2)} ${GARNER_1} (within 1.2×)`,
    measured: x(chainVsFetch),
    met: chainVsFetch >= 1 / 1.2,
    ratio: { value: chainVsFetch, bound: 1 / 1.2, atLeast: true },
  })

  const missMemory = ratioOf(results.missMemory, GARNER_1, CACHE_MANAGER)
  targets.push({
    id: 'miss-memory',
    name: 'In-process miss, 1 binding',
    goal: `≥ 0.50× ${CACHE_MANAGER}`,
    measured: x(missMemory),
    met: missMemory >= 0.5,
    ratio: { value: missMemory, bound: 0.5, atLeast: true },
  })
  const missRedis = ratioOf(results.missRedis, GARNER_1, CACHE_MANAGER)
  targets.push({
    id: 'miss-redis',
    name: 'Redis miss, 1 binding',
    goal: `≥ 0.90× ${CACHE_MANAGER}`,
    measured: x(missRedis),
    met: missRedis >= 0.9,
    ratio: { value: missRedis, bound: 0.9, atLeast: true },
  })
  const missCommands = results.missCommands[GARNER_1] ?? {}
  const missTrips = results.missRoundTrips?.[GARNER_1] ?? Number.NaN
  const missReads = roundTrips(missCommands).reads
  targets.push({
    id: 'miss-redis-round-trips',
    name: 'Redis miss, 1 binding: round trips',
    goal: '≤ 1 read + 1 write round trip',
    measured: `${Number(missTrips.toFixed(2))} round trips, ${Number(missReads.toFixed(2))} reading (${formatCommandList(missCommands)})`,
    met: withinRoundTrips({ reads: missReads, writes: missTrips - missReads }, 1, 1),
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
    ratio: { value: latency, bound: 1.25, atLeast: false },
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
      ratio: { value: hit.vsConstant, bound: 0.85, atLeast: true },
    })
    const vsHeaders = httpRatio(results.http, framework, 'garner-200', 'identity-only')
    targets.push({
      id: `http-200-headers-${framework}`,
      name: `${label}: cacheOr304 200 hit vs the same response`,
      goal: '≥ 0.90× Garner middleware + constant + 5 headers',
      measured: x(vsHeaders),
      met: vsHeaders >= 0.9 && hit.unexpected === 0 && !hit.silent,
      ratio: { value: vsHeaders, bound: 0.9, atLeast: true },
    })
    const notModified = httpRatio(results.http, framework, 'garner-304', 'garner-200')
    targets.push({
      id: `http-304-${framework}`,
      name: `${label}: cacheOr304 304`,
      goal: '≥ 1.00× the 200 hit',
      measured: x(notModified),
      met: notModified >= 1,
      ratio: { value: notModified, bound: 1, atLeast: true },
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

  for (const framework of FRAMEWORKS) {
    const label = framework === 'hono' ? 'Hono' : 'Express'
    const demo = demoFigures(results.demo, framework, 'demo')
    targets.push({
      id: `demo-${framework}`,
      name: `${label}: the demo (pnpm demo), cached GET`,
      goal: `≥ 0.80× a bare ${label} app's constant JSON route`,
      measured: x(demo.vsBare),
      met: demo.vsBare >= 0.8 && demo.unexpected === 0 && !demo.silent,
      ratio: { value: demo.vsBare, bound: 0.8, atLeast: true },
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

/** Median per-round ratio of two arms' rates in one comparison. */
export function ratioOf(comparison: Comparison, numerator: string, denominator: string): number {
  const rates = (name: string): number[] =>
    figuresOf(comparison, name).samples.map((sample) => sample.opsPerSecond)
  return medianRatio(rates(numerator), rates(denominator))
}

/** Commands that write; every other command but MULTI and EXEC counts as a read. */
const WRITES = new Set([
  'set',
  'setex',
  'psetex',
  'setnx',
  'mset',
  'del',
  'unlink',
  'expire',
  'pexpire',
  'incr',
  'incrby',
  'hset',
  'hdel',
  'sadd',
  'srem',
  'zadd',
  'zrem',
  'publish',
])

/**
 * Whether `trips` stays within `reads` and `writes` round trips per operation, allowing one
 * command more over the whole sample: a single one-off (a command of the operation before the
 * sample, still in flight when the counts were reset) is not a per-operation cost.
 */
export function withinRoundTrips(
  trips: { readonly reads: number; readonly writes: number },
  reads: number,
  writes: number,
): boolean {
  const slack = 1 / COMMAND_SAMPLES + 1e-9
  return trips.reads <= reads + slack && trips.writes <= writes + slack
}

/** Commands a client sends when it (re)connects, not per operation: `SELECT` picks the database. */
const CONNECTION = new Set(['select', 'hello', 'auth', 'client', 'ping', 'info', 'config'])

/**
 * Round trips per operation, from `INFO commandstats` counts per operation. Redis counts the
 * commands queued in a `MULTI`/`EXEC` block when `EXEC` runs them, and the counts do not say
 * which writes sat inside a block; so when any `EXEC` was sent, each `EXEC` counts as one write
 * round trip and the write commands as inside it, otherwise each write command counts as one.
 * Every other command (`GET`, `MGET`, …) counts as one read round trip, except the commands of
 * a connection's set-up (`SELECT` …), which a client sends once, not per operation.
 */
export function roundTrips(perOp: Readonly<Record<string, number>>): {
  readonly reads: number
  readonly writes: number
} {
  let reads = 0
  let writeCommands = 0
  for (const [command, calls] of Object.entries(perOp)) {
    if (command === 'multi' || command === 'exec' || CONNECTION.has(command)) continue
    if (WRITES.has(command)) writeCommands += calls
    else reads += calls
  }
  const exec = perOp.exec ?? 0
  return { reads, writes: exec > 0 ? exec : writeCommands }
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
