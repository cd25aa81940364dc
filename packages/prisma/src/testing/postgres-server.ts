// A real PostgreSQL server for tests, from Debian's `postgresql` package: initdb into a temporary
// folder, started with pg_ctl on a free loopback port, crashed and restarted on demand, removed
// at the end. initdb and the server refuse to run as root, so as root they run as `postgres`.
import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { chown } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

/** A PostgreSQL server under the test's control. */
export interface PostgresServer {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` (trust authentication, loopback only). */
  readonly url: string
  readonly port: number
  /** The URL of another database on this server. */
  databaseUrl(database: string): string
  /** Runs SQL on a database of this server (default `postgres`) on a fresh connection. */
  query<Row extends object = Record<string, unknown>>(
    sql: string,
    values?: readonly unknown[],
    database?: string,
  ): Promise<Row[]>
  /**
   * Stops the server the way a crash does (`pg_ctl stop -m immediate`): every connection breaks at
   * once, and the next start runs crash recovery. Committed data survives.
   */
  kill(): Promise<void>
  /** Starts the server again on the same port and data folder. */
  restart(): Promise<void>
  /** Stops the server for good and deletes its data folder. */
  stop(): Promise<void>
}

/** Options of {@link startPostgresServer}. */
export interface PostgresServerOptions {
  /** The folder holding `initdb` and `pg_ctl`. Default `$PG_BIN`, else Debian's PostgreSQL 15. */
  readonly binDir?: string
  /** Server settings (`-c name=value`), over the defaults below. */
  readonly settings?: Readonly<Record<string, string | number>>
}

export const DEFAULT_PG_BIN = '/usr/lib/postgresql/15/bin'

// Durability is not what tests check: skipping fsync makes initdb, CREATE DATABASE and commits
// cheap. Crash recovery after kill() still works (the OS keeps the written pages).
const DEFAULT_SETTINGS: Readonly<Record<string, string | number>> = {
  listen_addresses: '127.0.0.1',
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_connections: 300,
  shared_buffers: '32MB',
}

const running = new Set<() => void>()
let exitHookInstalled = false

/**
 * Creates a cluster with initdb in a temporary folder and starts it on a free loopback port.
 * Throws with installation advice when PostgreSQL is missing: tests that need it fail rather
 * than silently skip.
 */
export async function startPostgresServer(
  options: PostgresServerOptions = {},
): Promise<PostgresServer> {
  const binDir = options.binDir ?? process.env.PG_BIN ?? DEFAULT_PG_BIN
  if (!existsSync(join(binDir, 'initdb'))) {
    throw new Error(
      `Cannot start PostgreSQL: ${join(binDir, 'initdb')} does not exist. Install it (Debian: ` +
        'apt-get install -y postgresql) or set PG_BIN to the folder holding initdb and pg_ctl.',
    )
  }
  const asRoot = process.getuid?.() === 0
  const folder = mkdtempSync(join(tmpdir(), 'garner-pg-'))
  if (asRoot) {
    const { uid, gid } = postgresUser()
    await chown(folder, uid, gid)
  }
  const data = join(folder, 'data')
  const log = join(folder, 'server.log')
  const run = (command: string, args: readonly string[]): Promise<SpawnResult> =>
    runCommand(asRoot, join(binDir, command), args)

  const init = await run('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
  ])
  if (init.status !== 0) {
    rmSync(folder, { recursive: true, force: true })
    throw new Error(`initdb failed (${init.status}):\n${init.output}`)
  }

  const settings = { ...DEFAULT_SETTINGS, ...options.settings }
  let port = 0
  const start = async (): Promise<SpawnResult> => {
    const serverOptions = [`-p ${port}`, `-k ${folder}`]
    for (const [name, value] of Object.entries(settings)) serverOptions.push(`-c ${name}=${value}`)
    return run('pg_ctl', [
      '-D',
      data,
      '-l',
      log,
      '-o',
      serverOptions.join(' '),
      '-w',
      '-t',
      '30',
      'start',
    ])
  }
  // Another process may take the free port before the server binds it: try a few.
  for (let attempt = 0; ; attempt++) {
    port = await freePort()
    const started = await start()
    if (started.status === 0) break
    if (attempt === 3) {
      rmSync(folder, { recursive: true, force: true })
      throw new Error(
        `PostgreSQL did not start (${started.status}):\n${started.output}\n${readLog(log)}`,
      )
    }
  }

  let up = true
  const stopSync = () => {
    if (!up) return
    up = false
    spawnSync(
      ...commandLine(asRoot, join(binDir, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']),
    )
  }
  running.add(stopSync)
  installExitHook()
  const stopWith = async (mode: 'immediate' | 'fast'): Promise<void> => {
    if (!up) return
    const stopped = await run('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop'])
    if (stopped.status !== 0) throw new Error(`pg_ctl stop failed:\n${stopped.output}`)
    up = false
  }

  const databaseUrl = (database: string) =>
    `postgresql://postgres@127.0.0.1:${port}/${encodeURIComponent(database)}`
  return {
    url: databaseUrl('postgres'),
    port,
    databaseUrl,
    async query(sql, values = [], database = 'postgres') {
      const client = new pg.Client({ connectionString: databaseUrl(database) })
      await client.connect()
      try {
        return (await client.query(sql, values as unknown[])).rows
      } finally {
        await client.end()
      }
    },
    kill: () => stopWith('immediate'),
    async restart() {
      if (up) throw new Error('PostgreSQL is still running; kill() it first.')
      const started = await start()
      if (started.status !== 0) {
        throw new Error(`PostgreSQL did not restart:\n${started.output}\n${readLog(log)}`)
      }
      up = true
    },
    async stop() {
      await stopWith('fast')
      running.delete(stopSync)
      rmSync(folder, { recursive: true, force: true })
    },
  }
}

interface SpawnResult {
  readonly status: number | null
  readonly output: string
}

function commandLine(
  asRoot: boolean,
  command: string,
  args: readonly string[],
): [string, string[], { stdio: 'ignore' }] {
  return asRoot
    ? ['runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'ignore' }]
    : [command, [...args], { stdio: 'ignore' }]
}

// Asynchronous, so that a test file's other servers and timers keep running meanwhile.
function runCommand(
  asRoot: boolean,
  command: string,
  args: readonly string[],
): Promise<SpawnResult> {
  const [file, argv] = commandLine(asRoot, command, args)
  return new Promise((resolve) => {
    // pg_ctl's server inherits no pipe of ours: it logs to its file, so 'close' comes at once.
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.once('error', (error) => resolve({ status: -1, output: String(error) }))
    child.once('close', (status) => resolve({ status, output }))
  })
}

function postgresUser(): { uid: number; gid: number } {
  const ids = (flag: string): SpawnSyncReturns<string> =>
    spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' })
  const uid = ids('-u')
  const gid = ids('-g')
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      'Running as root, PostgreSQL needs the `postgres` user (the postgresql package creates it).',
    )
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
}

function readLog(log: string): string {
  try {
    return readFileSync(log, 'utf8').slice(-4_000)
  } catch {
    return ''
  }
}

// A test process that ends without stop() (a crash, Ctrl-C) must not leave servers behind.
function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const stop of running) stop()
  })
}

// A free loopback port, as the kernel hands them out.
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port)
        else reject(new Error('no free port'))
      })
    })
  })
}
