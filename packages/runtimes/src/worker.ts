// The Workers module workerd runs: the Hono app, and `/__conformance`, which runs the core
// conformance suite inside the request and answers its report.
import { createApp } from './app.js'
import { runConformance } from './suite.js'

const app = createApp('workerd')

export default {
  async fetch(request: Request): Promise<Response> {
    if (new URL(request.url).pathname === '/__conformance') {
      return Response.json(await runConformance('workerd'))
    }
    return app.fetch(request)
  },
}
