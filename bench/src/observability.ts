// `pnpm --filter garner-bench bench:observability [-- --baseline <git ref>]`: what observability
// costs on the hit path, in one short interleaved run (about 30 s), on the wall clock and in CPU
// time, ending with the issue's target line (the Redis hit with default settings). Garner hits
// with and without @garner/otel on the OpenTelemetry SDK, in process and on a real Redis; with
// --baseline, also against the core of an earlier commit (before garner.stats() counted
// anything), extracted with git archive. Prints ratios; decides nothing.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createGarner, type Garner } from '@garner/core'
import { startRedisServer } from '@garner/fixtures'
import { instrumentGarner } from '@garner/otel'
import { createKeyv } from '@keyv/redis'
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import { keyOf } from './arms.js'
import { countingLoader, VALUE } from './fixture.js'
import { median, medianRatio } from './measure.js'

type CoreModule = typeof import('@garner/core')

const here = dirname(fileURLToPath(import.meta.url))
const { values } = parseArgs({ options: { baseline: { type: 'string' } } })

/** The core of `ref`, extracted once into bench/.baseline/<ref> (git-ignored). */
async function baselineCore(ref: string): Promise<CoreModule> {
  const root = resolve(here, '../..')
  const target = join(here, '..', '.baseline', ref.replace(/[^\w.-]/g, '_'))
  if (!existsSync(join(target, 'packages/core/src/index.ts'))) {
    mkdirSync(target, { recursive: true })
    const archive = execFileSync('git', ['-C', root, 'archive', ref, 'packages/core/src'])
    execFileSync('tar', ['-x', '-C', target], { input: archive })
  }
  return (await import(join(target, 'packages/core/src/index.ts'))) as CoreModule
}

/** An instrumented Garner on the SDK's meter and tracer providers, exporting in memory. */
function instrumented(garner: Garner, storeDurations = false): { close(): Promise<void> } {
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 1_000,
  })
  const meterProvider = new MeterProvider({ readers: [reader] })
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())],
  })
  const stop = instrumentGarner(garner, { meterProvider, tracerProvider, storeDurations })
  return {
    async close() {
      stop()
      await meterProvider.shutdown()
      await tracerProvider.shutdown()
    },
  }
}

/** Per round, per arm: operations per second of wall time and per second of this process's CPU. */
interface Figures {
  readonly wall: number[][]
  readonly cpu: number[][]
}

/**
 * Interleaved rounds like measure.ts's, timing each slot on the wall clock and on this process's
 * CPU time. On a machine shared with other busy processes the wall clock mostly measures the
 * scheduler; CPU time measures what the code costs, which is what instrumentation adds.
 */
async function interleaved(
  ops: readonly ((worker: number) => unknown)[],
  count: number,
  durationMs: number,
  slotOps: number,
): Promise<Figures> {
  const wall: number[][] = ops.map(() => [])
  const cpu: number[][] = ops.map(() => [])
  for (let round = 0; round < count; round++) {
    const done = ops.map(() => 0)
    const wallMicros = ops.map(() => 0)
    const cpuMicros = ops.map(() => 0)
    const end = performance.now() + durationMs
    for (let pass = 0; performance.now() < end; pass++) {
      for (let step = 0; step < ops.length; step++) {
        const arm = (pass + step) % ops.length
        const op = ops[arm]!
        const cpuBefore = process.cpuUsage()
        const wallBefore = performance.now()
        for (let index = 0; index < slotOps; index++) await op(0)
        wallMicros[arm]! += (performance.now() - wallBefore) * 1000
        const used = process.cpuUsage(cpuBefore)
        cpuMicros[arm]! += used.user + used.system
        done[arm]! += slotOps
      }
    }
    ops.forEach((_, arm) => {
      wall[arm]!.push((done[arm]! * 1e6) / wallMicros[arm]!)
      cpu[arm]!.push((done[arm]! * 1e6) / cpuMicros[arm]!)
    })
  }
  return { wall, cpu }
}

/** `arm`'s median over rounds, and its median per-round ratio to `base`, on both clocks. */
function compared(figures: Figures, arm: number, base: number): string {
  const wall = `${medianRatio(figures.wall[arm]!, figures.wall[base]!).toFixed(3)}x wall`
  const cpu = `${medianRatio(figures.cpu[arm]!, figures.cpu[base]!).toFixed(3)}x CPU`
  return `${wall}, ${cpu}`
}

/** A hit op: one fetch bound to one instance, written as an application writes it. */
function hit(garner: Garner): (worker: number) => Promise<unknown> {
  const load = countingLoader(VALUE)
  return (worker) => garner.fetch(keyOf(worker), () => load(), { bind: ['User', 42] })
}

function line(name: string, opsPerSecond: number, ratio?: string): string {
  const rate = `${Math.round(opsPerSecond).toLocaleString('en-US')} ops/s`
  return `  ${name.padEnd(44)} ${rate.padStart(18)}${ratio === undefined ? '' : `   ${ratio}`}`
}

const startLoad = loadavg()[0]!
const closers: (() => Promise<void>)[] = []
try {
  // In process.
  const plain = createGarner()
  const observed = createGarner()
  closers.push(instrumented(observed).close)
  const ops = [hit(plain), hit(observed)]
  const names = ['garner.fetch hit', 'garner.fetch hit, @garner/otel on']
  if (values.baseline !== undefined) {
    const before = await baselineCore(values.baseline)
    ops.push(hit(before.createGarner() as unknown as Garner))
    names.push(`garner.fetch hit, core at ${values.baseline}`)
  }
  for (const op of ops) await op(0) // the one miss, outside the timing
  console.log('In process (1 KB value, one binding), 9 interleaved rounds:')
  const memory = await interleaved(ops, 9, 1_500, 500)
  console.log(line(names[0]!, median(memory.wall[0]!)))
  console.log(
    line(names[1]!, median(memory.wall[1]!), `${compared(memory, 1, 0)} of uninstrumented`),
  )
  if (memory.wall[2] !== undefined) {
    console.log(
      line(names[2]!, median(memory.wall[2]), `this branch: ${compared(memory, 0, 2)} of it`),
    )
  }

  // garner.stats() itself.
  const statsTimes: number[] = []
  for (let round = 0; round < 5; round++) {
    const started = performance.now()
    for (let index = 0; index < 100_000; index++) observed.stats()
    statsTimes.push(((performance.now() - started) * 1000) / 100_000)
  }
  console.log(
    `  garner.stats(): ${median(statsTimes).toFixed(3)} µs a call (median of 5 × 100,000)`,
  )

  // On Redis.
  const redis = await startRedisServer()
  closers.push(() => redis.stop())
  const keyvs = [createKeyv(redis.url), createKeyv(redis.url), createKeyv(redis.url)]
  closers.push(async () => {
    for (const keyv of keyvs) {
      await (keyv.store as { disconnect(force?: boolean): Promise<void> }).disconnect(true)
    }
  })
  const onRedis = createGarner({ namespace: 'plain', store: keyvs[0] })
  // Default settings (store call durations off), and with store call durations on.
  const onRedisObserved = createGarner({ namespace: 'observed', store: keyvs[1] })
  closers.push(instrumented(onRedisObserved).close)
  const withStoreDurations = createGarner({ namespace: 'timed', store: keyvs[2] })
  closers.push(instrumented(withStoreDurations, true).close)
  const redisOps = [hit(onRedis), hit(onRedisObserved), hit(withStoreDurations)]
  for (const op of redisOps) await op(0)
  console.log('On Redis (loopback), 7 interleaved rounds:')
  const remote = await interleaved(redisOps, 7, 2_000, 20)
  console.log(line('garner.fetch hit', median(remote.wall[0]!)))
  console.log(
    line(
      'garner.fetch hit, @garner/otel on (defaults)',
      median(remote.wall[1]!),
      `${compared(remote, 1, 0)} of uninstrumented`,
    ),
  )
  console.log(
    line(
      'garner.fetch hit, on, storeDurations: true',
      median(remote.wall[2]!),
      `${compared(remote, 2, 0)} of uninstrumented`,
    ),
  )
  const [load1, load5] = loadavg()
  console.log(
    `\nTarget: a Redis hit with @garner/otel on, default settings, at least 0.97x of one without.` +
      `\n  RESULT  Redis hit, @garner/otel on (defaults): ${compared(remote, 1, 0)}` +
      `\n  (load average ${startLoad.toFixed(2)} at start, ${load1!.toFixed(2)} now, ` +
      `${load5!.toFixed(2)} over 5 minutes, ${availableParallelism()} cores: above about 1 a core, ` +
      'the wall clock measures the scheduler; read the CPU ratio)',
  )
} finally {
  for (const close of closers.reverse()) await close()
}
