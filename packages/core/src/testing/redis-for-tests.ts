// The Redis a test run uses: REDIS_URL when it is set, otherwise a redis-server of its own.
import { type RedisServer, respCommand, startRedisServer } from './redis-server.js'

/** A Redis for tests, with `release()` to stop it when the test run started it. */
export interface TestRedis {
  readonly url: string
  /** Sends one command to the server (see {@link RedisServer}). */
  command: RedisServer['command']
  /** Stops the server when this run started it; does nothing for `REDIS_URL`. */
  release(): Promise<void>
}

/**
 * Uses the server at `REDIS_URL` when set (a shared server: tests must use namespaces of their
 * own), otherwise starts a private redis-server on a free port.
 */
export async function redisForTests(): Promise<TestRedis> {
  const shared = process.env.REDIS_URL
  if (shared !== undefined && shared !== '') {
    const url = new URL(shared)
    const port = Number(url.port || 6379)
    return {
      url: shared,
      command: (...args) => respCommand(port, args, url.hostname),
      release: async () => {},
    }
  }
  const server = await startRedisServer()
  return { url: server.url, command: server.command, release: () => server.stop() }
}
