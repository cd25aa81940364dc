// `pnpm bench:digests`: what taking node:crypto and node:buffer out of @garner/core costs on Node.
// Garner before the change (core's sources at BEFORE_REF, node:crypto's SHA-256 and
// Buffer.byteLength) and after it (this checkout: native hashing through process.getBuiltinModule,
// the pure SHA-256 where a runtime has none, TextEncoder lengths) run side by side, and the
// digests alone are timed per size. Writes its section of docs/benchmarks.md.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import * as after from '@garner/core'
import type { Arm } from './arms.js'
import { type Comparison, compare } from './compare.js'
import { DIGESTS_END, DIGESTS_START } from './digest-section.js'
import { countingLoader, profileValue, VALUE } from './fixture.js'
import { markdownTable, micros, type Table, textTable, times } from './format.js'

/**
 * The last commit whose core hashed with node:crypto: the parent of the commit that took the
 * import out of keys/hash.ts, so that the two arms differ by that change alone.
 */
function lastNodeCryptoCommit(): string {
  const cwd = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim()
  const removed = execFileSync(
    'git',
    ['log', '-1', '--format=%h', "-Sfrom 'node:crypto'", '--', 'packages/core/src/keys/hash.ts'],
    { encoding: 'utf8', cwd },
  ).trim()
  return execFileSync('git', ['rev-parse', '--short', `${removed}^`], {
    encoding: 'utf8',
    cwd,
  }).trim()
}

const BEFORE_REF = process.env.BEFORE_REF ?? lastNodeCryptoCommit()
const ROUNDS = 9
const REPORT = new URL('../../docs/benchmarks.md', import.meta.url)

type Core = typeof after

async function loadBefore(dir: string): Promise<Core> {
  const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim()
  const archive = execFileSync('git', ['archive', BEFORE_REF, 'packages/core/src'], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  })
  execFileSync('tar', ['-x', '-C', dir], { input: archive })
  return (await import(join(dir, 'packages/core/src/index.ts'))) as Core
}

/** A fresh key per call. */
function keys(prefix: string): () => string {
  let next = 0
  return () => `${prefix}:${next++}`
}

function missArm(core: Core, name: string, role: Arm['role'], value: unknown): Arm {
  const store = core.memoryStore()
  const garner = core.createGarner({ store })
  const key = keys(name)
  const load = countingLoader(value)
  return {
    name,
    role,
    op: () => garner.fetch(key(), () => load(), { bind: ['User', 42] }),
    reset: () => store.clear(),
  }
}

function hitArm(core: Core, name: string, role: Arm['role'], key: () => after.KeyPart): Arm {
  const garner = core.createGarner()
  const load = countingLoader(VALUE)
  return {
    name,
    role,
    loader: load,
    op: () => garner.fetch(key(), () => load(), { bind: ['User', 42] }),
  }
}

// A structured key whose canonical text is about 300 characters: Garner stores it hashed, and
// hashes it again on every fetch (structured keys are not memoized).
const longKey = (): after.KeyPart => ({
  view: 'search',
  filters: { q: 'analytical engine'.repeat(8), tags: ['history', 'computing', 'looms'] },
  page: 2,
  sort: ['-createdAt', 'title'],
})

interface Row {
  readonly table: string
  readonly comparison: Comparison
}

async function rows(before: Core): Promise<Row[]> {
  const result: Row[] = []
  const run = async (table: string, arms: Arm[], reset: boolean): Promise<void> => {
    for (const arm of arms) if (arm.loader) await arm.op(0)
    const comparison = await compare(arms, ROUNDS, {
      durationMs: 1_000,
      slotOps: reset ? 100 : 500,
      beforeRound: reset ? () => Promise.all(arms.map((arm) => arm.reset?.())) : undefined,
    })
    result.push({ table, comparison })
  }
  const big = profileValue(42, 10 * 1024)
  await run(
    'miss, 1 KB value, 1 binding',
    [missArm(before, 'before', 'limit', VALUE), missArm(after, 'after', 'garner', VALUE)],
    true,
  )
  // Two identical arms: how far apart the same code lands in this run (the noise floor).
  await run(
    'A/A control: miss, 1 KB value, this checkout against itself',
    [missArm(after, 'before', 'limit', VALUE), missArm(after, 'after', 'garner', VALUE)],
    true,
  )
  await run(
    'miss, 10 KB value, 1 binding',
    [missArm(before, 'before', 'limit', big), missArm(after, 'after', 'garner', big)],
    true,
  )
  await run(
    'hit, 1 binding',
    [
      hitArm(before, 'before', 'limit', () => 'user:0'),
      hitArm(after, 'after', 'garner', () => 'user:0'),
    ],
    false,
  )
  await run(
    'hit, 300-character structured key (hashed on every fetch), 1 binding',
    [hitArm(before, 'before', 'limit', longKey), hitArm(after, 'after', 'garner', longKey)],
    false,
  )
  return result
}

/**
 * The pure SHA-256 alone, to show what runtimes without a native one pay, reached through core's
 * public surface only: `bodyHashEtag` (the digest of the body, nothing more) of a second copy of
 * core evaluated with `process.getBuiltinModule` hidden, so that it finds no native SHA-256, as on
 * Workers. The copy is core's built file (one module, nothing internal reached), imported afresh
 * under a query string; the sources would share their digest module with the copy in use here.
 */
async function pureDigest(): Promise<(text: string) => string> {
  const built = new URL('../../packages/core/dist/index.js', import.meta.url)
  if (!existsSync(built)) {
    throw new Error('bench:digests needs core built first: pnpm --filter @garner/core build')
  }
  const runtime = process as { getBuiltinModule?: unknown }
  const saved = runtime.getBuiltinModule
  delete runtime.getBuiltinModule
  let core: typeof after
  try {
    core = (await import(`${built.href}?pure-sha256`)) as typeof after
  } finally {
    runtime.getBuiltinModule = saved
  }
  const digest = (text: string): string => core.bodyHashEtag({ value: undefined, body: text })
  const expected = createHash('sha256').update('garner').digest('hex').slice(0, 32)
  if (digest('garner') !== expected) throw new Error('The pure SHA-256 copy of core disagrees.')
  return digest
}

/** The digests alone: node:crypto against the pure SHA-256, interleaved, medians of 9 rounds. */
function digestTable(pureSha256Hex128: (text: string) => string): Table {
  const node = (text: string): string =>
    createHash('sha256').update(text).digest('hex').slice(0, 32)
  const rowsOut: string[][] = []
  for (const bytes of [64, 300, 1024, 10 * 1024, 100 * 1024]) {
    const text = JSON.stringify(profileValue(1, Math.max(bytes, 400))).slice(0, bytes)
    const perOp: Record<'node' | 'pure', number[]> = { node: [], pure: [] }
    const n = Math.max(50, Math.floor(4e6 / bytes))
    for (let round = 0; round < 9; round++) {
      for (const [name, digest] of [
        ['node', node],
        ['pure', pureSha256Hex128],
      ] as const) {
        const started = performance.now()
        for (let index = 0; index < n; index++) digest(text)
        perOp[name].push(((performance.now() - started) * 1000) / n)
      }
    }
    const median = (values: number[]): number => values.sort((a, b) => a - b)[4]!
    const nodeMicros = median(perOp.node)
    const pureMicros = median(perOp.pure)
    rowsOut.push([
      bytes >= 1024 ? `${bytes / 1024} KB` : `${bytes} B`,
      micros(nodeMicros),
      micros(pureMicros),
      `${(((bytes / pureMicros) * 1e6) / 1024 / 1024).toFixed(0)} MiB/s`,
      times(pureMicros / nodeMicros),
    ])
  }
  return {
    title: 'SHA-256 alone: node:crypto against the pure implementation (what Workers pay)',
    head: ['text', 'node:crypto', 'pure SHA-256', 'pure throughput', 'pure ÷ node'],
    rows: rowsOut,
  }
}

function comparisonTable(rowsIn: readonly Row[]): Table {
  return {
    title: `Garner before (${BEFORE_REF}: node:crypto, Buffer) and after (no Node built-ins)`,
    head: ['operation', 'before', 'after', 'after ÷ before (time)', 'rounds'],
    rows: rowsIn.map(({ table, comparison }) => {
      const [before, afterFigures] = comparison.figures
      return [
        table,
        micros(before!.summary.meanMicros),
        micros(afterFigures!.summary.meanMicros),
        // vsLimit is the median ratio of rates, round by round; time is its inverse.
        times(1 / afterFigures!.vsLimit),
        String(comparison.rounds),
      ]
    }),
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'garner-digests-'))
  try {
    const before = await loadBefore(dir)
    const measured = comparisonTable(await rows(before))
    const digests = digestTable(await pureDigest())
    for (const table of [measured, digests]) console.log(`\n${textTable(table)}`)
    const section = [
      DIGESTS_START,
      '## Without Node built-ins: the cost on Node',
      '',
      `\`pnpm --filter garner-bench bench:digests\` (${new Date().toISOString().slice(0, 10)}): Garner ` +
        `at ${BEFORE_REF} (SHA-256 from node:crypto, lengths from Buffer) and this checkout (node:crypto ` +
        'through `process.getBuiltinModule`, the pure SHA-256 only where a runtime has no ' +
        `synchronous native one, TextEncoder lengths), in the same process and the same interleaved rounds (${ROUNDS} rounds of about 1 s per table). ` +
        `Load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores at the end of the run; ` +
        'the A/A row (the same code in both arms) shows how far apart identical arms land in it.',
      '',
      `### ${measured.title}`,
      '',
      markdownTable(measured),
      '',
      `### ${digests.title}`,
      '',
      markdownTable(digests),
      DIGESTS_END,
    ].join('\n')
    const report = readFileSync(REPORT, 'utf8')
    const start = report.indexOf(DIGESTS_START)
    const end = report.indexOf(DIGESTS_END)
    const next =
      start >= 0 && end > start
        ? `${report.slice(0, start)}${section}${report.slice(end + DIGESTS_END.length)}`
        : `${report.trimEnd()}\n\n${section}\n`
    writeFileSync(REPORT, next)
    console.log(`\nwrote the digests section of ${REPORT.pathname}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
