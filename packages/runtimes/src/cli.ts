// The entry Bun and Deno run: `conformance` prints the suite's report as JSON, `serve <port>`
// serves the Hono app on 127.0.0.1 with the runtime's own HTTP server.
import { createApp } from './app.js'
import { runConformance } from './suite.js'

interface BunRuntime {
  serve(options: { port: number; hostname: string; fetch: (request: Request) => unknown }): unknown
}
interface DenoRuntime {
  args: string[]
  serve(
    options: { port: number; hostname: string; onListen?: () => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown
}

const runtimes = globalThis as { Bun?: BunRuntime; Deno?: DenoRuntime }
const runtime = runtimes.Bun !== undefined ? 'bun' : runtimes.Deno !== undefined ? 'deno' : 'node'
const args =
  runtimes.Deno?.args ?? (globalThis as { process?: { argv: string[] } }).process?.argv.slice(2)
const [mode, port] = args ?? []

if (mode === 'conformance') {
  const report = await runConformance(runtime)
  console.log(`REPORT ${JSON.stringify(report)}`)
} else if (mode === 'serve') {
  const app = createApp(runtime)
  const options = { port: Number(port), hostname: '127.0.0.1' }
  if (runtimes.Bun !== undefined) {
    runtimes.Bun.serve({ ...options, fetch: app.fetch })
    console.log('LISTENING')
  } else if (runtimes.Deno !== undefined) {
    runtimes.Deno.serve({ ...options, onListen: () => console.log('LISTENING') }, app.fetch)
  } else throw new Error(`serve: no HTTP server for ${runtime}`)
} else throw new Error(`usage: cli.mjs conformance | serve <port> (got ${String(mode)})`)
