// The demo behind a real Varnish for the edge suite and the edge benchmark: a fresh demo whose
// Garner purges Varnish, a counting pass-through between Varnish and the demo (so a test knows
// whether the origin was asked), and varnishd with the demo's VCL.
import { createServer, request as httpRequest, type Server } from 'node:http'
import { fileURLToPath } from 'node:url'
import { startVarnish, type VarnishServer } from '@garner/fixtures'
import type { Framework } from '../src/config.js'
import { startTestDemo, type TestDemo } from './test-demo.js'

/** A demo with Varnish in front of it. */
export interface EdgeDemo {
  /** Varnish: what clients talk to. */
  readonly url: string
  /** The demo itself, bypassing Varnish. */
  readonly originUrl: string
  readonly demo: TestDemo
  readonly varnish: VarnishServer
  /** Requests that reached the origin through Varnish, by method and path (`GET /users`). */
  originRequests(key: string): number
  close(): Promise<void>
}

export const DEMO_VCL: string = fileURLToPath(new URL('../varnish/default.vcl', import.meta.url))

export async function startEdgeDemo(framework: Framework = 'hono'): Promise<EdgeDemo> {
  // Varnish first (its backend is the counting pass-through, which learns the demo's address
  // later), so that the purges of the demo's first writes (the seed) reach a running Varnish.
  const counts = new Map<string, number>()
  let origin: URL | undefined
  const proxy: Server = createServer((req, res) => {
    const key = `${req.method} ${req.url}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
    if (origin === undefined) {
      res.writeHead(503).end()
      return
    }
    const forward = httpRequest(
      {
        host: origin.hostname,
        port: origin.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    forward.on('error', () => res.writeHead(502).end())
    req.pipe(forward)
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  const closeProxy = () =>
    new Promise<void>((resolve) => {
      proxy.closeAllConnections()
      proxy.close(() => resolve())
    })
  const proxyPort = (proxy.address() as { port: number }).port
  let varnish: VarnishServer
  try {
    varnish = await startVarnish({ vcl: DEMO_VCL, backend: { port: proxyPort } })
  } catch (error) {
    await closeProxy()
    throw error
  }
  let demo: TestDemo
  try {
    demo = await startTestDemo(framework, 'memory', { varnishUrl: varnish.url })
  } catch (error) {
    await varnish.stop()
    await closeProxy()
    throw error
  }
  origin = new URL(demo.url)
  return {
    url: varnish.url,
    originUrl: demo.url,
    demo,
    varnish,
    originRequests: (key) => counts.get(key) ?? 0,
    async close() {
      await varnish.stop()
      await closeProxy()
      await demo.close()
    },
  }
}
