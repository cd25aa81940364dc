// Bundles the runtime entries with esbuild into plain ES modules that any runtime loads: the
// packages from their TypeScript sources (the @garner/source condition), and `vitest` replaced
// by the runner-neutral harness.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type BuildOptions, build } from 'esbuild'

const here = fileURLToPath(new URL('.', import.meta.url))

/** The files a run needs, in `dir`. */
export interface Bundles {
  /** The entry Bun and Deno run (`conformance`, `serve <port>`). */
  readonly cli: string
  /** The Redis suite for Bun and Deno (`<redis url>`), bundled for their Node compatibility. */
  readonly cliRedis: string
  /** workerd's config, which embeds the Workers module next to it. */
  readonly workerdConfig: string
}

/** The oldest Workers compatibility date the checks run under. */
export const COMPATIBILITY_DATE = '2025-11-01'

export async function bundle(dir: string): Promise<Bundles> {
  const common: BuildOptions = {
    bundle: true,
    format: 'esm',
    // Neutral: nothing of Node is assumed; the Workers and browser conditions pick the
    // runtime-neutral build of a dependency where it has one.
    platform: 'neutral',
    target: 'es2022',
    conditions: ['@garner/source', 'workerd', 'worker', 'browser', 'import'],
    mainFields: ['module', 'main'],
    alias: { vitest: join(here, 'harness.ts') },
    logLevel: 'error',
  }
  await build({ ...common, entryPoints: [join(here, 'cli.ts')], outfile: join(dir, 'cli.mjs') })
  await build({
    ...common,
    entryPoints: [join(here, 'worker.ts')],
    outfile: join(dir, 'worker.mjs'),
  })
  // @keyv/redis talks TCP through node:net: Bun and Deno provide it, Workers do not.
  await build({
    ...common,
    platform: 'node',
    conditions: ['@garner/source', 'import'],
    mainFields: ['module', 'main'],
    entryPoints: [join(here, 'cli-redis.ts')],
    outfile: join(dir, 'cli-redis.mjs'),
    // Some dependencies are CommonJS and require Node built-ins.
    banner: {
      js: "import { createRequire as garnerRequire } from 'node:module'; const require = garnerRequire(import.meta.url);",
    },
  })
  const workerdConfig = join(dir, 'config.capnp')
  writeFileSync(
    workerdConfig,
    `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed "worker.mjs")],
  compatibilityDate = "${COMPATIBILITY_DATE}",
);
`,
  )
  return { cli: join(dir, 'cli.mjs'), cliRedis: join(dir, 'cli-redis.mjs'), workerdConfig }
}
