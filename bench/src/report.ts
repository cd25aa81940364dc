// The report of one run: the tables for the terminal, and docs/benchmarks.md.
import { CHART, chartImage, referenceOf } from './charts.js'
import type { Comparison, Figures } from './compare.js'
import { DEMO_PATH } from './demo.js'
import {
  integer,
  markdownTable,
  mebibytes,
  micros,
  rate,
  type Table,
  textTable,
  times,
} from './format.js'
import { type HttpFigures, httpFigures, httpRatio } from './http.js'
import { FRAMEWORKS, type Framework, PEER_NAME } from './http-routes.js'
import { medianRatio } from './measure.js'
import { COMMAND_SAMPLES, formatCommands } from './redis-server.js'
import type { BenchResults, CommandTable, ProfileEvidence, ResultsFile } from './results.js'
import { LOADER_MS, STAMPEDE_CALLERS } from './stampede.js'
import { CACHE_MANAGER, evaluateTargets, FAR_AHEAD, ratioOf, type Target } from './targets.js'

const FRAMEWORK_LABEL: Readonly<Record<Framework, string>> = { hono: 'Hono', express: 'Express' }

/** Every table of the run, in report order. */
export function tables(results: BenchResults): Table[] {
  return [
    targetTable(evaluateTargets(results)),
    rateTable(
      '1. In-process hit path (1 KB value, one hit at a time)',
      results.inProcess,
      'hits/s',
    ),
    latencyTable(results),
    rateTable(
      `2b. Redis hit path, ${results.settings.inFlight} in flight (throughput)`,
      results.redisThroughput,
      'hits/s',
      results.redisCommands,
    ),
    rateTable(
      '3a. Miss path, in process (a new key per operation)',
      results.missMemory,
      'misses/s',
      undefined,
      CACHE_MANAGER,
    ),
    rateTable(
      '3b. Miss path on Redis (a new key per operation)',
      results.missRedis,
      'misses/s',
      results.missCommands,
      CACHE_MANAGER,
      results.missRoundTrips,
    ),
    rateTable('3c. Invalidation, in process', results.invalidateMemory, 'ops/s'),
    rateTable(
      '3d. Invalidation on Redis',
      results.invalidateRedis,
      'ops/s',
      results.invalidateCommands,
    ),
    stampedeTable(results),
    ...FRAMEWORKS.map((framework) => httpTable(results, framework)),
    demoTable(results),
    memoryTable(results),
  ]
}

/** The whole terminal report. */
export function terminalReport(results: BenchResults): string {
  const parts = tables(results).map(textTable)
  if (results.before !== undefined) {
    parts.push(textTable(beforeAfterTable(results.before, evaluateTargets(results))))
  }
  for (const evidence of results.missProfiles) parts.push(textTable(profileTable(evidence)))
  for (const evidence of results.profiles) parts.push(textTable(profileTable(evidence)))
  parts.push(`Wall time: ${results.wallSeconds.toFixed(0)} s`)
  return parts.join('\n\n')
}

function targetTable(targets: readonly Target[]): Table {
  return {
    title: 'Targets (ratios from this run)',
    head: ['Target', 'Goal', 'Measured', 'Met'],
    rows: targets.map((target) => [
      target.name,
      target.goal,
      target.measured,
      target.met ? 'yes' : 'NO',
    ]),
    leftColumns: 4,
  }
}

function rateTable(
  title: string,
  comparison: Comparison,
  unit: string,
  commands?: CommandTable,
  referenceName?: string,
  roundTrips?: Readonly<Record<string, number>>,
): Table {
  const reference = referenceOf(comparison, referenceName)
  const head = ['Arm', unit, 'per op', `× ${comparison.limit.arm.name}`, `× ${reference.arm.name}`]
  if (commands !== undefined) head.push('Redis commands per op')
  if (roundTrips !== undefined) head.push('round trips per op')
  return {
    title,
    head,
    rows: comparison.figures.map((figures) => {
      const row = [
        label(figures),
        rate(figures.summary.opsPerSecond),
        micros(figures.summary.meanMicros / (comparison.options.inFlight ?? 1)),
        times(figures.vsLimit),
        times(ratioOf(comparison, figures.arm.name, reference.arm.name)),
      ]
      if (commands !== undefined) row.push(formatCommands(commands[figures.arm.name] ?? {}))
      if (roundTrips !== undefined) {
        const trips = roundTrips[figures.arm.name]
        row.push(trips === undefined ? '–' : String(Number(trips.toFixed(2))))
      }
      return row
    }),
  }
}

function latencyTable(results: BenchResults): Table {
  const comparison = results.redisLatency
  const limit = comparison.limit
  const best = comparison.bestAnchor!
  const ratio = (figures: Figures, reference: Figures): number =>
    medianRatio(
      figures.samples.map((sample) => sample.meanMicros),
      reference.samples.map((sample) => sample.meanMicros),
    )
  return {
    title: '2a. Redis hit path, one request at a time (latency; lower is better)',
    head: [
      'Arm',
      'mean',
      'p50',
      'p99',
      `latency × ${limit.arm.name}`,
      `latency × ${best.arm.name}`,
      'Redis commands per hit',
    ],
    rows: comparison.figures.map((figures) => {
      const keys = results.garnerKeysRead[figures.arm.name]
      return [
        label(figures),
        micros(figures.summary.meanMicros),
        micros(figures.summary.p50Micros),
        micros(figures.summary.p99Micros),
        times(ratio(figures, limit)),
        times(ratio(figures, best)),
        formatCommands(results.redisCommands[figures.arm.name] ?? {}) +
          (keys === undefined ? '' : ` (${keys} keys)`),
      ]
    }),
  }
}

function label(figures: Figures): string {
  const role =
    figures.arm.role === 'limit' ? ' (limit)' : figures.arm.role === 'raw' ? ' (raw store)' : ''
  return figures.arm.name + role
}

function stampedeTable(results: BenchResults): Table {
  return {
    title: `3e. Stampede: ${integer(STAMPEDE_CALLERS)} concurrent fetches of one missing key (loader takes ${LOADER_MS} ms)`,
    head: ['Store', 'Cache', 'loader calls', 'wrong values', 'all answered in'],
    rows: results.stampedes.map((result) => [
      result.store,
      result.name,
      String(result.loaderCalls),
      String(result.wrongValues),
      `${result.elapsedMs.toFixed(0)} ms`,
    ]),
    leftColumns: 2,
  }
}

function httpTable(results: BenchResults, framework: Framework): Table {
  const { connections, seconds } = results.settings.http
  return {
    title: `4. HTTP, ${FRAMEWORK_LABEL[framework]} (${connections} connections, ${seconds} s per arm per round)`,
    head: ['Route', 'requests/s', 'p99', '× constant', '× Prisma', '× peer', 'unexpected'],
    rows: results.http.figures
      .filter((figures) => figures.arm.framework === framework)
      .map((figures) => [
        figures.arm.name,
        integer(figures.requestsPerSecond),
        `${figures.p99Ms} ms`,
        times(figures.vsConstant),
        times(figures.vsPrisma),
        times(figures.vsPeer),
        figures.silent ? 'no responses' : integer(figures.unexpected),
      ]),
  }
}

function demoTable(results: BenchResults): Table {
  const { connections, seconds } = results.settings.http
  return {
    title: `4. HTTP, the demo as users start it (pnpm demo), ${connections} connections, ${seconds} s per arm per round`,
    head: ['Framework', 'Server', 'requests/s', 'p99', '× bare app', 'unexpected'],
    rows: results.demo.figures.map((figures) => [
      FRAMEWORK_LABEL[figures.arm.framework],
      figures.arm.name,
      integer(figures.requestsPerSecond),
      `${figures.p99Ms} ms`,
      times(figures.vsBare),
      figures.silent ? 'no responses' : integer(figures.unexpected),
    ]),
    leftColumns: 2,
  }
}

/** Per target: the "before" run's measurement, this run's, and whether each met the goal. */
function beforeAfterTable(before: ResultsFile, after: readonly Target[]): Table {
  const earlier = new Map(before.targets.map((target) => [target.id, target]))
  return {
    title: 'Before and after',
    head: ['Target', 'Goal', 'Before', 'After', 'Met before → after'],
    rows: after.map((target) => {
      const old = earlier.get(target.id)
      return [
        target.name,
        target.goal,
        old?.measured ?? 'not measured',
        target.measured,
        `${old === undefined ? '–' : old.met ? 'yes' : 'NO'} → ${target.met ? 'yes' : 'NO'}`,
      ]
    }),
    leftColumns: 5,
  }
}

function memoryTable(results: BenchResults): Table {
  return {
    title: '5. Memory: the default in-process store filled past its bounds',
    head: [
      'Fill',
      'fetches',
      'store.size / max',
      'store.bytes / max',
      'RSS before → after',
      'heap before → after',
      'within bounds',
    ],
    rows: results.memory.fills.map((fill) => [
      fill.label,
      integer(fill.fetches),
      `${integer(fill.size)} / ${integer(fill.maxEntries)}`,
      `${mebibytes(fill.bytes)} / ${mebibytes(fill.maxBytes)}`,
      `${mebibytes(fill.rssBefore)} → ${mebibytes(fill.rssAfter)}`,
      `${mebibytes(fill.heapBefore)} → ${mebibytes(fill.heapAfter)}`,
      fill.size <= fill.maxEntries && fill.bytes <= fill.maxBytes ? 'yes' : 'NO',
    ]),
  }
}

function profileTable(evidence: ProfileEvidence): Table {
  const { profile } = evidence
  const origins = profile.byOrigin
    .filter((origin) => origin.busyPercent >= 1)
    .map((origin) => `${origin.origin} ${origin.busyPercent.toFixed(0)}%`)
    .join(', ')
  return {
    title:
      `CPU profile: ${profile.scenario} / ${profile.arm} (${evidence.reason}): ` +
      `${rate(profile.opsPerSecond)} while profiled, ${profile.idlePercent.toFixed(0)}% of the time idle. ` +
      `Busy time by origin: ${origins}`,
    head: ['function', 'where', '% of busy time'],
    rows: profile.top.map((frame) => [frame.name, frame.location, frame.busyPercent.toFixed(1)]),
    leftColumns: 2,
  }
}

/** The share of busy time spent in Garner's packages. */
function garnerShare(evidence: ProfileEvidence): number {
  return evidence.profile.byOrigin
    .filter((origin) => origin.origin.startsWith('@garner/'))
    .reduce((sum, origin) => sum + origin.busyPercent, 0)
}

/** docs/benchmarks.md. */
export function markdownReport(results: BenchResults): string {
  const all = tables(results)
  const section = (table: Table, text = '', chart = ''): string =>
    `### ${table.title}\n\n${text === '' ? '' : `${text}\n\n`}${markdownTable(table)}${chart === '' ? '' : `\n\n${chartImage(results, chart)}`}`
  const [
    targets,
    inProcess,
    latency,
    throughput,
    missMemory,
    missRedis,
    invMemory,
    invRedis,
    stampede,
    ...rest
  ] = all as [Table, Table, Table, Table, Table, Table, Table, Table, Table, ...Table[]]
  const httpTables = rest.slice(0, FRAMEWORKS.length)
  const demo = rest[FRAMEWORKS.length]!
  const memory = rest[FRAMEWORKS.length + 1]!
  const { machine, settings } = results
  const lines: string[] = []
  lines.push(
    '# Benchmarks',
    '',
    `Written by \`pnpm bench\` on ${results.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC ` +
      `(whole run: ${results.wallSeconds.toFixed(0)} s). Do not edit by hand: run it again to refresh.`,
    '',
    'Every figure is the median of several rounds, and every ratio the median of per-round ratios ' +
      'between arms measured side by side in the same rounds. Absolute numbers depend on the machine ' +
      'and on what else it was doing; the ratios are the result. Benchmarks never decide whether CI ' +
      'passes.',
    '',
    '## Machine and versions',
    '',
    markdownTable({
      title: '',
      head: ['', ''],
      rows: [
        ['CPU', `${machine.cpu}, ${machine.cores} cores`],
        ['Memory', `${machine.memoryGiB} GiB`],
        ['OS', machine.os],
        ['Node.js', machine.node],
        [
          'Load average at start (1 min)',
          `${machine.loadAtStart.toFixed(2)} on ${machine.cores} cores`,
        ],
        ['Redis', `redis-server ${results.redisVersion} on loopback, started by the bench`],
        ['Garner commit', results.commit],
        ...Object.entries(results.versions).map(([name, version]) => [name, version]),
      ],
      leftColumns: 2,
    }),
    '',
    '## Targets',
    '',
    markdownTable(targets),
    '',
    chartImage(results, CHART.targets),
    '',
    ...beforeAfterLines(results),
    '',
    '## Method',
    '',
    ...methodLines(results),
    '',
    '## Results',
    '',
    section(
      inProcess,
      "Every arm holds the same value under one key and is asked for it again and again; `Map.get` is the limit. The anchors are used as their documentation shows (defaults). The identity chain arm is Garner's own idiom as a new user writes it, the chain built on every call: `garner.bind(['User', 42]).key(k).fetch(load)`, the same one binding as `garner.fetch, 1 binding`.",
      CHART.inProcess,
    ),
    '',
    section(
      latency,
      `One request at a time over loopback. \`keyv.get\` through \`@keyv/redis\` (one GET, Keyv's JSON envelope decoded) is the limit. Commands per hit come from Redis's own \`INFO commandstats\` over ${COMMAND_SAMPLES} hits of each arm alone.`,
      CHART.redisLatency,
    ),
    '',
    section(
      throughput,
      `${settings.inFlight} fetches in flight at once, each worker on its own key (cache-manager would otherwise merge concurrent reads of one key into one GET, which measures its coalescing, not the store).`,
      CHART.redisThroughput,
    ),
    '',
    section(
      missMemory,
      'Each operation asks for a key never seen before: look up, run the loader (which returns the 1 KB value at once), store. Every cache is emptied between rounds. The ratios are to cache-manager `wrap`, the anchor of the miss targets.',
      CHART.missMemory,
    ),
    '',
    section(
      missRedis,
      `Round trips per miss are counted by Redis itself: the reads it made from its clients' sockets (\`total_reads_processed\` in \`INFO stats\`) over ${COMMAND_SAMPLES} misses of each arm alone, one at a time. A client sends pipelined commands (a \`MULTI\`/\`EXEC\` block, or commands written together) in one write that Redis reads at once, so such a batch is one round trip; a command that waits for an answer first is another. Of those round trips, the ones that read are the commands that do not write (\`GET\`, \`MGET\` …; a client's connection set-up, \`SELECT\`, left out): the target asks for at most one reading and one writing round trip. One command or read more over the ${COMMAND_SAMPLES} misses (an operation still in flight when counting began) is tolerated. The commands column comes from \`INFO commandstats\` over the same number of misses.`,
      CHART.missRedis,
    ),
    '',
    section(
      invMemory,
      "`invalidate('User', id)` uses a new id each time (a write to one row); `invalidate('User')` a model-wide write. Only bentocache has a comparable feature (tags); the other anchors can only delete keys they know.",
      CHART.invalidateMemory,
    ),
    '',
    section(
      invRedis,
      'A `MULTI … EXEC` block is sent in one write and answered in one round trip.',
      CHART.invalidateRedis,
    ),
    '',
    section(stampede),
    '',
    ...httpTables.flatMap((table, index) => [
      section(table, httpText(results, FRAMEWORKS[index]!), CHART.http(FRAMEWORKS[index]!)),
      '',
    ]),
    section(demo, demoText(results), CHART.demo),
    '',
    section(
      memory,
      'A fresh child process fills the default store (`createGarner()` without a store) with ever new keys, each bound to its own instance (so tokens are stored too), then reports after a full GC.',
    ),
    '',
    'The stampede and memory tables count calls and bytes, not ratios: they have no chart.',
    '',
    '## Where Garner is slower, and why',
    '',
    ...slowerLines(results),
    ...missProfileLines(results),
  )
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`
}

function methodLines(results: BenchResults): string[] {
  const { settings, inProcess, redisLatency, redisThroughput, missMemory } = results
  const round = (comparison: Comparison): string =>
    `${comparison.rounds} rounds of about ${(comparison.options.durationMs / 1000).toFixed(1)} s`
  const { http } = settings
  return [
    `- **Value**: one ${settings.valueBytes}-byte JSON object (a user profile with posts; strings and numbers only, so every cache stores it faithfully). Loaders count their calls: a hit arm whose loader ran during the measurement is reported instead of trusted${results.hitProblems.length === 0 ? ' (none did in this run)' : ` (this run: ${results.hitProblems.join('; ')})`}.`,
    `- **Rounds**: a round runs every arm of a table many times in short slots (a few hundred operations in process, 20 on Redis), rotating the order each pass, so every arm sees the same mix of quiet and busy moments on a shared machine; an arm's figure for the round is its operations over its own time. In process: ${round(inProcess)}; Redis latency: ${round(redisLatency)}; Redis throughput: ${round(redisThroughput)}; misses and invalidations: ${round(missMemory)}. A short untimed round first lets the JIT settle.`,
    "- **Garner** is used as applications write it: `garner.fetch(key, () => load(), { bind: … })` with the options and bindings written as literals on every call. 0 bindings; 1 binding `['User', 42]`; 3 bindings `[['User', 42], ['Post', 7], 'Tag']` (two instances and a model: 5 generation tokens). In process Garner uses its default store (`memoryStore()`); on Redis `createKeyv(url)` from `@keyv/redis`.",
    "- **Anchors**, as documented: cache-manager `createCache()` (a Keyv over a Map) and `createCache({ stores: [createKeyv(url)] })`; cacheable `new Cacheable()`, and on Redis `new Cacheable({ primary: createKeyv(url) })` (with its default in-memory primary in front of a Redis secondary every hit would be a memory hit); bentocache with its memory L1 driver (`maxItems: 10000`, entries serialized, its default); cachified over a `Map`, and on Redis over a Keyv instance (`createKeyv(url)`, whose get/set/delete fit cachified's cache interface as is).",
    '- **Not measured**: bentocache on Redis (its Redis driver needs `ioredis`, which is not installed here); a cachified Redis adapter package (not installed; the Keyv instance stands in).',
    `- **Redis**: a private \`redis-server\` on 127.0.0.1, one logical database per arm so keys never collide; every cache has its own connection. Throughput runs ${settings.inFlight} operations in flight.`,
    `- **HTTP**: each framework's server runs in its own child process (Node, 1 core each); autocannon runs in the bench's process with ${http.connections} connections, no pipelining, ${http.seconds} s per arm per round, ${http.rounds} rounds (after a ${http.warmupSeconds} s warm-up per arm). Every route answers the same ${results.http.bodyBytes}-byte JSON (the demo's users with their posts, from a fresh SQLite file through Prisma 7 and the demo's \`openDatabase\`). The constant route sends that text, precomputed. The Garner route binds \`User\` and \`Post\` and answers with \`cacheOr304\` from the in-process store; its identity middleware is mounted on that route only. Express: \`app.set('etag', false)\` on the app, so Express computes no weak ETag of its own on the constant, Prisma and Garner routes (Garner sends its own); apicache runs in a sub-app that keeps Express's default weak ETag, which apicache's 304 relies on; its 304s lose their \`Content-Length\` header on the way out, because autocannon's HTTP parser would otherwise wait for a body. Hono: \`hono/etag\` wraps the uncached Prisma route (it saves the download, not the query).`,
    "- **Sources**: Garner's packages run from their TypeScript sources through tsx (the `@garner/source` export condition), as the repository's scripts run them. tsx keeps function names with a small `__name` helper, which shows up in profiles and costs a little that a build would not.",
    `- **Targets** are checked on the medians above; "far ahead" of the uncached Prisma route means at least ${FAR_AHEAD}× its requests/s.`,
    `- **Results file and before/after**: every run writes all its figures, its targets as evaluated and its miss-path profiles to \`bench/results/latest.json\`. When \`bench/results/before.json\` exists (or the file named by \`BENCH_BEFORE\`, relative to the repository root), the run reads it and shows each target before → after. To make a "before": run \`pnpm bench\` at the earlier commit and copy its \`latest.json\` to \`before.json\`.`,
    `- **Charts**: \`pnpm bench\` writes one SVG per table of ratios into \`docs/public/bench/\` from the same run: each arm's ratio to the table's reference on a log scale, drawn from the 1.0× line, with the limit and the target as dashed marks.`,
    `- **Rounds**: \`BENCH_QUICK=1 pnpm bench\` runs about half the rounds of every section (at least 3) for a shorter run on a busy machine${settings.quick ? ' (this run did)' : ' (this run did not)'}.`,
    `- **Profiles** are V8 CPU profiles taken with \`node --cpu-prof\` in a separate process running one arm (or one HTTP server under load), counting only the samples taken while the arm ran (${(settings.profileMs / 1000).toFixed(1)} s). The files are kept in \`bench/profiles/\` for Chrome DevTools.`,
  ]
}

function demoText(results: BenchResults): string {
  return (
    `The demo started as its README says (\`pnpm demo\` from the repository root: pnpm, then tsx running \`apps/demo/src/main.ts\` from its TypeScript sources) in a child process, with \`PORT=0\`, a fresh SQLite file (\`DATABASE_URL=file:…\`) and the in-process store, once with \`DEMO_FRAMEWORK=hono\` and once with \`express\`. ` +
    `It answers \`GET ${DEMO_PATH}\` (public, bound to the post and its author), primed before the measurement, so every measured request is a cached 200 of ${results.demo.bodyBytes} bytes. ` +
    "The bare app is one route answering that same JSON as a new user writes it (`c.json(data)` on a `new Hono()` served by `@hono/node-server`; `res.json(data)` on `express()` with its defaults), in its own child process. The four servers are loaded in interleaved rounds with the HTTP section's settings."
  )
}

/** The before/after table of the targets, when a "before" file was read. */
function beforeAfterLines(results: BenchResults): string[] {
  const { before } = results
  if (before === undefined) {
    return [
      'No "before" results were read in this run (see `BENCH_BEFORE` in the method), so there is no before/after table.',
    ]
  }
  const when = (file: { startedAt: string; commit: string; loadAtStart: number; quick: boolean }) =>
    `commit ${file.commit}, ${file.startedAt.slice(0, 16).replace('T', ' ')} UTC, load ${file.loadAtStart.toFixed(2)} at start${file.quick ? ', BENCH_QUICK' : ''}`
  return [
    '### Before and after',
    '',
    `Before: \`${results.beforeFile ?? 'the before file'}\`, written by \`pnpm bench\` at ${when(before)}. After: this run (${when(
      {
        startedAt: results.startedAt.toISOString(),
        commit: results.commit,
        loadAtStart: results.machine.loadAtStart,
        quick: results.settings.quick,
      },
    )}). Both runs' ratios come from their own run; the machine's load may differ between them.`,
    '',
    markdownTable(beforeAfterTable(before, evaluateTargets(results))),
  ]
}

/** The miss path's CPU profiles of this run, and of the "before" run when there is one. */
function missProfileLines(results: BenchResults): string[] {
  const lines = [
    '',
    '### CPU profiles of the miss path',
    '',
    'Taken on every run (`garner.fetch, 1 binding` on a new key per operation, in process and on Redis), so that a change to the miss path shows in where its time goes. The before run\'s profiles come from the "before" file.',
    '',
  ]
  const runs: [string, readonly ProfileEvidence[]][] = [['this run', results.missProfiles]]
  if (results.before !== undefined) runs.unshift(['before', results.before.missProfiles])
  for (const [name, profiles] of runs) {
    for (const evidence of profiles) {
      const table = profileTable(evidence)
      lines.push(`#### ${name}: ${table.title}`, '', markdownTable(table), '')
    }
  }
  return lines
}

function httpText(results: BenchResults, framework: Framework): string {
  const ratio = httpRatio(results.http, framework, 'garner-304', 'garner-200')
  const headers = httpFigures(results.http, framework, 'constant-headers')
  const middleware = httpFigures(results.http, framework, 'identity-only')
  const hit = httpFigures(results.http, framework, 'garner-200')
  return (
    `Two diagnostic rows split the cost of a Garner 200 hit. "constant + 5 validator headers" sends the constant with the five headers a Garner 200 carries (fixed values): ` +
    `${FRAMEWORK_LABEL[framework]} with those headers runs at ${times(headers.vsConstant)} the constant route. ` +
    `"Garner middleware + constant + 5 headers" (no lookup) adds the adapter's request-scoped identity middleware: ${times(middleware.vsConstant)}. ` +
    `The full 200 hit (the lookup and the response through \`cacheOr304\`) runs at ${times(hit.vsConstant)}. ` +
    `The Garner 304 answers ${times(ratio)} the requests/s of the Garner 200. The peer is ${PEER_NAME[framework]}.`
  )
}

/** Below this ratio an arm counts as slower: closer than 2% is noise on a shared machine. */
const SLOWER = 0.98

/** Garner arms slower than some anchor in the same table, with the profiles that explain it. */
function slowerLines(results: BenchResults): string[] {
  const lines: string[] = []
  const comparisons: [string, Comparison][] = [
    ['In-process hit', results.inProcess],
    ['Redis hit, one at a time', results.redisLatency],
    [`Redis hit, ${results.settings.inFlight} in flight`, results.redisThroughput],
    ['Miss in process', results.missMemory],
    ['Miss on Redis', results.missRedis],
    ['Invalidation in process', results.invalidateMemory],
  ]
  for (const [name, comparison] of comparisons) {
    for (const slower of slowerThanAnchors(comparison)) lines.push(`- **${name}**: ${slower}`)
  }
  for (const framework of FRAMEWORKS) {
    for (const [garner, peer] of [
      ['garner-200', 'peer-200'],
      ['garner-304', 'peer-304'],
    ] as const) {
      const ratio = httpRatio(results.http, framework, garner, peer)
      if (ratio < SLOWER) {
        const figures: HttpFigures = httpFigures(results.http, framework, garner)
        lines.push(
          `- **HTTP, ${FRAMEWORK_LABEL[framework]}**: ${figures.arm.name} answers ${times(ratio)} the requests/s of ${httpFigures(results.http, framework, peer).arm.name}.`,
        )
      }
    }
  }
  if (lines.length === 0) lines.push('- Garner was not slower than any anchor in this run.')
  lines.unshift(
    `Garner arms that ran at less than ${times(SLOWER)} the rate of an anchor (or peer) in the same table:`,
    '',
  )
  lines.push('', ...WHY, '')
  lines.push(...profileFacts(results), '')
  for (const evidence of results.profiles) {
    const table = profileTable(evidence)
    lines.push(
      `#### ${table.title}`,
      '',
      `File: \`${evidence.profile.file}\``,
      '',
      markdownTable(table),
      '',
    )
  }
  return lines
}

/** What the profiles of this run say, in numbers. */
function profileFacts(results: BenchResults): string[] {
  const facts: string[] = []
  for (const evidence of results.profiles) {
    const { profile } = evidence
    const idle =
      profile.idlePercent >= 1 ? `; idle ${profile.idlePercent.toFixed(0)}% of the time` : ''
    if (profile.arm === 'constant') {
      facts.push(
        `- **${profile.scenario}, constant route**: the server was idle ${profile.idlePercent.toFixed(0)}% of the time under load, ` +
          'so autocannon (on the other core) limits this route as much as the server does.',
      )
    } else if (evidence.reason !== 'the limit, for comparison') {
      const top = profile.top
        .filter((frame) => frame.location.startsWith('packages/'))
        .slice(0, 5)
        .map((frame) => `\`${frame.name}\` ${frame.busyPercent.toFixed(0)}%`)
      facts.push(
        `- **${profile.scenario} / ${profile.arm}**: Garner's own code is ${garnerShare(evidence).toFixed(0)}% of the busy time ` +
          `(${garnerOrigins(evidence)})${idle}. Its heaviest functions: ${top.length === 0 ? 'none in the top frames' : top.join(', ')}.`,
      )
      if (
        profile.scenario.startsWith('http-') &&
        profile.arm === 'garner-200' &&
        evidence.reason.includes('200')
      ) {
        const framework = profile.scenario.slice('http-'.length) as Framework
        const hit = httpFigures(results.http, framework, 'garner-200')
        const bound = hit.vsConstant / (1 - garnerShare(evidence) / 100)
        facts.push(
          `  Without any of Garner's own code this route would run at about ${times(bound)} the constant route ` +
            `(${times(hit.vsConstant)} ÷ (1 − ${garnerShare(evidence).toFixed(0)}%)): the rest of the gap is the framework's and Node's work for this route.`,
        )
      }
    }
  }
  return facts.length === 0 ? [] : ['What the profiles below show:', '', ...facts]
}

function garnerOrigins(evidence: ProfileEvidence): string {
  const parts = evidence.profile.byOrigin
    .filter((origin) => origin.origin.startsWith('@garner/'))
    .map((origin) => `${origin.origin} ${origin.busyPercent.toFixed(0)}%`)
  return parts.length === 0 ? 'none sampled' : parts.join(', ')
}

/** Sentences for each Garner arm slower than an anchor of its table. */
function slowerThanAnchors(comparison: Comparison): string[] {
  const anchors = comparison.figures.filter((figures) => figures.arm.role === 'anchor')
  const sentences: string[] = []
  for (const garner of comparison.figures.filter((figures) => figures.arm.role === 'garner')) {
    const faster = anchors
      .map((anchor) => ({
        anchor,
        ratio: medianRatio(rates(garner), rates(anchor)),
      }))
      .filter(({ ratio }) => ratio < SLOWER)
    if (faster.length === 0) continue
    sentences.push(
      `${garner.arm.name} runs at ${faster.map(({ anchor, ratio }) => `${times(ratio)} ${anchor.arm.name}`).join(', ')}.`,
    )
  }
  return sentences
}

function rates(figures: Figures): number[] {
  return figures.samples.map((sample) => sample.opsPerSecond)
}

/** Why, mechanism by mechanism; the profiles below are the evidence. */
const WHY: readonly string[] = [
  'Why:',
  '',
  "- **A Redis hit reads more than one key.** A hit reads the entry's metadata, its body and the current generation token of every binding in one `MGET` (the keys-per-hit column), where the anchors `GET` one key holding the value. Reading the tokens with the entry is what keeps invalidation correct at one round trip; the extra keys cost node-redis time to encode and parse, and Redis time to look up. One at a time that adds a few microseconds to the round trip; with many requests in flight the client's CPU is the limit and the extra keys weigh more. What Garner saves in decoding (its body is plain JSON text, where Keyv decodes its JSON envelope with a reviver) pays for part of it.",
  "- **A miss does more work.** Garner walks the value once to check that it survives JSON unchanged and to build its own deeply frozen copy (so a hit and a miss return the same thing, and callers cannot change the cached value for each other), and stores it in a bounded store. The JSON text (the HTTP body), the ETag (SHA-256 of the canonical form) and the UTF-8 length are computed when something first reads them: an HTTP answer, or a write to a remote store, which needs all three on every miss. The anchors keep a reference to the loader's object (cache-manager, cacheable and cachified in process) or serialize it once (bentocache, and Keyv on Redis). On Redis a miss with bindings is two round trips, as for the anchors: the `MGET` that found nothing, then two pipelined `SET`s writing metadata and body. But it sends 11 arguments in 3 commands (an `MGET` of the entry, its body and the binding's two tokens; a `SET` each for metadata and body) where cache-manager sends 5 in 2 (`GET`, `SET`), and node-redis writes every argument as a chunk of its own: in the profile below its socket writes (`writeUtf8String`, `writev`) are the largest items, ahead of the ETag (SHA-256 of the canonical form) and the metadata encoding that only Garner does.",
  "- **An invalidation writes two tokens** (the instance's and the model's, or the model's and its all-instances token): one `MULTI`/`EXEC` on Redis, two writes to the bounded store in process.",
  "- **HTTP**: a cached Garner answer costs the adapter's per-request identity middleware, the lookup (the key from method, path and sorted query, the credential check, the ETag comparison) and five validator headers that the constant route does not send. The two diagnostic rows of each HTTP table separate the three.",
  "- **The demo against a bare app** (the demo table). The bare app answers `c.json(body)` / `res.json(body)` and does nothing else: on Hono that response is made synchronously with one header, which `@hono/node-server` writes without building a Fetch `Headers` object. The demo's cached GET first runs `cacheBust` and the identity middleware (asynchronous), reads the post and then its author (two cached fetches), counts the hit for `/stats` and OpenTelemetry, and answers with seven headers, which Hono turns into an undici `Headers` object that the server then converts back. A CPU profile of the Hono demo under autocannon (`node --cpu-prof` on the demo, GET /posts/1, 32 connections) put the `cacheOr304` calls and everything under them at about a tenth of the busy time and Hono's header conversion at about 7%: most of the gap is framework and Node HTTP work per request that the one-line bare route does not do, and the bare Hono route is partly limited by autocannon itself (see the constant route's idle time below).",
]
