// Runs `prisma generate` for one package's schema when its generated code is missing or stale
// (older than the schema, the Garner generator's sources or the installed Prisma), so a fresh
// clone needs no manual step. `prisma generate` never runs the schema engine, but Prisma's CLI
// wants one to exist: any executable will do, so it gets this Node binary unless one is set.
//
// Usage: node scripts/prisma-generate.mjs <package dir> <generated dir, relative to it>
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const repository = resolve(fileURLToPath(import.meta.url), '../..')

/** Generates when needed; returns whether it did. */
export function generate(packageDir, generatedDir) {
  const schemaPath = join(packageDir, 'prisma', 'schema.prisma')
  const fingerprintPath = join(packageDir, generatedDir, '.fingerprint')
  const require = createRequire(join(packageDir, 'package.json'))
  const wanted = fingerprint(schemaPath, require)
  if (existsSync(fingerprintPath) && readFileSync(fingerprintPath, 'utf8') === wanted) return false
  const cli = join(resolve(require.resolve('prisma/package.json'), '..'), 'build', 'index.js')
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

// What the generated files depend on: the schema, Garner's generator, Prisma's versions.
function fingerprint(schemaPath, require) {
  const hash = createHash('sha256')
  hash.update(readFileSync(schemaPath))
  const generatorDir = join(repository, 'packages', 'prisma', 'src', 'generator')
  for (const file of readdirSync(generatorDir).sort()) {
    if (file.endsWith('.ts') && !file.endsWith('.test.ts')) {
      hash.update(file).update(readFileSync(join(generatorDir, file)))
    }
  }
  hash.update(readFileSync(join(repository, 'packages', 'prisma', 'src', 'schema.ts')))
  for (const name of ['prisma', '@prisma/client']) {
    hash.update(`${name}@${require(`${name}/package.json`).version}`)
  }
  return hash.digest('hex')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [packageDir, generatedDir] = process.argv.slice(2)
  if (!packageDir || !generatedDir) {
    console.error('usage: node scripts/prisma-generate.mjs <package dir> <generated dir>')
    process.exit(2)
  }
  generate(resolve(packageDir), generatedDir)
}
