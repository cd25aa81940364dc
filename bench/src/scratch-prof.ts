// scratch: profile Garner cluster hits (3 bindings) vs raw keyv.get; not committed
import { createGarner } from '@garner/core'
import { startRedisCluster } from '@garner/fixtures'
import KeyvRedis, { createCluster } from '@keyv/redis'
import { Keyv } from 'keyv'
const cluster = await startRedisCluster()
const client = createCluster({ rootNodes: [...cluster.rootNodes] })
const keyv = new Keyv(new KeyvRedis(client), { useKeyPrefix: false })
await (keyv.store as KeyvRedis<unknown>).getClient()
const garner = createGarner({ store: keyv, namespace: 'prof' })
await keyv.set('raw', 'x')
const load = async () => ({ a: 1 })
const bind = (w: number) => [['User', w], 'Post', ['Comment', w % 7]] as never
for (let w = 0; w < 10; w++) { await garner.fetch(['k', w], load, { bind: bind(w) }); await garner.fetch(['k', w], load, { bind: bind(w) }) }
const N = Number(process.env.N ?? 4000)
for (let round = 0; round < 3; round++) {
  let t = performance.now()
  for (let i = 0; i < N; i++) await keyv.get('raw')
  const raw = (performance.now() - t) / N
  t = performance.now()
  for (let i = 0; i < N; i++) await garner.fetch(['k', i % 10], load, { bind: bind(i % 10) })
  const g = (performance.now() - t) / N
  console.log(`raw ${(raw * 1000).toFixed(0)} µs, garner ${(g * 1000).toFixed(0)} µs, ratio ${(g / raw).toFixed(2)}`)
}
await client.destroy()
await cluster.stop()
