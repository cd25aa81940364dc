// Generates the test schema's Prisma Client and Garner schema into src/testing/generated when they
// are missing or stale (older than the schema, the generator's code or the installed Prisma).
// Runs as a script before `typecheck`, and as the tests' vitest globalSetup, so a fresh clone
// needs no manual step. `prisma generate` never runs the schema engine, but Prisma's CLI wants one
// to exist: any executable will do, so it gets this Node binary unless one is configured.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const schemaPath = join(packageDir, 'prisma', 'schema.prisma')
const outputDir = join(packageDir, 'src', 'testing', 'generated')
const fingerprintPath = join(outputDir, '.fingerprint')
const require = createRequire(import.meta.url)

/** Generates when needed; returns whether it did. */
export function generate() {
  const wanted = fingerprint()
  if (existsSync(fingerprintPath) && readFileSync(fingerprintPath, 'utf8') === wanted) return false
  const cli = join(dirname(require.resolve('prisma/package.json')), 'build', 'index.js')
  const run = spawnSync(process.execPath, [cli, 'generate', '--schema', schemaPath], {
    cwd: packageDir,
    encoding: 'utf8',
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
      CHECKPOINT_DISABLE: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    },
  })
  if (run.status !== 0) {
    throw new Error(
      `prisma generate failed (${run.status ?? run.signal}):\n${run.stdout}${run.stderr}`,
    )
  }
  writeFileSync(fingerprintPath, wanted)
  return true
}

/** vitest globalSetup entry. */
export function setup() {
  generate()
}

// What the generated files depend on: the schema, the generator's sources, Prisma's versions.
function fingerprint() {
  const hash = createHash('sha256')
  hash.update(readFileSync(schemaPath))
  const generatorDir = join(packageDir, 'src', 'generator')
  for (const file of readdirSync(generatorDir).sort()) {
    if (file.endsWith('.ts') && !file.endsWith('.test.ts')) {
      hash.update(file).update(readFileSync(join(generatorDir, file)))
    }
  }
  hash.update(readFileSync(join(packageDir, 'src', 'schema.ts')))
  for (const name of ['prisma', '@prisma/client']) {
    hash.update(`${name}@${require(`${name}/package.json`).version}`)
  }
  return hash.digest('hex')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) generate()
