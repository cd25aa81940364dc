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
