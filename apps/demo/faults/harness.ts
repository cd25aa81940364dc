// What the fault suite shares: demos started in process or as real child processes, a private
// Redis, an HTTP client that never throws on a status, a raw-socket client for bytes fetch()
// refuses to send, one demo per suite, a load of looping clients, and a printer for the figures
// each test reports.
import { type ChildProcess, spawn } from 'node:child_process'
import { connect } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll } from 'vitest'
import type { TestDemo } from '../testing/test-demo.js'

export { type Answer, send, sendJson } from '../testing/http-client.js'
export { startTestDemo, type TestDemo } from '../testing/test-demo.js'

/**
 * One demo for the enclosing `describe`: started before its tests, closed after them. Returns
 * the accessor its tests read it through.
 */
export function demoPerSuite(start: () => Promise<TestDemo>): () => TestDemo {
  let target: TestDemo | undefined
  beforeAll(async () => {
    target = await start()
  })
  afterAll(async () => {
    await target?.close()
  })
  return function currentDemo(): TestDemo {
    if (target === undefined) throw new Error('The suite demo is only there inside its tests.')
    return target
  }
}

/** A running load; `stop()` lets each client finish its step and resolves once all have. */
export interface Load {
  stop(): Promise<void>
}

/**
 * `clients` concurrent clients, each calling `step(client, n)` for n = 1, 2, … until stopped: the
 * load the outage suites take their store or database down under.
 */
export function startLoad(
  clients: number,
  step: (client: number, n: number) => Promise<void>,
): Load {
  let running = true
  const loops = Array.from({ length: clients }, async (_, client) => {
    for (let n = 1; running; n++) await step(client, n)
  })
  return {
    async stop(): Promise<void> {
      running = false
      await Promise.all(loops)
    },
  }
}

/** A demo running as its own process (`tsx src/main.ts`), as `pnpm demo` runs it. */
export interface DemoProcess {
  readonly url: string
  stop(): Promise<void>
}

const DEMO_DIR = fileURLToPath(new URL('..', import.meta.url))

export async function startDemoProcess(env: Record<string, string>): Promise<DemoProcess> {
  const tsx = join(DEMO_DIR, '..', '..', 'node_modules', '.bin', 'tsx')
  const child: ChildProcess = spawn(tsx, ['--conditions=@garner/source', 'src/main.ts'], {
    cwd: DEMO_DIR,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start:\n${output}`)), 30_000)
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    }
    child.stdout!.on('data', read)
    child.stderr!.on('data', read)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the demo exited with ${code}:\n${output}`))
    })
  })
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

/**
 * Sends raw bytes as one HTTP request and returns the status code of the answer, or 0 when the
 * server closed the connection without one. For requests fetch() refuses to build (control
 * characters in headers, malformed request lines).
 */
export function rawRequest(url: string, request: string | Buffer): Promise<number> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    let received = ''
    socket.setTimeout(5_000, () => socket.destroy())
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1')
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(received)
      resolve(match ? Number(match[1]) : 0)
    })
    socket.write(request)
    socket.end()
  })
}

/** Counts of HTTP statuses. */
export class StatusCounts {
  private readonly counts = new Map<number, number>()

  add(status: number): void {
    this.counts.set(status, (this.counts.get(status) ?? 0) + 1)
  }

  get total(): number {
    let total = 0
    for (const count of this.counts.values()) total += count
    return total
  }

  count(predicate: (status: number) => boolean): number {
    let total = 0
    for (const [status, count] of this.counts) if (predicate(status)) total += count
    return total
  }

  toString(): string {
    return [...this.counts]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}: ${count}`)
      .join(', ')
  }
}

/** Prints a test's figures, so that `pnpm test:faults` shows what happened. */
export function report(title: string, figures: Record<string, string | number>): void {
  const lines = Object.entries(figures).map(([name, value]) => `  ${name.padEnd(34)} ${value}`)
  console.log(`\n${title}\n${lines.join('\n')}`)
}

/** Resolves after `ms` milliseconds. */
export const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
