// `pnpm bench`: measures Garner against the caches people would pick instead, prints the tables
// and writes docs/benchmarks.md. Ratios from one run on one machine; never a CI gate.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { relative } from 'node:path'
import type { RedisServer } from '@garner/fixtures'
import { type Arm, notAllHits, prime, resetAll } from './arms.js'
import { writeCharts } from './charts.js'
import { stopAll } from './children.js'
import { clusterSection, withClusterSection } from './cluster-section.js'
import { type Comparison, compare } from './compare.js'
import { runDemo } from './demo.js'
import { DIGESTS_END, DIGESTS_START } from './digest-section.js'
import { keepEdgeSection } from './edge-section.js'
import { VALUE_BYTES } from './fixture.js'
import { runHttp } from './http.js'
import { FRAMEWORKS } from './http-routes.js'
import { BINDING_COUNTS, garnerArmName, inProcessHitArms, keysRead } from './in-process.js'
import { commitUnderTest, describeMachine, packageVersions, redisVersion } from './machine.js'
import { runMemory } from './memory.js'
import { inProcessMissArms, invalidationArms, redisMissArms } from './misses.js'
import { postgresSection, withPostgresSection } from './postgres.js'
import { profileArm, profileHttp } from './profile.js'
import { redisHitArms } from './redis.js'
import { COMMAND_SAMPLES, commandsPerOp, roundTripsPerOp, startRedis } from './redis-server.js'
import { markdownReport, terminalReport } from './report.js'
import type {
  BenchResults,
  CommandTable,
  ProfileEvidence,
  ResultsFile,
  Settings,
} from './results.js'
import { runStampedes } from './stampede.js'
import { evaluateTargets, GARNER_1, GARNER_3 } from './targets.js'

const ROOT = new URL('../../', import.meta.url)
const REPORT = new URL('docs/benchmarks.md', ROOT)
/** Every run's results; a copy of an earlier run's is the "before" of the before/after table. */
const LATEST = new URL('bench/results/latest.json', ROOT)
const BEFORE = new URL(process.env.BENCH_BEFORE ?? 'bench/results/before.json', ROOT)

/** BENCH_QUICK=1: about half the rounds (at least 3), for a shorter run on a busy machine. */
const QUICK = process.env.BENCH_QUICK === '1'
function rounds(count: number): number {
  return QUICK ? Math.max(3, Math.ceil(count / 2)) : count
}

/** Durations and sizes: the whole run stays under about seven minutes on two cores. */
const SETTINGS: Settings = {
  valueBytes: VALUE_BYTES,
  inFlight: 100,
  http: { connections: 32, seconds: 1, rounds: rounds(5), warmupSeconds: 1 },
  memoryFetches: [30_000, 1_500],
  profileMs: 2_500,
  quick: QUICK,
}

const started = performance.now()
const startedAt = new Date()
const machine = describeMachine()

function step(text: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(0).padStart(3)
  console.log(`[${seconds} s] ${text}`)
}

async function commandTable(server: RedisServer, arms: readonly Arm[]): Promise<CommandTable> {
  const table: Record<string, Record<string, number>> = {}
  for (const arm of arms) table[arm.name] = await commandsPerOp(server, arm.op, COMMAND_SAMPLES)
  return table
}

/** Comparisons where some Garner arm is slower than some anchor of the same table. */
function garnerTrails(comparison: Comparison, arm: string): boolean {
  const garner = comparison.figures.find((figures) => figures.arm.name === arm)
  return (
    garner !== undefined &&
    comparison.figures.some(
      (figures) =>
        figures.arm.role === 'anchor' && figures.summary.opsPerSecond > garner.summary.opsPerSecond,
    )
  )
}

async function main(): Promise<void> {
  step(`machine: ${machine.cpu}, ${machine.cores} cores, load ${machine.loadAtStart.toFixed(2)}`)
  const hitProblems: string[] = []

  step('1. in-process hit path')
  const memoryHits = await inProcessHitArms()
  await prime(memoryHits.arms, 1)
  const inProcess = await compare(memoryHits.arms, rounds(7), { durationMs: 1_000, slotOps: 500 })
  hitProblems.push(...notAllHits(memoryHits.arms, 1))
  await memoryHits.close()

  step('2. Redis hit path')
  const server = await startRedis()
  const version = await redisVersion(server)
  const redisHits = await redisHitArms(server.url, SETTINGS.inFlight)
  await prime(redisHits.arms, SETTINGS.inFlight)
  const redisCommands = await commandTable(server, redisHits.arms)
  const redisLatency = await compare(redisHits.arms, rounds(7), {
    durationMs: 1_500,
    slotOps: 20,
    percentiles: true,
  })
  const redisThroughput = await compare(redisHits.arms, rounds(5), {
    durationMs: 1_500,
    slotOps: 5,
    inFlight: SETTINGS.inFlight,
  })
  hitProblems.push(...notAllHits(redisHits.arms, SETTINGS.inFlight))
  await redisHits.close()
  const garnerKeysRead = Object.fromEntries(
    BINDING_COUNTS.map((count) => [garnerArmName(count), keysRead(count)]),
  )

  step('3. misses, invalidations, stampedes')
  const memoryMisses = inProcessMissArms()
  const missMemory = await compare(memoryMisses.arms, rounds(5), {
    durationMs: 1_200,
    slotOps: 100,
    beforeRound: () => resetAll(memoryMisses.arms),
  })
  await memoryMisses.close()
  const redisMisses = redisMissArms(server.url)
  const missCommands = await commandTable(server, redisMisses.arms)
  const missRoundTrips: Record<string, number> = {}
  for (const arm of redisMisses.arms) {
    missRoundTrips[arm.name] = await roundTripsPerOp(server, arm.op, COMMAND_SAMPLES)
  }
  const missRedis = await compare(redisMisses.arms, rounds(5), { durationMs: 1_500, slotOps: 10 })
  await redisMisses.close()
  const memoryInvalidations = invalidationArms(undefined)
  const invalidateMemory = await compare(memoryInvalidations.arms, rounds(5), {
    durationMs: 800,
    slotOps: 100,
  })
  await memoryInvalidations.close()
  const redisInvalidations = invalidationArms(server.url)
  const invalidateCommands = await commandTable(server, redisInvalidations.arms)
  const invalidateRedis = await compare(redisInvalidations.arms, rounds(5), {
    durationMs: 1_000,
    slotOps: 10,
  })
  await redisInvalidations.close()
  const stampedes = await runStampedes(server.url)

  step('4. HTTP (Hono and Express servers in child processes, autocannon here)')
  const http = await runHttp(SETTINGS.http)

  step('5. memory')
  const memory = await runMemory(...SETTINGS.memoryFetches)

  step('4b. the demo as users start it (pnpm demo) against a bare app')
  const demo = await runDemo(SETTINGS.http)

  const before = await readBefore()

  const results: BenchResults = {
    startedAt,
    wallSeconds: 0,
    machine,
    versions: packageVersions(),
    commit: commitUnderTest(),
    redisVersion: version,
    settings: SETTINGS,
    inProcess,
    redisLatency,
    redisThroughput,
    redisCommands,
    garnerKeysRead,
    missMemory,
    missRedis,
    missCommands,
    missRoundTrips,
    invalidateMemory,
    invalidateRedis,
    invalidateCommands,
    stampedes,
    http,
    demo,
    memory,
    hitProblems,
    profiles: [],
    missProfiles: [],
    before,
    beforeFile: before === undefined ? undefined : relative(ROOT.pathname, BEFORE.pathname),
  }

  step('profiles of the misses and of where Garner trails')
  const profiles: ProfileEvidence[] = []
  const targets = evaluateTargets(results)
  const missed = new Set(targets.filter((target) => !target.met).map((target) => target.id))
  const options = { url: server.url, durationMs: SETTINGS.profileMs }
  // The miss path on every run, so that before and after can be compared.
  const missProfiles: ProfileEvidence[] = [
    {
      reason: 'the miss path, in process',
      profile: await profileArm('memory-miss', GARNER_1, options),
    },
    {
      reason: 'the miss path on Redis',
      profile: await profileArm('redis-miss', GARNER_1, options),
    },
  ]
  if (missed.has('redis-latency') || garnerTrails(redisLatency, GARNER_3)) {
    const reason = missed.has('redis-latency')
      ? 'Redis latency target missed'
      : 'Garner trails an anchor'
    profiles.push({ reason, profile: await profileArm('redis-hit', GARNER_3, options) })
    profiles.push({
      reason: 'the limit, for comparison',
      profile: await profileArm('redis-hit', redisLatency.limit.arm.name, options),
    })
  }
  if (missed.has('in-process') || garnerTrails(inProcess, GARNER_1)) {
    profiles.push({
      reason: 'in-process hit trails an anchor',
      profile: await profileArm('memory-hit', GARNER_1, options),
    })
  }
  const invalidation = "garner.invalidate('User', id)"
  if (garnerTrails(invalidateMemory, invalidation)) {
    profiles.push({
      reason: 'invalidation trails bentocache deleteByTag',
      profile: await profileArm('memory-invalidate', invalidation, options),
    })
  }
  for (const framework of FRAMEWORKS) {
    const missed200 = missed.has(`http-200-${framework}`)
    const missed304 = missed.has(`http-304-${framework}`)
    if (!missed200 && !missed304) continue
    const load = { connections: SETTINGS.http.connections, seconds: SETTINGS.profileMs / 1000 }
    profiles.push({
      reason: `${framework} ${missed200 ? '200' : '304'} target missed`,
      profile: await profileHttp(framework, 'garner-200', load),
    })
    if (missed304) {
      profiles.push({
        reason: `${framework} 304 target missed`,
        profile: await profileHttp(framework, 'garner-304', load),
      })
    }
    if (missed200) {
      profiles.push({
        reason: 'the limit, for comparison',
        profile: await profileHttp(framework, 'constant', load),
      })
    }
  }
  await server.stop()

  const final: BenchResults = {
    ...results,
    profiles,
    missProfiles,
    wallSeconds: (performance.now() - started) / 1000,
  }
  await writeResults(final)
  const charts = await writeCharts(final)
  step(`wrote ${LATEST.pathname} and ${charts.length} charts in docs/public/bench/`)
  // The near-cache, freshness, PostgreSQL, digests, Redis Cluster and Varnish sections come from
  // their own runs (bench:near-cache, bench:freshness, bench:postgres, bench:digests,
  // bench:cluster, bench:edge): keep them.
  const previous = await readFile(REPORT, 'utf8').catch(() => '')
  const nearCache = ['near-cache', 'freshness']
    .map(
      (name) =>
        new RegExp(`<!-- ${name}:start -->[\\s\\S]*<!-- ${name}:end -->`).exec(previous)?.[0],
    )
    .filter((section): section is string => section !== undefined)
    .join('\n\n')
  const digests = new RegExp(`${DIGESTS_START}[\\s\\S]*${DIGESTS_END}`).exec(previous)?.[0]
  const cluster = clusterSection(previous)
  const report = withPostgresSection(
    nearCache === ''
      ? markdownReport(final)
      : `${markdownReport(final).trimEnd()}\n\n${nearCache}\n`,
    postgresSection(previous),
  )
  const withDigests = digests === undefined ? report : `${report.trimEnd()}\n\n${digests}\n`
  await writeFile(
    REPORT,
    keepEdgeSection(
      cluster === undefined ? withDigests : withClusterSection(withDigests, cluster),
      previous,
    ),
  )
  console.log(`\n${terminalReport(final)}\n`)
  step(`wrote ${REPORT.pathname}`)
}

/** The "before" run, when its file exists; a file that does not parse is an error worth seeing. */
async function readBefore(): Promise<ResultsFile | undefined> {
  const text = await readFile(BEFORE, 'utf8').catch(() => undefined)
  if (text === undefined) return undefined
  const file = JSON.parse(text) as ResultsFile
  if (file.format !== 1) {
    throw new TypeError(
      `${BEFORE.pathname} is not a results file of this bench (format ${String(file.format)}): write it again with pnpm bench.`,
    )
  }
  // The targets as this checkout defines them, from the before run's figures, so that before and
  // after are judged by the same rule; the file's own evaluation when its figures do not fit.
  try {
    const figures = file.results as BenchResults
    return {
      ...file,
      targets: evaluateTargets({ ...figures, startedAt: new Date(file.startedAt) }),
    }
  } catch {
    return file
  }
}

/** bench/results/latest.json: the targets as evaluated, the miss profiles and every figure. */
async function writeResults(results: BenchResults): Promise<void> {
  const { before: _before, ...figures } = results
  const file: ResultsFile = {
    format: 1,
    startedAt: results.startedAt.toISOString(),
    commit: results.commit,
    wallSeconds: results.wallSeconds,
    loadAtStart: results.machine.loadAtStart,
    quick: results.settings.quick,
    targets: evaluateTargets(results),
    missProfiles: results.missProfiles,
    results: figures,
  }
  await mkdir(new URL('.', LATEST), { recursive: true })
  await writeFile(LATEST, `${JSON.stringify(file, null, 1)}\n`)
}

try {
  await main()
} finally {
  await stopAll()
}
// Library clients (Keyv, Prisma) may keep timers alive after their work; the bench is done.
process.exit(process.exitCode ?? 0)
