// `pnpm --filter garner-bench bench:observability [-- --baseline <git ref>]`: what observability
// costs on the hit path, in one short interleaved run (about 30 s). Garner hits with and without
// @garner/otel on the OpenTelemetry SDK, in process and on a real Redis; with --baseline, also
// against the core of an earlier commit (before garner.stats() counted anything), extracted with
// git archive. Prints ratios; decides nothing.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
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
import { median, medianRatio, rounds, summarize } from './measure.js'

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
function instrumented(garner: Garner): { close(): Promise<void> } {
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 1_000,
  })
  const meterProvider = new MeterProvider({ readers: [reader] })
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())],
  })
  const stop = instrumentGarner(garner, { meterProvider, tracerProvider })
  return {
    async close() {
      stop()
      await meterProvider.shutdown()
      await tracerProvider.shutdown()
    },
  }
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
  console.log('In process (1 KB value, one binding), 7 interleaved rounds:')
  const memory = await rounds(ops, 7, { durationMs: 1_500, slotOps: 500 })
  const rates = memory.map((samples) => samples.map((sample) => sample.opsPerSecond))
  console.log(line(names[0]!, summarize(memory[0]!).opsPerSecond))
  console.log(
    line(
      names[1]!,
      summarize(memory[1]!).opsPerSecond,
      `${medianRatio(rates[1]!, rates[0]!).toFixed(3)}x of uninstrumented`,
    ),
  )
  if (memory[2] !== undefined) {
    console.log(
      line(
        names[2]!,
        summarize(memory[2]).opsPerSecond,
        `this branch: ${medianRatio(rates[0]!, rates[2]!).toFixed(3)}x of it`,
      ),
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
  const keyvs = [createKeyv(redis.url), createKeyv(redis.url)]
  closers.push(async () => {
    for (const keyv of keyvs) {
      await (keyv.store as { disconnect(force?: boolean): Promise<void> }).disconnect(true)
    }
  })
  const onRedis = createGarner({ namespace: 'plain', store: keyvs[0] })
  const onRedisObserved = createGarner({ namespace: 'observed', store: keyvs[1] })
  closers.push(instrumented(onRedisObserved).close)
  const redisOps = [hit(onRedis), hit(onRedisObserved)]
  for (const op of redisOps) await op(0)
  console.log('On Redis (loopback), 5 interleaved rounds:')
  const remote = await rounds(redisOps, 5, { durationMs: 2_000, slotOps: 20 })
  const remoteRates = remote.map((samples) => samples.map((sample) => sample.opsPerSecond))
  console.log(line('garner.fetch hit', summarize(remote[0]!).opsPerSecond))
  console.log(
    line(
      'garner.fetch hit, @garner/otel on',
      summarize(remote[1]!).opsPerSecond,
      `${medianRatio(remoteRates[1]!, remoteRates[0]!).toFixed(3)}x of uninstrumented`,
    ),
  )
} finally {
  for (const close of closers.reverse()) await close()
}
