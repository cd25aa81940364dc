// `pnpm demo:edge`: the demo behind a real Varnish (Debian's varnish and varnish-modules for xkey),
// with the VCL in varnish/default.vcl. Public routes are answered by Varnish; every write purges
// what it touched by surrogate key before the PATCH returns.
import { fileURLToPath } from 'node:url'
import { startVarnish } from '@garner/fixtures'
import { readConfig } from '../src/config.js'
import { startDemo } from '../src/server.js'

const edgePort = Number(process.env.EDGE_PORT ?? 6081)
const config = { ...readConfig(), varnishUrl: `http://127.0.0.1:${edgePort}` }
const demo = await startDemo(config)
const varnish = await startVarnish({
  vcl: fileURLToPath(new URL('../varnish/default.vcl', import.meta.url)),
  backend: { port: Number(new URL(demo.url).port) },
  port: edgePort,
})
console.log(`Garner demo at ${demo.url}, behind Varnish at ${varnish.url}

Try (X-Cache says whether Varnish answered):
  curl -si ${varnish.url}/users | grep -iE 'x-cache|cache-control|etag'
  curl -si ${varnish.url}/users | grep -iE 'x-cache|age'
  curl -s -X PATCH ${varnish.url}/users/2 -H 'Content-Type: application/json' -d '{"name":"Grace B. Hopper"}'
  curl -si ${varnish.url}/users | grep -iE 'x-cache'     # MISS: the write purged it
`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    Promise.all([varnish.stop(), demo.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
