// `pnpm bench:postgres`: the demo's data on a real PostgreSQL server, uncached (a Prisma query per
// request) against Garner's 200 hit and 304, on Hono and Express, in a short bounded run. Writes
// its section of docs/benchmarks.md (between the markers, which `pnpm bench` keeps).
import { readFile, writeFile } from 'node:fs/promises'
import { startPostgresServer } from '@garner/fixtures'
import { endChild, firstMessage, forkModule, stopAll, track } from './children.js'
import { markdownTable, rate, type Table, textTable, times } from './format.js'
import { armsOf, type HttpArm, type HttpSample, load } from './http.js'
import { FRAMEWORKS, isServerReady } from './http-routes.js'
import { describeMachine } from './machine.js'
import { median, medianRatio } from './measure.js'

const REPORT = new URL('../../docs/benchmarks.md', import.meta.url)
export const POSTGRES_SECTION_START = '<!-- bench:postgres -->'
export const POSTGRES_SECTION_END = '<!-- /bench:postgres -->'

const SETTINGS = { connections: 16, seconds: 2, rounds: 3, warmupSeconds: 1 } as const
const KINDS = ['prisma', 'garner-200', 'garner-304'] as const

async function main(): Promise<void> {
  const machine = describeMachine()
  const postgres = await startPostgresServer()
  track({ stop: () => postgres.stop(), killNow: () => {} })
  const [setting] = await postgres.query<{ version: string }>(
    "SELECT current_setting('server_version') AS version",
  )
  const version = setting?.version.split(' ')[0] ?? 'unknown'
  const arms: HttpArm[] = []
  try {
    for (const framework of FRAMEWORKS) {
      // A database per server: each demo migrates and seeds its own on start.
      await postgres.query(`CREATE DATABASE "bench_${framework}"`)
      const child = forkModule(new URL('./http-server.ts', import.meta.url), [
        framework,
        postgres.databaseUrl(`bench_${framework}`),
      ])
      const ready = await firstMessage(child, isServerReady)
      const origin = `http://127.0.0.1:${ready.port}`
      arms.push(
        ...(await armsOf(framework, origin)).filter((arm) =>
          (KINDS as readonly string[]).includes(arm.kind),
        ),
      )
      track({ stop: () => endChild(child), killNow: () => child.kill('SIGKILL') })
    }
    for (const arm of arms) await load(arm, SETTINGS.connections, SETTINGS.warmupSeconds)
    const samples = new Map<HttpArm, HttpSample[]>(arms.map((arm) => [arm, []]))
    for (let round = 0; round < SETTINGS.rounds; round++) {
      const order = arms.map((_, index) => arms[(index + round) % arms.length]!)
      if (round % 2 === 1) order.reverse()
      for (const arm of order) {
        samples.get(arm)!.push(await load(arm, SETTINGS.connections, SETTINGS.seconds))
      }
    }
    const rates = (arm: HttpArm) => samples.get(arm)!.map((sample) => sample.requestsPerSecond)
    const rows = arms.map((arm) => {
      const uncached = arms.find(
        (other) => other.framework === arm.framework && other.kind === 'prisma',
      )!
      const own = samples.get(arm)!
      const unexpected = own.reduce((sum, sample) => sum + sample.unexpected, 0)
      return [
        arm.framework,
        arm.name,
        rate(median(rates(arm))),
        `${median(own.map((sample) => sample.p99Ms)).toFixed(1)} ms`,
        times(medianRatio(rates(arm), rates(uncached))),
        String(unexpected),
      ]
    })
    const table: Table = {
      title: `The demo's data on PostgreSQL ${version}: uncached against Garner`,
      head: ['framework', 'route', 'requests/s', 'p99', 'vs uncached', 'unexpected'],
      rows,
      leftColumns: 2,
    }
    console.log(`\n${textTable(table)}\n`)
    const section = [
      POSTGRES_SECTION_START,
      '## HTTP on PostgreSQL',
      '',
      `\`pnpm bench:postgres\` (about a minute): the same users-with-posts route as the HTTP ` +
        `section, from a real PostgreSQL ${version} server (Debian's package, started by the ` +
        "bench on loopback) through Prisma 7, `@prisma/adapter-pg` and the demo's `openDatabase`. " +
        `autocannon, ${SETTINGS.connections} connections, ${SETTINGS.seconds} s per arm per round, ` +
        `${SETTINGS.rounds} interleaved rounds after a ${SETTINGS.warmupSeconds} s warm-up; ` +
        'medians over rounds. "vs uncached" is the median per-round ratio to the same ' +
        "framework's route that queries PostgreSQL on every request.",
      '',
      `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load ` +
        `${machine.loadAtStart.toFixed(1)} at the start.` +
        (machine.loadAtStart > machine.cores
          ? ' The cores were shared with other work: absolute figures are far below what the ' +
            'machine does idle, and only the ratios, measured side by side, are meaningful.'
          : ''),
      '',
      markdownTable(table),
      POSTGRES_SECTION_END,
    ].join('\n')
    const report = await readFile(REPORT, 'utf8')
    await writeFile(REPORT, withPostgresSection(report, section))
    console.log(`wrote ${REPORT.pathname}`)
  } finally {
    await stopAll()
  }
}

/** `report` with its PostgreSQL section replaced by `section`, or `section` appended. */
export function withPostgresSection(report: string, section: string | undefined): string {
  if (section === undefined) return report
  const start = report.indexOf(POSTGRES_SECTION_START)
  const end = report.indexOf(POSTGRES_SECTION_END)
  if (start < 0 || end < start) return `${report.trimEnd()}\n\n${section}\n`
  return report.slice(0, start) + section + report.slice(end + POSTGRES_SECTION_END.length)
}

/** The PostgreSQL section of `report`, if it has one. */
export function postgresSection(report: string): string | undefined {
  const start = report.indexOf(POSTGRES_SECTION_START)
  const end = report.indexOf(POSTGRES_SECTION_END)
  return start < 0 || end < start
    ? undefined
    : report.slice(start, end + POSTGRES_SECTION_END.length)
}

if (process.argv[1] === new URL(import.meta.url).pathname) await main()
