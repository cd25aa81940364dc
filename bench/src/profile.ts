// CPU profiles of single arms with `node --cpu-prof`: the evidence behind "where Garner is slower
// and why". Each profile runs in its own child process; only the samples taken while the arm ran
// count (start-up and warm-up are cut away), and the .cpuprofile is kept for DevTools.
import { mkdir, readdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { endChild, firstMessage, forkModule } from './children.js'
import { type ProfileSummary, summarizeProfile } from './cpu-profile.js'
import { armsOf, type HttpArmKind, load, startServer } from './http.js'
import type { Framework } from './http-routes.js'
import type { ProfileWindow } from './profile-target.js'
import type { ScenarioName } from './scenarios.js'

/** Where the .cpuprofile files go (ignored by git). */
export const PROFILE_DIR: string = new URL('../profiles/', import.meta.url).pathname

export interface ArmProfile extends ProfileSummary {
  readonly scenario: ScenarioName | `http-${Framework}`
  readonly arm: string
  /** The .cpuprofile, relative to the repository root. */
  readonly file: string
  /** Operations per second during the profiled window (profiling slows them a little). */
  readonly opsPerSecond: number
}

/** Profiles `arm` of `scenario` for `durationMs`; `url` is the Redis URL for Redis scenarios. */
export async function profileArm(
  scenario: ScenarioName,
  arm: string,
  options: { readonly url?: string; readonly durationMs: number },
): Promise<ArmProfile> {
  const name = `${scenario}--${slug(arm)}`
  await mkdir(PROFILE_DIR, { recursive: true })
  const dir = join(PROFILE_DIR, `.${name}-${process.pid}`)
  await rm(dir, { recursive: true, force: true })
  const child = forkModule(
    new URL('./profile-target.ts', import.meta.url),
    [scenario, arm, options.url ?? '', String(options.durationMs)],
    ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const report = await firstMessage(child, isProfileWindow, options.durationMs + 60_000)
  await exited
  const file = await keep(dir, name)
  const summary = await summarizeProfile(file, { window: report.window })
  const seconds = (report.window[1] - report.window[0]) / 1e6
  return {
    ...summary,
    scenario,
    arm,
    file: relativeFile(name),
    opsPerSecond: report.ops / seconds,
  }
}

/**
 * Profiles an HTTP server child while autocannon loads one of its routes: the samples taken
 * while the load ran, on the server's side.
 */
export async function profileHttp(
  framework: Framework,
  kind: HttpArmKind,
  options: { readonly connections: number; readonly seconds: number },
): Promise<ArmProfile> {
  const name = `http-${framework}--${kind}`
  await mkdir(PROFILE_DIR, { recursive: true })
  const dir = join(PROFILE_DIR, `.${name}-${process.pid}`)
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  const server = await startServer(framework, dir, ['--cpu-prof', `--cpu-prof-dir=${dir}`])
  let window: readonly [number, number]
  let requestsPerSecond: number
  try {
    const arm = (await armsOf(framework, server.origin)).find(
      (candidate) => candidate.kind === kind,
    )
    if (arm === undefined) throw new Error(`no HTTP arm ${kind}`)
    await load(arm, options.connections, 1)
    // process.hrtime is the monotonic clock of every process on the machine, the profile's too.
    const start = Number(process.hrtime.bigint() / 1000n)
    const sample = await load(arm, options.connections, options.seconds)
    window = [start, Number(process.hrtime.bigint() / 1000n)]
    requestsPerSecond = sample.requestsPerSecond
  } finally {
    // The server exits on SIGTERM with process.exit, which writes the profile.
    await endChild(server.child)
  }
  const file = await keep(dir, name)
  const summary = await summarizeProfile(file, { window })
  return {
    ...summary,
    scenario: `http-${framework}`,
    arm: kind,
    file: relativeFile(name),
    opsPerSecond: requestsPerSecond,
  }
}

/** Moves the profile written in `dir` to `<name>.cpuprofile` and removes `dir` (and the rest in it). */
async function keep(dir: string, name: string): Promise<string> {
  const written = (await readdir(dir)).find((entry) => entry.endsWith('.cpuprofile'))
  if (written === undefined) throw new Error(`no CPU profile was written for ${name}`)
  const file = join(PROFILE_DIR, `${name}.cpuprofile`)
  await rm(file, { force: true })
  await rename(join(dir, written), file)
  await rm(dir, { recursive: true, force: true })
  return file
}

function relativeFile(name: string): string {
  return `bench/profiles/${name}.cpuprofile`
}

function isProfileWindow(message: unknown): message is ProfileWindow {
  return typeof message === 'object' && message !== null && 'window' in message
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}
