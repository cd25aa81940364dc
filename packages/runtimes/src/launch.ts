// Starts the bundles on each runtime as a child process: the conformance run (a report on
// stdout) and the Hono app on a free loopback port.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '@garner/fixtures'
import type { Bundles } from './bundle.js'
import type { Report } from './harness.js'

export type Runtime = 'node' | 'bun' | 'deno' | 'workerd'

// The executables pnpm links for this package's dev dependencies (bun, deno, workerd).
const binDir = fileURLToPath(new URL('../node_modules/.bin', import.meta.url))

/** The runtime's executable, from its npm package; undefined when it is not installed. */
export function executable(runtime: Runtime): string | undefined {
  if (runtime === 'node') return process.execPath
  const path = join(binDir, runtime)
  return existsSync(path) ? path : undefined
}

function command(
  runtime: Runtime,
  bundles: Bundles,
  mode: string[],
  entry = bundles.cli,
): string[] {
  const bin = executable(runtime)
  if (bin === undefined) {
    throw new Error(
      `${runtime} is not installed: it comes from the npm package "${runtime}" (pnpm install); ` +
        'without it this runtime check is blocked.',
    )
  }
  switch (runtime) {
    case 'node':
    case 'bun':
      return [bin, entry, ...mode]
    case 'deno':
      // Environment access: chai's colour support reads FORCE_TTY and friends.
      return [bin, 'run', '--no-prompt', '--allow-env', '--allow-net=127.0.0.1', entry, ...mode]
    case 'workerd':
      return [bin, 'serve', bundles.workerdConfig, ...mode]
  }
}

interface Child {
  readonly process: ChildProcess
  /** Settles when the process has exited. */
  readonly exited: Promise<void>
  output(): string
  stop(): Promise<void>
}

function start(argv: string[], env?: Record<string, string>): Child {
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: dirname(argv.find((arg) => arg.endsWith('.mjs') || arg.endsWith('.capnp')) ?? '.'),
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    process: child,
    exited,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

async function waitFor(check: () => Promise<boolean>, child: Child, what: string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) {
      throw new Error(`${what} exited with ${child.process.exitCode}:\n${child.output()}`)
    }
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`${what} did not start within 30 s:\n${child.output()}`)
}

/** A running app: its base URL and how to stop it. */
export interface RunningApp {
  readonly url: string
  stop(): Promise<void>
}

/** Serves the Hono app (and, on workerd, `/__conformance`) on a free loopback port. */
export async function serve(runtime: Runtime, bundles: Bundles): Promise<RunningApp> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = start(
    command(
      runtime,
      bundles,
      runtime === 'workerd' ? ['--socket-addr', `http=127.0.0.1:${port}`] : ['serve', String(port)],
    ),
  )
  await waitFor(
    async () => {
      try {
        return (await fetch(`${url}/stats`)).ok
      } catch {
        return false
      }
    },
    child,
    `${runtime} serving the app`,
  )
  return { url, stop: () => child.stop() }
}

/** Runs the core conformance suite on `runtime` and returns its report; on Redis when `redisUrl` is given. */
export async function conformance(
  runtime: Runtime,
  bundles: Bundles,
  redisUrl?: string,
): Promise<Report> {
  if (runtime === 'workerd') {
    if (redisUrl !== undefined) throw new Error('workerd has no TCP client for Redis here')
    const app = await serve(runtime, bundles)
    try {
      const response = await fetch(`${app.url}/__conformance`)
      return (await response.json()) as Report
    } finally {
      await app.stop()
    }
  }
  const child = start(
    redisUrl === undefined
      ? command(runtime, bundles, ['conformance'])
      : command(runtime, bundles, [redisUrl], bundles.cliRedis),
  )
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 120_000)
  await child.exited
  clearTimeout(timer)
  const line = child
    .output()
    .split('\n')
    .find((text) => text.startsWith('REPORT '))
  if (line === undefined) {
    throw new Error(
      `${runtime} printed no report (exit ${child.process.exitCode}):\n${child.output()}`,
    )
  }
  return JSON.parse(line.slice('REPORT '.length)) as Report
}
