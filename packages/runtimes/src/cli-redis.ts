// The entry Bun and Deno run for the Redis suite: `cli-redis.mjs <redis url>` prints the report.
import { runRedisConformance } from './redis-suite.js'

const runtimes = globalThis as { Bun?: unknown; Deno?: { args: string[] } }
const runtime = runtimes.Bun !== undefined ? 'bun' : runtimes.Deno !== undefined ? 'deno' : 'node'
const url = runtimes.Deno?.args[0] ?? process.argv[2]
if (url === undefined) throw new Error('usage: cli-redis.mjs <redis url>')
const report = await runRedisConformance(runtime, url)
console.log(`REPORT ${JSON.stringify(report)}`)
