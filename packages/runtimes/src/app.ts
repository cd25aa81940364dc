// The Hono app every runtime serves: @garner/hono's cacheOr304 on the in-process store, with a
// write that invalidates, a route whose key is long enough to be hashed, and the loader counts.
import { createGarner } from '@garner/core'
import { cacheBust, type GarnerEnv, garnerIdentity } from '@garner/hono'
import { Hono } from 'hono'

/** The Hono app, and how often its loaders ran (the checks read it from `/stats`). */
export function createApp(runtime: string): Hono<GarnerEnv> {
  const garner = createGarner()
  const items = new Map<string, { id: string; name: string; tags: string[] }>([
    ['1', { id: '1', name: 'Sprocket', tags: ['metal', 'ünïcødé ✓', '😀'] }],
    // A longer value: several SHA-256 blocks for the ETag, native or pure depending on the runtime.
    ['2', { id: '2', name: 'Gear ✓ '.repeat(300), tags: ['long'] }],
  ])
  const loads: Record<string, number> = {}
  const count = (name: string): void => {
    loads[name] = (loads[name] ?? 0) + 1
  }

  const app = new Hono<GarnerEnv>()
  app.use(cacheBust())
  app.use(garnerIdentity(garner))
  app.get('/items/:id', (c) => {
    const id = c.req.param('id')
    return c.var.garner.bind(['Item', id]).cacheOr304(() => {
      count(`item:${id}`)
      return items.get(id)
    })
  })
  app.put('/items/:id', async (c) => {
    const id = c.req.param('id')
    const item = { ...(await c.req.json<{ name: string; tags: string[] }>()), id }
    items.set(id, item)
    await garner.invalidate('Item', id)
    return c.json(item)
  })
  // The query makes the request key longer than 200 characters: Garner stores it hashed.
  app.get('/search', (c) =>
    c.var.garner.bind('Item').cacheOr304(() => {
      count('search')
      return { q: c.req.query('q'), results: [...items.values()].map((item) => item.id) }
    }),
  )
  app.get('/stats', (c) => c.json({ runtime, loads }))
  return app
}
