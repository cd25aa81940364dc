// Runs `prisma generate` for one package's schema when its generated code is missing or stale
// (older than the schema, the Garner generator's sources or the installed Prisma), so a fresh
// clone needs no manual step. `prisma generate` never runs the schema engine, but Prisma's CLI
// wants one to exist: any executable will do, so it gets this Node binary unless one is set.
//
// Prisma binds a schema, and the client generated from it, to one datasource provider. The models
// are written once, in prisma/schema.prisma; a folder prisma/<provider>/ (holding that provider's
// migrations) asks for a second client: the same schema with that provider, derived into
// <generated dir>/<provider>/schema.prisma and generated beside it.
//
// Usage: node scripts/prisma-generate.mjs <package dir> <generated dir, relative to it>
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const repository = resolve(fileURLToPath(import.meta.url), '../..')

/** The providers besides the schema's own that a package generates clients for. */
export const VARIANT_PROVIDERS = ['postgresql']

/** Generates the schema's client and its provider variants when needed; returns whether it did. */
export function generate(packageDir, generatedDir) {
  const schemaPath = join(packageDir, 'prisma', 'schema.prisma')
  let generated = generateSchema(packageDir, schemaPath, join(packageDir, generatedDir))
  for (const provider of VARIANT_PROVIDERS) {
    if (!existsSync(join(packageDir, 'prisma', provider))) continue
    const variantDir = join(packageDir, generatedDir, provider)
    mkdirSync(variantDir, { recursive: true })
    const variantPath = join(variantDir, 'schema.prisma')
    const variant = deriveSchema(readFileSync(schemaPath, 'utf8'), provider)
    if (!existsSync(variantPath) || readFileSync(variantPath, 'utf8') !== variant) {
      writeFileSync(variantPath, variant)
    }
    generated = generateSchema(packageDir, variantPath, variantDir) || generated
  }
  return generated
}

/**
 * The schema with another datasource provider, its generators writing beside it (an `output`
 * of `../src/generated/prisma` becomes `./prisma`). Generator commands run from the package
 * folder, so they stay as they are.
 */
export function deriveSchema(schema, provider) {
  const datasource = /(datasource\s+\w+\s*\{[^}]*?provider\s*=\s*)"[^"]*"/
  if (!datasource.test(schema)) throw new Error('the schema has no datasource provider to replace')
  return (
    `// Derived from the package's prisma/schema.prisma by scripts/prisma-generate.mjs: edit that one.\n` +
    schema
      .replace(datasource, `$1"${provider}"`)
      .replace(/(output\s*=\s*)"([^"]*)"/g, (_, key, output) => `${key}"./${basename(output)}"`)
  )
}

function generateSchema(packageDir, schemaPath, outputDir) {
  const fingerprintPath = join(outputDir, '.fingerprint')
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
