// `pnpm bench:edge`: the demo behind a real Varnish. Requests per second of a public route through
// Varnish and straight to the demo (autocannon in its own process, the same connections and
// duration, alternating rounds), and purge latency: how long `invalidate()` takes (it returns
// once Varnish confirmed the purge) and whether Varnish still served the object after it returned.
// Writes its section of docs/benchmarks.md (between the edge markers; `pnpm bench` keeps it).
import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { promisify } from 'node:util'
import { startEdgeDemo } from 'garner-demo/edge'
import { EDGE_BEGIN, EDGE_END } from './edge-section.js'

const run = promisify(execFile)
const REPORT = new URL('../../docs/benchmarks.md', import.meta.url)
const AUTOCANNON = new URL('../node_modules/.bin/autocannon', import.meta.url).pathname
const ROUTE = '/users/1/posts'
const CONNECTIONS = 32
const SECONDS = 3
const ROUNDS = 3
const PURGES = 200

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!
}

async function load(url: string): Promise<number> {
  const { stdout } = await run(
    AUTOCANNON,
    ['-c', String(CONNECTIONS), '-d', String(SECONDS), '-j', url],
    { maxBuffer: 64 * 1024 * 1024 },
  )
  const result = JSON.parse(stdout) as { requests: { average: number }; non2xx: number }
  if (result.non2xx > 0) throw new Error(`${url}: ${result.non2xx} answers were not 2xx`)
  return result.requests.average
}

const started = Date.now()
const loadAtStart = loadavg()[0]!
const edge = await startEdgeDemo('hono')
try {
  // Throughput.
  await fetch(`${edge.url}${ROUTE}`).then((r) => r.text())
  await load(`${edge.originUrl}${ROUTE}`) // warm-up
  const direct: number[] = []
  const varnish: number[] = []
  const ratios: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const d = await load(`${edge.originUrl}${ROUTE}`)
    const v = await load(`${edge.url}${ROUTE}`)
    direct.push(d)
    varnish.push(v)
    ratios.push(v / d)
    console.log(`round ${round + 1}: demo ${d.toFixed(0)} req/s, Varnish ${v.toFixed(0)} req/s`)
  }

  // Purge latency.
  const { garner } = edge.demo.demo
  const durations: number[] = []
  let servedAfter = 0
  for (let i = 0; i < PURGES; i++) {
    for (;;) {
      const warm = await fetch(`${edge.url}/posts/1`)
      await warm.text()
      if (warm.headers.get('x-cache') === 'HIT') break
    }
    const t0 = performance.now()
    await garner.invalidate('Post', 1)
    durations.push(performance.now() - t0)
    const after = await fetch(`${edge.url}/posts/1`)
    await after.text()
    if (after.headers.get('x-cache') === 'HIT') servedAfter++
  }

  const when = new Date().toISOString().slice(0, 16).replace('T', ' ')
  const section = `${EDGE_BEGIN}
## Behind Varnish

Written by \`pnpm bench:edge\` on ${when} UTC (whole run: ${((Date.now() - started) / 1000).toFixed(0)} s): the demo (Hono, in-process store) behind Varnish 7.1 with the demo's VCL, on loopback, on the same machine (load average at start: ${loadAtStart.toFixed(2)} on 2 cores, shared with other work: the absolute figures are low, and under such contention Varnish's many threads get a larger share of the CPU than the demo's one, which inflates the ratio; on an idle machine expect a smaller one). autocannon runs in its own process with ${CONNECTIONS} connections for ${SECONDS} s per arm, ${ROUNDS} alternating rounds; figures are medians.

| \`GET ${ROUTE}\` (public, bound to \`['User', 1]\` and \`'Post'\`) | requests/s |
| :-- | --: |
| straight to the demo (Garner hit) | ${median(direct).toFixed(0)} |
| through Varnish (Varnish hit) | ${median(varnish).toFixed(0)} |
| ratio, Varnish / demo (median of per-round ratios) | ${median(ratios).toFixed(2)}× |

| Purge (${PURGES} invalidations of \`['Post', 1]\`, each with \`/posts/1\` cached in Varnish) | |
| :-- | --: |
| \`invalidate()\` duration, median (tokens renewed, then PURGE confirmed by Varnish) | ${median(durations).toFixed(2)} ms |
| \`invalidate()\` duration, p95 / max | ${percentile(durations, 95).toFixed(2)} ms / ${Math.max(...durations).toFixed(2)} ms |
| reads that Varnish still answered from the old object after \`invalidate()\` resolved | ${servedAfter} of ${PURGES} |

\`invalidate()\` awaits the purge, so the time from \`invalidate\` resolving to Varnish dropping the object is zero by construction: the row above checks it.
${EDGE_END}
`
  console.log(section)
  const current = await readFile(REPORT, 'utf8').catch(() => '')
  const start = current.indexOf(EDGE_BEGIN)
  const end = current.indexOf(EDGE_END)
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + section.trimEnd() + current.slice(end + EDGE_END.length)
      : `${current.trimEnd()}\n\n${section}`
  await writeFile(REPORT, next)
  console.log(`wrote ${REPORT.pathname}`)
} finally {
  await edge.close()
}
