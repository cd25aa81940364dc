// The demo's apps by their DEMO_FRAMEWORK name. Adding a framework: one app file in this folder
// (routes in that framework's idiom, served by a ServeApp) and one line here.
import type { ServeApp } from './app.js'
import { serveExpress } from './express.js'
import { serveFastify } from './fastify.js'
import { serveHono } from './hono.js'

export const APPS = {
  hono: serveHono,
  express: serveExpress,
  fastify: serveFastify,
} as const satisfies Record<string, ServeApp>

/** Which framework serves the demo. */
export type Framework = keyof typeof APPS

/** Every framework the demo runs on, in the order they are listed above. */
export const FRAMEWORKS = Object.keys(APPS) as readonly Framework[]
