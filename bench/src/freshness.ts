// `pnpm --filter garner-bench bench:freshness`: what the freshness policies cost and buy. (1) A
// stale hit (answered at once while a refresh runs) against a fresh hit, in process and on Redis,
// measured side by side in the same rounds. (2) The p99 latency of an HTTP route whose loader
// takes 50 ms, once its ttl keeps expiring, with and without stale-while-revalidate. Prints the
// figures and writes them into the freshness section of docs/benchmarks.md. Never a CI gate.
import { readFile, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { createGarner, type Garner } from '@garner/core'
import { type GarnerEnv, garnerIdentity } from '@garner/hono'
import { serve } from '@hono/node-server'
import { createKeyv } from '@keyv/redis'
import { Hono } from 'hono'
import { stopAll } from './children.js'
import { compare } from './compare.js'
import { countingLoader, VALUE } from './fixture.js'
import { median } from './measure.js'
import { startRedis } from './redis-server.js'

const REPORT = new URL('../../docs/benchmarks.md', import.meta.url)
const START = '<!-- freshness:start -->'
const END = '<!-- freshness:end -->'
const TTL = 60_000
const LOADER_MS = 50
const HTTP_TTL = 500
const HTTP_SECONDS = 6
const HTTP_ROUNDS = 3
// A steady rate well below what the server can do, so that latency shows waiting for the
// loader rather than queueing behind other requests.
const RATE = 50

/** A clock that stands still where the bench puts it: one Date.now() per hit, like the real one. */
function frozenClock(): { (): number; at: number } {
  const clock = Object.assign(() => clock.at, { at: Date.now() })
  return clock
}

/**
 * Two Garner instances on one store kind, one holding a fresh entry and one holding a stale entry
 * whose refresh never finishes (so every read is a stale hit that finds the refresh running).
 */
async function hitArms(store: () => Parameters<typeof createGarner>[0]) {
  // Both read the same kind of clock, so the only difference is the entry's state.
  const fresh = createGarner({
    ...store(),
    ttl: TTL,
    staleWhileRevalidate: TTL,
    clock: frozenClock(),
  })
  const clock = frozenClock()
  const stale = createGarner({ ...store(), ttl: TTL, staleWhileRevalidate: TTL, clock })
  const freshLoad = countingLoader(VALUE)
  const staleLoad = countingLoader(VALUE)
  const never = new Promise<never>(() => {})
  const bind = ['User', 42] as const
  await fresh.fetch('user:0', freshLoad, { bind })
  await stale.fetch('user:0', staleLoad, { bind })
  clock.at += TTL
  const refresh = () => never
  // The first stale read starts the refresh that never ends.
  await stale.fetch('user:0', refresh, { bind })
  const map = new Map([['user:0', VALUE]])
  return [
    { name: 'Map.get', role: 'limit' as const, op: () => map.get('user:0') },
    {
      name: 'fresh hit',
      role: 'garner' as const,
      op: () => fresh.fetch('user:0', freshLoad, { bind }),
    },
    {
      name: 'stale hit (refresh running)',
      role: 'garner' as const,
      op: () => stale.fetch('user:0', refresh, { bind }),
    },
  ]
}

interface HitFigures {
  readonly store: string
  readonly freshOps: number
  readonly staleOps: number
  readonly ratio: number
}

async function measureHits(
  store: string,
  arms: Awaited<ReturnType<typeof hitArms>>,
  slotOps: number,
  durationMs: number,
): Promise<HitFigures> {
  const comparison = await compare(arms, 7, { durationMs, slotOps })
  const [, fresh, stale] = comparison.figures
  const freshRates = fresh!.samples.map((sample) => sample.opsPerSecond)
  const staleRates = stale!.samples.map((sample) => sample.opsPerSecond)
  return {
    store,
    freshOps: fresh!.summary.opsPerSecond,
    staleOps: stale!.summary.opsPerSecond,
    ratio: median(staleRates.map((rate, index) => rate / freshRates[index]!)),
  }
}

interface LatencyFigures {
  readonly arm: string
  readonly p50: number
  readonly p90: number
  readonly p97_5: number
  readonly p99: number
  /** Requests that took at least the loader's time. */
  readonly waited: number
  readonly requests: number
  readonly loaderCalls: number
}

/** A Hono server with the two routes; both answer from a loader that takes 50 ms. */
async function latencyServer(garner: Garner) {
  const calls = { plain: 0, swr: 0 }
  const slow = (arm: keyof typeof calls) => async () => {
    calls[arm] += 1
    await new Promise((resolve) => setTimeout(resolve, LOADER_MS))
    return VALUE
  }
  const app = new Hono<GarnerEnv>()
  app.use(garnerIdentity(garner))
  app.get('/ttl-only', (c) => c.var.garner.options({ ttl: HTTP_TTL }).cacheOr304(slow('plain')))
  app.get('/swr', (c) =>
    c.var.garner.options({ ttl: HTTP_TTL, staleWhileRevalidate: 60_000 }).cacheOr304(slow('swr')),
  )
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    )
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/**
 * Open-loop load: one request every `1000 / RATE` ms whatever the answers, so a slow answer
 * cannot hold the next request back (a closed loop would hide the waits it measures).
 */
async function openLoop(url: string, seconds: number): Promise<number[]> {
  const latencies: number[] = []
  const pending: Promise<void>[] = []
  const interval = 1000 / RATE
  const started = performance.now()
  for (let index = 0; index < seconds * RATE; index++) {
    const due = started + index * interval
    const wait = due - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    const sent = performance.now()
    pending.push(
      fetch(url).then(async (response) => {
        await response.arrayBuffer()
        if (response.status !== 200) throw new Error(`${url}: ${response.status}`)
        latencies.push(performance.now() - sent)
      }),
    )
  }
  await Promise.all(pending)
  return latencies
}

function percentile(sorted: readonly number[], share: number): number {
  return (
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]! * 10) / 10
  )
}

async function measureLatency(): Promise<LatencyFigures[]> {
  const garner = createGarner()
  const server = await latencyServer(garner)
  const latencies: Record<string, number[]> = { 'ttl-only': [], swr: [] }
  try {
    for (let round = 0; round < HTTP_ROUNDS; round++) {
      const order = round % 2 === 0 ? ['ttl-only', 'swr'] : ['swr', 'ttl-only']
      for (const arm of order)
        latencies[arm]!.push(...(await openLoop(`${server.url}/${arm}`, HTTP_SECONDS)))
    }
  } finally {
    await server.close()
  }
  return Object.entries(latencies).map(([arm, list]) => {
    const sorted = [...list].sort((a, b) => a - b)
    return {
      arm,
      p50: percentile(sorted, 0.5),
      p90: percentile(sorted, 0.9),
      p97_5: percentile(sorted, 0.975),
      p99: percentile(sorted, 0.99),
      waited: list.filter((latency) => latency >= LOADER_MS).length,
      requests: list.length,
      loaderCalls: arm === 'swr' ? server.calls.swr : server.calls.plain,
    }
  })
}

function section(hits: readonly HitFigures[], latency: readonly LatencyFigures[]): string {
  const lines = [
    START,
    '## Freshness policies',
    '',
    `Written by \`pnpm --filter garner-bench bench:freshness\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC (about a minute). The main \`pnpm bench\` keeps this section as it is.`,
    '',
    '**Stale hit vs fresh hit.** Two Garner instances on the same store, one holding a fresh entry, one a stale entry within `staleWhileRevalidate` whose refresh is running (the steady state of a stale key: every read answers at once and finds the refresh in flight). `garner.fetch` with one binding, measured side by side in 7 rounds; the ratio is the median of per-round ratios. Target: ≥ 0.95×. On a busy machine the figure moves by several percent between runs: rerun before reading much into one.',
    '',
    '| Store | fresh hit ops/s | stale hit ops/s | stale / fresh | Met |',
    '| :-- | --: | --: | --: | :-- |',
    ...hits.map(
      (hit) =>
        `| ${hit.store} | ${Math.round(hit.freshOps).toLocaleString('en-US')} | ${Math.round(hit.staleOps).toLocaleString('en-US')} | ${hit.ratio.toFixed(2)}× | ${hit.ratio >= 0.95 ? 'yes' : 'NO'} |`,
    ),
    '',
    `**Latency after ttl expiry.** A Hono route answering through \`cacheOr304\` from the in-process store, whose loader takes ${LOADER_MS} ms, with \`ttl: ${HTTP_TTL}\` so that the entry keeps expiring during the run; an open-loop client sending ${RATE} requests/s whatever the answers (well below what the server can answer, so latency shows waiting for the loader, not queueing), ${HTTP_SECONDS} s per arm, ${HTTP_ROUNDS} rounds alternating the order; server and client share the bench's process, so on a busy machine the tail also holds scheduling noise. Without stale-while-revalidate every request that arrives after expiry waits for the loader; with it, they are answered at once while one refresh runs.`,
    '',
    `| Route | p50 (ms) | p90 (ms) | p97.5 (ms) | p99 (ms) | requests ≥ ${LOADER_MS} ms | loader calls |`,
    '| :-- | --: | --: | --: | --: | --: | --: |',
    ...latency.map(
      (figures) =>
        `| ${figures.arm === 'swr' ? '`ttl` + `staleWhileRevalidate`' : '`ttl` only'} | ${figures.p50} | ${figures.p90} | ${figures.p97_5} | ${figures.p99} | ${figures.waited} of ${figures.requests} | ${figures.loaderCalls} |`,
    ),
    END,
  ]
  return lines.join('\n')
}

async function main(): Promise<void> {
  console.log('freshness: stale vs fresh hits in process')
  const memory = await measureHits('in process', await hitArms(() => ({})), 500, 1_000)
  console.log(memory)
  console.log('freshness: stale vs fresh hits on Redis')
  const server = await startRedis()
  const keyvs = [createKeyv(`${server.url}/1`), createKeyv(`${server.url}/2`)]
  let next = 0
  const redis = await measureHits(
    'Redis (@keyv/redis)',
    await hitArms(() => ({ store: keyvs[next++]! })),
    20,
    1_500,
  )
  console.log(redis)
  for (const keyv of keyvs) await keyv.disconnect()
  await server.stop()
  console.log('freshness: p99 after ttl expiry, 50 ms loader')
  const latency = await measureLatency()
  console.log(latency)
  const report = await readFile(REPORT, 'utf8')
  const body = section([memory, redis], latency)
  const start = report.indexOf(START)
  const end = report.indexOf(END)
  const updated =
    start >= 0 && end > start
      ? `${report.slice(0, start)}${body}${report.slice(end + END.length)}`
      : `${report.trimEnd()}\n\n${body}\n`
  await writeFile(REPORT, updated)
  console.log(`wrote ${REPORT.pathname}`)
}

main()
  .catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(() => stopAll())
