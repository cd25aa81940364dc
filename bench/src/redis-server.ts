// The Redis server of the Redis sections: a private redis-server on loopback (started through
// @garner/core's testing kit), registered so that it stops with the bench whatever happens.
import { commandCounts, type RedisServer, startRedisServer } from '@garner/fixtures'
import { track } from './children.js'
import type { Op } from './measure.js'

/** Starts redis-server on a free loopback port; it is stopped by `stopAll()` or on exit. */
export async function startRedis(): Promise<RedisServer> {
  const server = await startRedisServer()
  const untrack = track({
    stop: () => server.stop(),
    killNow: () => {
      // kill() sends SIGKILL synchronously before its first await: enough in an exit handler.
      void server.kill()
    },
  })
  return {
    ...server,
    stop: async () => {
      untrack()
      await server.stop()
    },
  }
}

/** The URL of logical database `db` of the server at `url`: each arm gets its own, so keys never collide. */
export function databaseUrl(url: string, db: number): string {
  return `${url}/${db}`
}

/** Operations per arm behind the command counts of the report. */
export const COMMAND_SAMPLES = 200

/** Redis commands per operation: `count` runs of `op` between a stats reset and a stats read. */
export async function commandsPerOp(
  server: RedisServer,
  op: Op,
  count: number,
): Promise<Record<string, number>> {
  await server.command('CONFIG', 'RESETSTAT')
  for (let index = 0; index < count; index++) await op(0)
  const counts = await commandCounts(server)
  const perOp: Record<string, number> = {}
  for (const [command, calls] of Object.entries(counts)) {
    // The stats reset and read are the harness's own commands.
    if (command.startsWith('config') || command.startsWith('info')) continue
    perOp[command] = calls / count
  }
  return perOp
}

/** `{ mget: 1 }` as `MGET ×1`; several as `MULTI ×1, SET ×2, EXEC ×1`. */
export function formatCommands(perOp: Readonly<Record<string, number>>): string {
  const order = ['multi', 'mget', 'get', 'set', 'exec']
  const entries = Object.entries(perOp).sort(
    ([a], [b]) => rank(order, a) - rank(order, b) || a.localeCompare(b),
  )
  if (entries.length === 0) return 'none'
  return entries
    .map(([command, calls]) => `${command.toUpperCase()} ×${Number(calls.toFixed(2))}`)
    .join(', ')
}

function rank(order: readonly string[], command: string): number {
  const index = order.indexOf(command)
  return index < 0 ? order.length : index
}

/**
 * Round trips per operation as Redis sees them: the reads Redis made from its clients' sockets
 * (`total_reads_processed` in `INFO stats`) while `count` runs of `op` ran, one at a time. A
 * client sends a batch of pipelined commands (a `MULTI`/`EXEC` block, or commands sent together)
 * in one write, which Redis reads at once; a command that waits for the previous one's answer is
 * another read. The second `INFO` is itself one read, taken off.
 */
export async function roundTripsPerOp(server: RedisServer, op: Op, count: number): Promise<number> {
  const before = await socketReads(server)
  for (let index = 0; index < count; index++) await op(0)
  const after = await socketReads(server)
  return (after - before - 1) / count
}

async function socketReads(server: RedisServer): Promise<number> {
  const info = (await server.command('INFO', 'stats')) as string
  const found = /^total_reads_processed:(\d+)/m.exec(info)
  if (found === null) throw new Error('INFO stats has no total_reads_processed (Redis 6 or later)')
  return Number(found[1])
}
