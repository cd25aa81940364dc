// Section 6: the demo as users start it (`pnpm demo`, in a child process on a free port, SQLite,
// the in-process store) answering a cached GET, against a bare app of the same framework answering
// a constant JSON route, on Hono and on Express. autocannon loads them here, interleaved round by
// round as in the HTTP section.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { endChild, firstMessage, forkModule, track } from './children.js'
import { type HttpOptions, type HttpSample, load } from './http.js'
import { FRAMEWORKS, type Framework, isServerReady } from './http-routes.js'
import { median, medianRatio } from './measure.js'

/** The cached GET the demo answers: a public post, cached per post and author. */
export const DEMO_PATH = '/posts/1'

export interface DemoArm {
  readonly framework: Framework
  readonly kind: 'demo' | 'bare'
  readonly name: string
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly expectStatus: 200
}

export interface DemoFigures {
  readonly arm: DemoArm
  readonly requestsPerSecond: number
  readonly p99Ms: number
  readonly unexpected: number
  readonly silent: boolean
  readonly samples: readonly HttpSample[]
  /** Median per-round ratio to the bare app of the same framework. */
  readonly vsBare: number
}

export interface DemoResult {
  readonly options: HttpOptions
  readonly bodyBytes: number
  readonly figures: readonly DemoFigures[]
}

const ROOT = new URL('../../', import.meta.url).pathname

/** Runs the demo section; every process it started is gone afterwards. */
export async function runDemo(options: HttpOptions): Promise<DemoResult> {
  const dir = await mkdtemp(join(tmpdir(), 'garner-bench-demo-'))
  const stops: (() => Promise<void>)[] = []
  try {
    const arms: DemoArm[] = []
    let bodyBytes = 0
    for (const framework of FRAMEWORKS) {
      const demo = await startDemo(framework, join(dir, `${framework}.db`))
      stops.push(demo.stop)
      const url = demo.origin + DEMO_PATH
      // The first GET loads and caches the post; the second must be a hit.
      const body = await text(url)
      await text(url)
      bodyBytes = Buffer.byteLength(body)
      const bare = forkModule(new URL('./bare-server.ts', import.meta.url), [framework, body])
      stops.push(() => endChild(bare))
      const ready = await firstMessage(bare, isServerReady)
      const label = framework === 'hono' ? 'Hono' : 'Express'
      arms.push(
        {
          framework,
          kind: 'demo',
          name: `pnpm demo, GET ${DEMO_PATH} (cached)`,
          path: url,
          headers: {},
          expectStatus: 200,
        },
        {
          framework,
          kind: 'bare',
          name: `bare ${label} app, constant JSON`,
          path: `http://127.0.0.1:${ready.port}/`,
          headers: {},
          expectStatus: 200,
        },
      )
    }
    const loadable = arms
    for (const arm of loadable) await load(arm, options.connections, options.warmupSeconds)
    const samples = new Map<DemoArm, HttpSample[]>(loadable.map((arm) => [arm, []]))
    for (let round = 0; round < options.rounds; round++) {
      const order = loadable.map((_, index) => loadable[(index + round) % loadable.length]!)
      if (round % 2 === 1) order.reverse()
      for (const arm of order)
        samples.get(arm)!.push(await load(arm, options.connections, options.seconds))
    }
    const rates = (arm: DemoArm): number[] =>
      samples.get(arm)!.map((sample) => sample.requestsPerSecond)
    const figures = loadable.map((arm): DemoFigures => {
      const own = samples.get(arm)!
      const bare = loadable.find(
        (other) => other.framework === arm.framework && other.kind === 'bare',
      )!
      return {
        arm,
        requestsPerSecond: median(rates(arm)),
        p99Ms: median(own.map((sample) => sample.p99Ms)),
        unexpected: own.reduce((sum, sample) => sum + sample.unexpected, 0),
        silent: own.some((sample) => sample.responses === 0),
        samples: own,
        vsBare: medianRatio(rates(arm), rates(bare)),
      }
    })
    return { options, bodyBytes, figures }
  } finally {
    await Promise.allSettled(stops.map((stop) => stop()))
    await rm(dir, { recursive: true, force: true })
  }
}

/** The figures of one framework's demo or bare arm. */
export function demoFigures(
  result: DemoResult,
  framework: Framework,
  kind: DemoArm['kind'],
): DemoFigures {
  const found = result.figures.find(
    (figures) => figures.arm.framework === framework && figures.arm.kind === kind,
  )
  if (found === undefined) throw new Error(`no demo arm ${framework} ${kind}`)
  return found
}

interface RunningDemo {
  readonly origin: string
  stop(): Promise<void>
}

/**
 * `pnpm demo` from the repository root, as the README says to start it, with a free port, a fresh
 * SQLite file and none of the variables that would point it at Redis, PostgreSQL or Varnish.
 * pnpm, its shell and tsx sit between this process and the demo: the whole process group is
 * stopped at the end.
 */
async function startDemo(framework: Framework, file: string): Promise<RunningDemo> {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of Object.keys(env)) {
    if (/^(REDIS_|DEMO_|NEAR_CACHE|VARNISH_|DATABASE_URL|CACHE_MAX|KV_TTL)/.test(name)) {
      delete env[name]
    }
  }
  Object.assign(env, {
    PORT: '0',
    HOST: '127.0.0.1',
    DEMO_FRAMEWORK: framework,
    DATABASE_URL: `file:${file}`,
  })
  const child = spawn('pnpm', ['demo'], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const group = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal)
    } catch {
      // The group is already gone.
    }
  }
  const stop = (): Promise<void> => stopGroup(child, group)
  const untrack = track({ stop, killNow: () => group('SIGKILL') })
  child.once('exit', untrack)
  const origin = await new Promise<string>((resolve, reject) => {
    let seen = ''
    const timer = setTimeout(() => {
      reject(new Error(`pnpm demo (${framework}) did not say where it listens within 60 s`))
    }, 60_000)
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      const found = /listening on (http:\/\/\S+)/.exec(seen)
      if (found !== null) {
        clearTimeout(timer)
        resolve(found[1]!)
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`pnpm demo (${framework}) exited (code ${code}) before it listened`))
    })
  }).catch(async (error: unknown) => {
    await stop()
    throw error
  })
  // Keep reading its output, so that it never blocks on a full pipe.
  child.stdout!.resume()
  return { origin, stop }
}

/** SIGTERM to the group, SIGKILL if the leader has not exited within three seconds. */
function stopGroup(child: ChildProcess, group: (signal: NodeJS.Signals) => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    group('SIGKILL')
    return Promise.resolve()
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => group('SIGKILL'), 3_000)
    child.once('exit', () => {
      clearTimeout(timer)
      // tsx's child may outlive pnpm by a moment: make sure nothing of the group is left.
      group('SIGKILL')
      resolve()
    })
    group('SIGTERM')
  })
}

async function text(url: string): Promise<string> {
  const response = await fetch(url)
  const body = await response.text()
  if (response.status !== 200) throw new Error(`${url}: expected 200, got ${response.status}`)
  return body
}
