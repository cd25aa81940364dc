// What the report says about where it ran: the machine, its load, and the versions under test.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import type { RedisServer } from '@garner/fixtures'

export interface Machine {
  readonly cpu: string
  readonly cores: number
  readonly memoryGiB: number
  readonly os: string
  readonly node: string
  /** 1-minute load average when the bench started: other work on the machine skews figures. */
  readonly loadAtStart: number
}

export function describeMachine(): Machine {
  const cpus = os.cpus()
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAtStart: os.loadavg()[0] ?? 0,
  }
}

/** The packages compared, as installed in bench/node_modules. */
export const PACKAGES = [
  '@garner/core',
  '@garner/express',
  '@garner/hono',
  'keyv',
  '@keyv/redis',
  'cache-manager',
  'cacheable',
  'bentocache',
  '@epic-web/cachified',
  'express',
  'hono',
  '@hono/node-server',
  'apicache',
  'autocannon',
] as const

export function packageVersions(): Record<string, string> {
  const versions: Record<string, string> = {}
  for (const name of PACKAGES) {
    try {
      const manifest = new URL(`../node_modules/${name}/package.json`, import.meta.url)
      versions[name] = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
    } catch {
      versions[name] = 'not installed'
    }
  }
  return versions
}

/** The commit under test, marked when the working tree has uncommitted changes. */
export function commitUnderTest(): string {
  try {
    const git = (...args: string[]): string =>
      execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const commit = git('rev-parse', '--short', 'HEAD')
    // --no-optional-locks: status must not refresh the index while others work in this tree.
    return git('--no-optional-locks', 'status', '--porcelain').length > 0
      ? `${commit} (with uncommitted changes)`
      : commit
  } catch {
    return 'unknown'
  }
}

export async function redisVersion(server: RedisServer): Promise<string> {
  const info = String(await server.command('INFO', 'server'))
  return /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? 'unknown'
}
