// A real redis-server for tests: started on a free loopback port, killed, restarted and paused
// on demand, and driven with a minimal RESP client (no dependency on a Redis library).
import { type ChildProcess, spawn } from 'node:child_process'
import { connect, createServer } from 'node:net'

/** A Redis server under the test's control. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  /** Sends one command and returns its reply (errors reject). */
  command(...args: (string | number)[]): Promise<RespReply>
  /** Kills the server with SIGKILL: in-memory data is lost, connections break. */
  kill(): Promise<void>
  /** Starts the server again on the same port (empty: no persistence). */
  restart(): Promise<void>
  /** Stops the server for good. */
  stop(): Promise<void>
}

/** A decoded RESP reply. */
export type RespReply = string | number | null | RespReply[]

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** The redis-server executable. Default `redis-server` on the PATH. */
  readonly binary?: string
}

/**
 * Starts `redis-server` on a free loopback port, without persistence. Throws with installation
 * advice when the binary is missing: tests that need Redis fail rather than silently skip.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = options.binary ?? 'redis-server'
  const port = await freePort()
  let child: ChildProcess | undefined = await launch(binary, port)
  const url = `redis://127.0.0.1:${port}`
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child === undefined) return
    const exited = exitOf(child)
    child.kill(signal)
    await exited
    child = undefined
  }
  return {
    url,
    port,
    command: (...args) => respCommand(port, args),
    async kill() {
      await end('SIGKILL')
    },
    async restart() {
      if (child !== undefined) throw new Error('redis-server is still running; kill() it first.')
      child = await launch(binary, port)
    },
    async stop() {
      await end('SIGTERM')
    },
  }
}

async function launch(binary: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'no',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new Error(
              `Cannot start ${binary}: it is not installed. Install it (Debian: apt-get install -y ` +
                'redis-server) or set REDIS_URL to a server tests may use.',
            )
          : error,
      )
    })
    child.once('exit', (code) => reject(new Error(`${binary} exited with code ${code} on start`)))
  })
  await Promise.race([waitForPing(port), failed])
  child.removeAllListeners('exit')
  failed.catch(() => {})
  return child
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

async function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + 10_000
  for (;;) {
    try {
      if ((await respCommand(port, ['PING'])) === 'PONG') return
    } catch (error) {
      if (Date.now() > deadline) throw error
    }
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** A free TCP port on loopback, as the kernel hands them out. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port)
        else reject(new Error('no port'))
      })
    })
  })
}

/** Sends one command to the Redis server at `host:port` on a fresh connection. */
export function respCommand(
  port: number,
  args: readonly (string | number)[],
  host = '127.0.0.1',
): Promise<RespReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host)
    let buffer = Buffer.alloc(0)
    socket.setTimeout(5_000, () => socket.destroy(new Error('Redis command timed out')))
    socket.on('error', reject)
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk])
      const parsed = parseReply(buffer, 0)
      if (parsed === undefined) return
      socket.end()
      if (parsed.error !== undefined) reject(new Error(parsed.error))
      else resolve(parsed.value)
    })
    let request = `*${args.length}\r\n`
    for (const arg of args) {
      const text = String(arg)
      request += `$${Buffer.byteLength(text)}\r\n${text}\r\n`
    }
    socket.write(request)
  })
}

interface Parsed {
  readonly value: RespReply
  readonly error?: string
  readonly end: number
}

function parseReply(buffer: Buffer, start: number): Parsed | undefined {
  const lineEnd = buffer.indexOf('\r\n', start)
  if (lineEnd < 0) return undefined
  const type = String.fromCharCode(buffer[start]!)
  const line = buffer.toString('utf8', start + 1, lineEnd)
  const next = lineEnd + 2
  switch (type) {
    case '+':
      return { value: line, end: next }
    case '-':
      return { value: null, error: line, end: next }
    case ':':
      return { value: Number(line), end: next }
    case '$': {
      const length = Number(line)
      if (length < 0) return { value: null, end: next }
      if (buffer.length < next + length + 2) return undefined
      return { value: buffer.toString('utf8', next, next + length), end: next + length + 2 }
    }
    case '*': {
      const count = Number(line)
      if (count < 0) return { value: null, end: next }
      const items: RespReply[] = []
      let position = next
      for (let index = 0; index < count; index++) {
        const item = parseReply(buffer, position)
        if (item === undefined) return undefined
        items.push(item.value)
        position = item.end
      }
      return { value: items, end: position }
    }
    default:
      return { value: null, error: `unexpected RESP reply type ${type}`, end: buffer.length }
  }
}

/** Per-command call counts from `INFO commandstats` (`{ mget: 3, set: 1, … }`). */
export async function commandCounts(
  server: Pick<RedisServer, 'command'>,
): Promise<Record<string, number>> {
  const info = (await server.command('INFO', 'commandstats')) as string
  const counts: Record<string, number> = {}
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    counts[match[1]!] = Number(match[2])
  return counts
}
