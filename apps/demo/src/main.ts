// `pnpm demo`: starts the demo API with the settings from the environment and says how to use it.
import { FRAMEWORKS } from './apps/index.js'
import { type DemoConfig, readConfig } from './config.js'
import { startDemo } from './server.js'

const config = (() => {
  try {
    return readConfig()
  } catch (error) {
    console.error(`garner demo: ${(error as Error).message}`)
    process.exit(2)
  }
})()

const demo = await startDemo(config)
const store =
  config.redisCluster !== undefined
    ? `redis cluster (${config.redisCluster.join(', ')})`
    : config.redisUrl === undefined
      ? 'memory (in process)'
      : `redis (${config.redisUrl})`
console.log(`Garner demo listening on ${demo.url}
  framework: ${config.framework}   (DEMO_FRAMEWORK=${FRAMEWORKS.join('|')})
  cache store: ${store}   (set REDIS_URL to use Redis, REDIS_CLUSTER for a cluster)
  database: ${describeDatabase(config)}${demo.database.created ? ' (created and seeded)' : ''}   (DATABASE_URL=file:…|postgresql://…)

Try:
  curl -i ${demo.url}/users/1 -H 'Authorization: Bearer 1'
  curl -i ${demo.url}/users/1 -H 'Authorization: Bearer 1' -H 'If-None-Match: "<the ETag above>"'
`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    demo.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}

// The PostgreSQL URL without its password.
function describeDatabase({ database }: DemoConfig): string {
  if (database.kind === 'sqlite') return `SQLite ${database.file}`
  const url = new URL(database.url)
  url.password = ''
  return `PostgreSQL ${url.href}`
}
