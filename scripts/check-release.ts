// Release readiness of the @garner/* packages, checked on the tarballs npm would publish:
//   1. build, then `pnpm pack` each package (workspace: ranges become real ranges);
//   2. each tarball holds dist, README.md, LICENSE and package.json, and nothing bundled from
//      node_modules (a size budget);
//   3. publint --strict and @arethetypeswrong/cli on each tarball. attw runs with the esm-only
//      profile: the packages are ESM only on purpose (no CommonJS build), so CommonJS resolution
//      under node10 and node16-from-CJS is not a target (require(esm) covers Node 20.19+);
//   4. the tarballs install with npm into a fresh project outside the workspace, and small
//      programs run there in plain Node (ESM), including a CommonJS require of every package
//      (Node 20.19+ loads ES modules from require), a consumer type-check against the published
//      .d.ts files, Redis through @keyv/redis, and Prisma end to end: `prisma generate` runs the
//      packed garner-prisma generator and a write through the extension invalidates.
import { execFileSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type RedisServer, startRedisServer } from '../packages/fixtures/src/redis-server.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name: string): string => join(root, 'node_modules/.bin', name)
// A tarball larger than this almost certainly bundles a dependency by mistake.
const MAX_UNPACKED_BYTES = 400 * 1024
const { KEEP_RELEASE_CHECK } = process.env

interface Manifest {
  name: string
  version: string
  private?: boolean
  peerDependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  [field: string]: unknown
}

const failures: string[] = []
const started = Date.now()

function step(title: string): void {
  console.log(`\n--- ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
}

function run(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): string {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    })
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string }
    throw new Error(
      `${command} ${args.join(' ')} failed in ${cwd}\n${failed.stdout ?? ''}${failed.stderr ?? failed.message}`,
    )
  }
}

function check(name: string, action: () => void): void {
  try {
    action()
    console.log(`ok   ${name}`)
  } catch (error) {
    failures.push(name)
    console.log(`FAIL ${name}\n${(error as Error).message.replace(/^/gm, '     ')}`)
  }
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest
}

async function main(): Promise<void> {
  const packageDirs = readdirSync(join(root, 'packages'))
    .map((name) => join(root, 'packages', name))
    .filter((dir) => existsSync(join(dir, 'package.json')) && !readManifest(dir).private)
  const work = mkdtempSync(join(tmpdir(), 'garner-release-'))
  const tarballDir = join(work, 'tarballs')
  mkdirSync(tarballDir)

  step('build')
  run(bin('turbo'), ['run', 'build', '--filter=./packages/*', '--output-logs=errors-only'], root)

  step('pack')
  const tarballs = new Map<string, string>() // package name → tarball path
  for (const dir of packageDirs) {
    const manifest = readManifest(dir)
    const before = new Set(readdirSync(tarballDir))
    run('pnpm', ['pack', '--pack-destination', tarballDir], dir)
    const file = readdirSync(tarballDir).find((entry) => !before.has(entry))
    if (file === undefined) throw new Error(`pnpm pack wrote no tarball for ${manifest.name}`)
    tarballs.set(manifest.name, join(tarballDir, file))
    console.log(`${manifest.name}: ${file}`)
  }

  step('tarball contents, publint, attw')
  for (const [name, tarball] of tarballs) {
    check(`${name}: contents`, () => {
      const listing = run('tar', ['-tzvf', tarball], work).trim().split('\n')
      const files = listing.map((line) => line.split(/\s+/).slice(5).join(' '))
      for (const required of ['package/package.json', 'package/README.md', 'package/LICENSE']) {
        if (!files.includes(required)) throw new Error(`${required} is missing`)
      }
      const outside = files.filter(
        (file) => !/^package\/(dist\/|package\.json$|README\.md$|LICENSE$)/.test(file),
      )
      if (outside.length > 0) throw new Error(`unexpected files: ${outside.join(', ')}`)
      const bytes = listing.reduce((sum, line) => sum + Number(line.split(/\s+/)[2] ?? 0), 0)
      if (bytes > MAX_UNPACKED_BYTES) {
        throw new Error(`${bytes} bytes unpacked: is a dependency bundled into dist?`)
      }
      const manifest = JSON.parse(
        run('tar', ['-xOzf', tarball, 'package/package.json'], work),
      ) as Manifest
      if (JSON.stringify(manifest).includes('workspace:')) {
        throw new Error('package.json still has workspace: ranges')
      }
      console.log(`     ${files.length} files, ${(bytes / 1024).toFixed(1)} KiB unpacked`)
    })
    check(`${name}: publint --strict`, () => {
      run(bin('publint'), ['run', tarball, '--strict'], work)
    })
    check(`${name}: attw --profile esm-only`, () => {
      run(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'table-flipped'], work)
    })
  }

  step('npm install of the tarballs in a fresh project')
  const app = join(work, 'app')
  mkdirSync(app)
  writeFileSync(
    join(app, 'package.json'),
    `${JSON.stringify({ name: 'garner-release-check', private: true, type: 'module' }, null, 2)}\n`,
  )
  // The versions the workspace tests with: the adapters' and extension's own dev dependencies.
  const devRange = (pkg: string, dep: string): string => {
    const range = readManifest(join(root, 'packages', pkg)).devDependencies?.[dep]
    if (range === undefined) throw new Error(`packages/${pkg} has no devDependency ${dep}`)
    return `${dep}@${range}`
  }
  const dependencies = [
    devRange('express', 'express'),
    devRange('express', '@types/express'),
    devRange('hono', 'hono'),
    devRange('fastify', 'fastify'),
    devRange('core', 'keyv'),
    devRange('core', '@keyv/redis'),
    devRange('prisma', '@prisma/client'),
    devRange('prisma', '@prisma/adapter-libsql'),
    devRange('prisma', 'prisma'),
    devRange('testing', 'vitest'),
    devRange('testing', 'fast-check'),
    devRange('otel', '@opentelemetry/api'),
    devRange('otel', '@opentelemetry/sdk-metrics'),
    '@types/node@^20.19.0',
  ]
  // Install scripts stay off: Prisma's would download engines, which `prisma generate` does not
  // need. Nothing of ours has one.
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
      ...tarballs.values(),
      ...dependencies,
    ],
    app,
  )
  console.log(`installed ${[...tarballs.keys()].join(', ')} with ${dependencies.join(', ')}`)

  writeSmokeFiles(app)
  let redis: RedisServer | undefined
  try {
    step('run the examples in the fresh project')
    check('ESM: @garner/core', () => console.log(indent(run('node', ['core.mjs'], app))))
    check('ESM: @garner/express (a listening server, 200 then 304)', () =>
      console.log(indent(run('node', ['express.mjs'], app))),
    )
    check('ESM: @garner/hono (200 then 304)', () =>
      console.log(indent(run('node', ['hono.mjs'], app))),
    )
    check('ESM: @garner/fastify (a listening server, 200, HEAD, then 304)', () =>
      console.log(indent(run('node', ['fastify.mjs'], app))),
    )
    check('ESM: @garner/otel (metrics read back through the SDK)', () =>
      console.log(indent(run('node', ['otel.mjs'], app))),
    )
    check('ESM: @garner/cdn (a purge on invalidate, surrogate keys on a public response)', () =>
      console.log(indent(run('node', ['cdn.mjs'], app))),
    )
    check('CommonJS: require() of every package (require(esm), Node 20.19+)', () =>
      console.log(indent(run('node', ['--no-warnings', 'require.cjs'], app))),
    )
    redis = await startRedisServer().catch(() => undefined)
    if (redis === undefined) {
      failures.push('redis-server')
      console.log('FAIL redis-server could not be started: apt-get install -y redis-server')
    } else {
      const url = redis.url
      check('ESM: @garner/core on Redis through @keyv/redis', () =>
        console.log(indent(run('node', ['redis.mjs'], app, { REDIS_URL: url }))),
      )
    }
    check('Prisma: prisma generate with the packed garner-prisma generator', () => {
      const cli = join(app, 'node_modules/prisma/build/index.js')
      run('node', [cli, 'generate', '--schema', 'prisma/schema.prisma'], app, {
        // `prisma generate` never runs the schema engine, but the CLI wants one to exist.
        PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        CHECKPOINT_DISABLE: '1',
        PATH: `${join(app, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
      })
      if (!existsSync(join(app, 'generated/garner/schema.js'))) {
        throw new Error('the garner generator wrote no generated/garner/schema.js')
      }
    })
    // The client that prisma-client generates is TypeScript: tsx runs it, as an app would.
    check('Prisma: a write through the extension invalidates', () =>
      console.log(indent(run(bin('tsx'), ['prisma.ts'], app))),
    )
    check('types: the published .d.ts files type-check in a consumer project', () => {
      run('node', [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app)
    })
  } finally {
    await redis?.stop()
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  if (KEEP_RELEASE_CHECK === undefined) rmSync(work, { recursive: true, force: true })
  else console.log(`kept ${work}`)
  console.log(
    `\nrelease check: ${tarballs.size} packages packed, checked by publint and attw, installed ` +
      `from their tarballs and run, in ${seconds} s`,
  )
  if (failures.length > 0) {
    console.log(`failed: ${failures.join('; ')}`)
    process.exit(1)
  }
}

function indent(text: string): string {
  return text.trimEnd().replace(/^/gm, '     ')
}

/** The programs that run in the fresh project: what a user of each package would write. */
function writeSmokeFiles(app: string): void {
  const files: Record<string, string> = {
    'core.mjs': `
import assert from 'node:assert/strict'
import { createGarner, isGarnerError } from '@garner/core'

const garner = createGarner()
let loads = 0
const load = async () => {
  loads++
  return { id: 7, at: new Date(0) }
}
const first = await garner.bind(['Widget', 7]).key(['widget', 7]).entry(load)
const second = await garner.bind(['Widget', 7]).key(['widget', 7]).entry(load)
assert.equal(loads, 1)
assert.equal(second.hit, true)
assert.equal(second.etag, first.etag)
assert.ok(second.value.at instanceof Date)
await garner.invalidate('Widget')
await garner.bind(['Widget', 7]).key(['widget', 7]).fetch(load)
assert.equal(loads, 2)
await assert.rejects(garner.bind('Widget').fetch(load), (error) => isGarnerError(error, 'GARNER_EMPTY_KEY'))
console.log('core: miss, hit, invalidation, ETag', first.etag)
`,
    'express.mjs': `
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createGarner } from '@garner/core'
import { cacheBust, garnerIdentity } from '@garner/express'
import express from 'express'

const garner = createGarner()
const app = express()
app.use(cacheBust())
app.use(garnerIdentity(garner))
let loads = 0
app.get('/users/:id', async (req) => {
  await req.garner.bind(['User', req.params.id]).cacheOr304(async () => {
    loads++
    return { id: req.params.id }
  })
})
app.get('/plain', (_req, res) => res.json({ ok: true }))
const server = app.listen(0, '127.0.0.1')
await once(server, 'listening')
const base = 'http://127.0.0.1:' + server.address().port
try {
  const first = await fetch(base + '/users/1')
  assert.equal(first.status, 200)
  assert.deepEqual(await first.json(), { id: '1' })
  const etag = first.headers.get('etag')
  const second = await fetch(base + '/users/1', { headers: { 'If-None-Match': etag } })
  assert.equal(second.status, 304)
  assert.equal(loads, 1)
  const plain = await fetch(base + '/plain')
  assert.equal(plain.headers.get('expires'), 'Fri, 01 Jan 1990 00:00:00 GMT')
  console.log('express: 200', etag, 'then 304; cacheBust on other routes')
} finally {
  server.close()
}
`,
    'hono.mjs': `
import assert from 'node:assert/strict'
import { createGarner } from '@garner/core'
import { garnerIdentity } from '@garner/hono'
import { Hono } from 'hono'

const garner = createGarner()
const app = new Hono()
app.use(garnerIdentity(garner))
let loads = 0
app.get('/users/:id', (c) =>
  c.var.garner.bind(['User', c.req.param('id')]).cacheOr304(async () => {
    loads++
    return { id: c.req.param('id') }
  }),
)
const first = await app.request('/users/1')
assert.equal(first.status, 200)
const etag = first.headers.get('etag')
const second = await app.request('/users/1', { headers: { 'If-None-Match': etag } })
assert.equal(second.status, 304)
assert.equal(loads, 1)
console.log('hono: 200', etag, 'then 304')
`,
    'fastify.mjs': `
import assert from 'node:assert/strict'
import { createGarner } from '@garner/core'
import { cacheBust, garnerIdentity } from '@garner/fastify'
import Fastify from 'fastify'

const app = Fastify()
await app.register(cacheBust)
await app.register(garnerIdentity, { garner: createGarner() })
let loads = 0
app.get('/users/:id', (request) =>
  request.garner.bind(['User', request.params.id]).cacheOr304(async () => {
    loads++
    return { id: request.params.id }
  }),
)
app.get('/plain', () => ({ ok: true }))
const base = await app.listen({ port: 0, host: '127.0.0.1' })
try {
  const first = await fetch(base + '/users/1')
  assert.equal(first.status, 200)
  const body = await first.text()
  assert.deepEqual(JSON.parse(body), { id: '1' })
  const etag = first.headers.get('etag')
  const head = await fetch(base + '/users/1', { method: 'HEAD' })
  assert.equal(head.headers.get('content-length'), String(Buffer.byteLength(body)))
  const second = await fetch(base + '/users/1', { headers: { 'If-None-Match': etag } })
  assert.equal(second.status, 304)
  assert.equal(loads, 1)
  const plain = await fetch(base + '/plain')
  assert.equal(plain.headers.get('expires'), 'Fri, 01 Jan 1990 00:00:00 GMT')
  console.log('fastify: 200', etag, 'HEAD, then 304; cacheBust on other routes')
} finally {
  await app.close()
}
`,
    'redis.mjs': `
import assert from 'node:assert/strict'
import { createGarner } from '@garner/core'
import { createKeyv } from '@keyv/redis'

const keyvA = createKeyv(process.env.REDIS_URL)
const keyvB = createKeyv(process.env.REDIS_URL)
const namespace = 'release-' + process.pid
const a = createGarner({ store: keyvA, namespace })
const b = createGarner({ store: keyvB, namespace })
const errors = []
a.on('error', (event) => errors.push(event))
b.on('error', (event) => errors.push(event))
let loads = 0
const load = async () => ({ loads: ++loads })
await a.fetch('k', load, { bind: ['User', 1] })
assert.deepEqual(await b.fetch('k', load, { bind: ['User', 1] }), { loads: 1 })
await b.invalidate('User', 1)
assert.deepEqual(await a.fetch('k', load, { bind: ['User', 1] }), { loads: 2 })
assert.deepEqual(errors, [])
await keyvA.disconnect()
await keyvB.disconnect()
console.log('redis: shared entry, invalidation seen by the other instance')
`,
    'otel.mjs': `
import assert from 'node:assert/strict'
import { createGarner } from '@garner/core'
import { instrumentGarner, METRICS } from '@garner/otel'
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'

const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })
const meterProvider = new MeterProvider({ readers: [reader] })
const garner = createGarner()
const stop = instrumentGarner(garner, { meterProvider, traces: false })
await garner.fetch('k', async () => 1, { bind: ['User', 1] })
await garner.fetch('k', async () => 1, { bind: ['User', 1] })
await garner.invalidate('User', 1)
await reader.forceFlush()
const metrics = exporter.getMetrics().flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics))
const value = (name, attribute, expected) =>
  metrics.find((metric) => metric.descriptor.name === name)
    .dataPoints.find((point) => attribute === undefined || Object.values(point.attributes).includes(expected)).value
assert.equal(value(METRICS.hits, 'garner.tier', 'store'), 1)
assert.equal(value(METRICS.misses, 'garner.miss.reason', 'absent'), 1)
assert.equal(value(METRICS.invalidations, 'garner.model', 'User'), 1)
assert.equal(value(METRICS.loaderDuration).count, 1)
assert.deepEqual(garner.stats().missesByReason, { absent: 1, stale: 0, unavailable: 0 })
stop()
await meterProvider.shutdown()
console.log('otel: hits, misses, invalidations and loader durations through the SDK')
`,
    'cdn.mjs': `
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { createGarner } from '@garner/core'
import { cloudflarePurger, fastlyPurger, varnishPurger } from '@garner/cdn'
const seen = []
const server = createServer((req, res) => {
  let body = ''
  req.on('data', (chunk) => { body += chunk })
  req.on('end', () => {
    seen.push({ method: req.method, url: req.url, body, xkey: req.headers['xkey-purge'] })
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(req.url.includes('zones') ? '{"success":true}' : '{}')
  })
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const url = 'http://127.0.0.1:' + server.address().port
const garner = createGarner({
  purgers: [
    varnishPurger({ url }),
    fastlyPurger({ serviceId: 's', token: 't', endpoint: url }),
    cloudflarePurger({ zoneId: 'z', token: 't', endpoint: url }),
  ],
})
await garner.invalidate('User', 42)
assert.equal(seen.length, 3)
assert.deepEqual(seen.find((r) => r.method === 'PURGE').xkey, 'User:42 User')
assert.deepEqual(JSON.parse(seen.find((r) => r.url === '/service/s/purge').body), { surrogate_keys: ['User:42', 'User'] })
assert.deepEqual(JSON.parse(seen.find((r) => r.url === '/zones/z/purge_cache').body), { tags: ['User:42', 'User'] })
const request = { method: 'GET', path: '/users/42', query: '', header: () => undefined }
const result = await garner.identity({ request }).options({ public: true }).bind(['User', 42]).respond(() => ({ id: 42 }))
assert.equal(result.headers.xkey, 'User:42 User:*')
assert.equal(result.headers['Surrogate-Key'], 'User:42 User:*')
assert.equal(result.headers['Cache-Tag'], 'User:42,User:*')
server.close()
console.log('cdn: purged on three purgers; public response tagged', result.headers.xkey)
`,
    'require.cjs': `
const assert = require('node:assert/strict')
const core = require('@garner/core')
const express = require('@garner/express')
const hono = require('@garner/hono')
const fastify = require('@garner/fastify')
const prisma = require('@garner/prisma')
const otel = require('@garner/otel')
const cdn = require('@garner/cdn')
assert.equal(typeof core.createGarner, 'function')
assert.equal(typeof cdn.fastlyPurger, 'function')
assert.equal(typeof express.garnerIdentity, 'function')
assert.equal(typeof hono.garnerIdentity, 'function')
assert.equal(typeof fastify.garnerIdentity, 'function')
assert.equal(typeof prisma.garnerExtension, 'function')
assert.equal(typeof otel.instrumentGarner, 'function')
console.log('require(): ' + process.version + ' loads the ES modules of every package')
`,
    'prisma/schema.prisma': `
generator client {
  provider = "prisma-client"
  output   = "../generated/prisma"
}

generator garner {
  provider = "garner-prisma"
  output   = "../generated/garner"
}

datasource db {
  provider = "sqlite"
}

model User {
  id    Int    @id @default(autoincrement())
  name  String
  posts Post[]
}

model Post {
  id       Int    @id @default(autoincrement())
  title    String
  authorId Int
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
}
`,
    'prisma.ts': `
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { createGarner } from '@garner/core'
import { binding, garnerExtension } from '@garner/prisma'
import { PrismaLibSql } from '@prisma/adapter-libsql'
import { garnerSchema } from './generated/garner/schema.js'
import { PrismaClient } from './generated/prisma/client.js'

rmSync('smoke.db', { force: true })
const base = new PrismaClient({ adapter: new PrismaLibSql({ url: 'file:./smoke.db' }) })
await base.$executeRawUnsafe('CREATE TABLE "User" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "name" TEXT NOT NULL)')
await base.$executeRawUnsafe('CREATE TABLE "Post" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "title" TEXT NOT NULL, "authorId" INTEGER NOT NULL REFERENCES "User" ("id") ON DELETE CASCADE)')

const garner = createGarner()
const invalidated: string[] = []
garner.on('invalidate', ({ model, id }) => invalidated.push(id === undefined ? model : model + ' ' + id))
const prisma = base.$extends(garnerExtension(garner, { schema: garnerSchema }))

let loads = 0
const read = (id: number) =>
  garner
    .bind([binding(prisma.user, id), binding(prisma.post)])
    .key(['user-with-posts', id])
    .fetch(() => {
      loads++
      return prisma.user.findUnique({ where: { id }, include: { posts: true } })
    })

const ada = await prisma.user.create({ data: { name: 'Ada', posts: { create: { title: 'Notes' } } } })
await read(ada.id)
await read(ada.id)
assert.equal(loads, 1)
await prisma.user.update({ where: { id: ada.id }, data: { name: 'Ada L.' } })
assert.equal((await read(ada.id))?.name, 'Ada L.')
assert.equal(loads, 2)
await prisma.user.delete({ where: { id: ada.id } })
assert.equal(await read(ada.id), null)
await base.$disconnect()
console.log('prisma: generated schema models', Object.keys(garnerSchema.models).join(', ') + '; invalidated', invalidated.join(' | '))
`,
    'types.ts': `
import { createGarner, type Entry, type KeyStrategy, DEFAULT_KEY_STRATEGIES } from '@garner/core'
import { describeGarnerConformance } from '@garner/testing'
import { garnerIdentity as expressIdentity } from '@garner/express'
import { instrumentGarner, type InstrumentGarnerOptions } from '@garner/otel'
import { garnerIdentity as fastifyIdentity } from '@garner/fastify'
import { type GarnerEnv, garnerIdentity as honoIdentity } from '@garner/hono'
import { garnerExtension, type RawWrites } from '@garner/prisma'
import { type FastlyPurgerOptions, fastlyPurger, varnishPurger } from '@garner/cdn'
import express from 'express'
import Fastify, { type FastifyReply } from 'fastify'
import { Hono } from 'hono'

const role: KeyStrategy = { name: 'role', identifiesCaller: true, apply: (key, context) => ({ ...key, role: String(context.role) }) }
const garner = createGarner({ keyStrategies: [...DEFAULT_KEY_STRATEGIES, role] })
const entry: Promise<Entry<{ id: number }>> = garner.key('k').entry(async () => ({ id: 1 }))
const app = express()
app.use(expressIdentity(garner))
app.get('/', async (req) => {
  await req.garner.cacheOr304(async () => ({ ok: true }))
})
const hono = new Hono<GarnerEnv>()
hono.use(honoIdentity(garner))
hono.get('/', (c) => c.var.garner.cacheOr304(async () => ({ ok: true })))
const fastify = Fastify()
await fastify.register(fastifyIdentity, { garner })
fastify.get<{ Params: { id: string } }>('/:id', (request): Promise<FastifyReply> =>
  request.garner.bind(['User', request.params.id]).cacheOr304(async () => ({ ok: true })),
)
const raw: RawWrites<'User'> = ['User']
const fastlyOptions: FastlyPurgerOptions = { serviceId: 's', token: 't' }
const edge = createGarner({ purgers: [varnishPurger({ url: 'http://127.0.0.1:6081' }), fastlyPurger(fastlyOptions)] })
const otelOptions: InstrumentGarnerOptions = { traces: false }
const uninstrument: () => void = instrumentGarner(garner, otelOptions)
export { edge, entry, garnerExtension, raw, describeGarnerConformance, uninstrument }
`,
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
        },
        files: ['types.ts'],
      },
      null,
      2,
    )}\n`,
  }
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(app, name)), { recursive: true })
    writeFileSync(join(app, name), `${text.trimStart()}`)
  }
}

await main()
