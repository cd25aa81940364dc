// Type-checks every ```ts example in README.md, packages/*/README.md and docs/**/*.md, so that
// no example in the docs can rot. Each block becomes a module in .doc-examples/ (gitignored), one
// folder per page, and one tsc run checks them all against the packages' sources (the
// @garner/source condition).
//
// The examples of the guide, concept and recipe pages are also run (with tsx, against a
// redis-server of their own, or REDIS_URL when it is set) and must exit with status 0.
//
// Marking a block, on the line right before its fence:
//   <!-- example: file=db.ts -->            names the file, so other blocks of the page can
//                                          import it ('./db.js')
//   <!-- example: no-check (the reason) --> skips a block that is deliberately partial
//   <!-- example: no-run (the reason) -->   type-checks a block without running it
// A fence info string with `no-check` (```ts no-check) skips a block too.
// Blocks import './generated/prisma/client.js' and './generated/garner/schema.js' as a Prisma app
// would: they resolve to the client and schema generated for @garner/prisma's test schema.
import { spawn, spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type RedisServer, startRedisServer } from '../packages/fixtures/src/redis-server.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const outDir = join(root, '.doc-examples')
const TS_LANGS = new Set(['ts', 'typescript'])
// Pages whose examples are complete programs, run as well as type-checked.
const RUN_PAGES = /^docs\/(index\.md|coming-from-ruby\.md|guide\/|concepts\/|recipes\/)/
const RUN_TIMEOUT = 30_000

interface Example {
  readonly page: string
  /** 1-based line of the first line of code in the page. */
  readonly line: number
  readonly file: string
  readonly code: string
  readonly run: boolean
}

interface Skipped {
  readonly page: string
  readonly line: number
  readonly reason: string
}

function markdownPages(): string[] {
  const pages = ['README.md']
  for (const name of readdirSync(join(root, 'packages'))) {
    if (existsSync(join(root, 'packages', name, 'README.md'))) {
      pages.push(join('packages', name, 'README.md'))
    }
  }
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) {
        // The generated API reference and VitePress's own folders hold no hand-written examples.
        if (['api', '.vitepress', 'node_modules'].includes(entry.name) && dir === 'docs') continue
        walk(path)
      } else if (entry.name.endsWith('.md')) {
        pages.push(path)
      }
    }
  }
  walk('docs')
  return pages.sort()
}

function extract(page: string): { examples: Example[]; skipped: Skipped[] } {
  const lines = readFileSync(join(root, page), 'utf8').split('\n')
  const examples: Example[] = []
  const skipped: Skipped[] = []
  const names = new Set<string>()
  for (let index = 0; index < lines.length; index++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)(.*)$/.exec(lines[index] ?? '')
    if (!open) continue
    const [, indent = '', fence = '', lang = '', meta = ''] = open
    const start = index
    let end = index + 1
    while (end < lines.length && !(lines[end] ?? '').trim().startsWith(fence)) end++
    index = end
    if (!TS_LANGS.has(lang)) continue
    const directive = /^<!--\s*example:\s*(.*?)\s*-->$/.exec((lines[start - 1] ?? '').trim())?.[1]
    const line = start + 2
    if (/\bno-check\b/.test(meta) || directive?.startsWith('no-check')) {
      const reason = directive?.replace(/^no-check\s*/, '') || meta.trim()
      skipped.push({ page, line, reason })
      continue
    }
    const named = directive === undefined ? undefined : /\bfile=([\w.-]+\.ts)\b/.exec(directive)
    const file = named?.[1] ?? `example-${line}.ts`
    if (names.has(file)) throw new Error(`${page}:${line}: two examples are named ${file}`)
    names.add(file)
    const code = lines
      .slice(start + 1, end)
      .map((text) => (text.startsWith(indent) ? text.slice(indent.length) : text))
      .join('\n')
    const run = RUN_PAGES.test(page.split(sep).join('/')) && !directive?.startsWith('no-run')
    examples.push({ page, line, file, code, run })
  }
  return { examples, skipped }
}

// Every package a workspace package depends on, linked into .doc-examples/node_modules, so that
// an example imports `express` or `@keyv/redis` as an application would.
function linkDependencies(): void {
  const modules = join(outDir, 'node_modules')
  mkdirSync(join(modules, '@garner'), { recursive: true })
  const linked = new Set<string>()
  const link = (name: string, target: string): void => {
    if (linked.has(name) || !existsSync(target)) return
    linked.add(name)
    mkdirSync(dirname(join(modules, name)), { recursive: true })
    symlinkSync(target, join(modules, name), 'dir')
  }
  const packagesDir = join(root, 'packages')
  const workspaces = readdirSync(packagesDir).filter((name) =>
    existsSync(join(packagesDir, name, 'package.json')),
  )
  for (const name of workspaces) {
    const manifest = JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8')) as {
      name: string
    }
    link(manifest.name, join(packagesDir, name))
  }
  for (const name of workspaces) {
    const nodeModules = join(packagesDir, name, 'node_modules')
    if (!existsSync(nodeModules)) continue
    for (const entry of readdirSync(nodeModules)) {
      if (entry.startsWith('.')) continue
      if (entry.startsWith('@')) {
        for (const scoped of readdirSync(join(nodeModules, entry))) {
          link(`${entry}/${scoped}`, join(nodeModules, entry, scoped))
        }
      } else {
        link(entry, join(nodeModules, entry))
      }
    }
  }
}

async function main(): Promise<void> {
  // The Prisma examples import the client generated from @garner/prisma's test schema (its own
  // `generate` script, which skips the work when nothing changed).
  const generate = spawnSync('pnpm', ['--dir', 'packages/prisma', 'run', '--silent', 'generate'], {
    cwd: root,
    stdio: 'inherit',
  })
  if (generate.status !== 0) throw new Error('generating the Prisma client failed')
  const generated = join(root, 'packages/prisma/src/testing/generated')

  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })
  linkDependencies()

  const examples: Example[] = []
  const skipped: Skipped[] = []
  for (const page of markdownPages()) {
    const found = extract(page)
    examples.push(...found.examples)
    skipped.push(...found.skipped)
  }

  const sources = new Map<string, Example>()
  for (const example of examples) {
    const pageDir = join(outDir, example.page.replace(/\.md$/, '').split(sep).join('__'), 'src')
    if (!existsSync(pageDir)) {
      mkdirSync(pageDir, { recursive: true })
      symlinkSync(generated, join(pageDir, 'generated'), 'dir')
    }
    const path = join(pageDir, example.file)
    // `export {}` makes every block a module (top-level await, no clashes between blocks).
    writeFileSync(path, `${example.code}\nexport {}\n`)
    sources.set(path, example)
  }
  writeFileSync(
    join(outDir, 'tsconfig.json'),
    `${JSON.stringify(
      {
        extends: '../tsconfig.base.json',
        compilerOptions: { noEmit: true, skipLibCheck: true, types: ['node'] },
        files: [...sources.keys()].map((path) => relative(outDir, path)),
      },
      null,
      2,
    )}\n`,
  )

  const tsc = join(root, 'node_modules/typescript/bin/tsc')
  const run = spawnSync(
    process.execPath,
    [tsc, '-p', join(outDir, 'tsconfig.json'), '--pretty', 'false'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  )
  // Point each diagnostic at the page and line the example came from.
  const failing = new Set<Example>()
  const report = (run.stdout + run.stderr)
    .split('\n')
    .filter((text) => text.trim() !== '')
    .map((text) => {
      const match = /^(.*?)\((\d+),(\d+)\): (.*)$/.exec(text)
      if (!match) return text
      const [, file = '', line = '0', column = '0', message = ''] = match
      const example = sources.get(join(root, file))
      if (!example) return text
      failing.add(example)
      return `${example.page}:${example.line + Number(line) - 1}:${column}: ${message}`
    })
  for (const skip of skipped) {
    console.log(`skipped ${skip.page}:${skip.line}${skip.reason ? ` — ${skip.reason}` : ''}`)
  }
  if (report.length > 0) console.log(report.join('\n'))
  const pages = new Set(examples.map((example) => example.page)).size
  console.log(
    `doc examples: ${examples.length} type-checked from ${pages} pages, ${skipped.length} marked no-check`,
  )
  if (run.status !== 0) {
    console.log(`${examples.length - failing.size} passed, ${failing.size} failed`)
    process.exit(1)
  }

  const runnable = [...sources].filter(([, example]) => example.run)
  const failures = await runExamples(runnable)
  console.log(`doc examples run: ${runnable.length - failures} of ${runnable.length} exited with 0`)
  console.log(`${examples.length + runnable.length - failures} passed, ${failures} failed`)
  if (failures > 0) process.exit(1)
}

/** Runs each example with tsx, two at a time; returns how many failed. */
async function runExamples(runnable: [string, Example][]): Promise<number> {
  let redis: RedisServer | undefined
  let { REDIS_URL: redisUrl } = process.env
  if (
    redisUrl === undefined &&
    runnable.some(([, example]) => example.code.includes('REDIS_URL'))
  ) {
    redis = await startRedisServer()
    redisUrl = redis.url
  }
  const tsx = join(root, 'node_modules/.bin/tsx')
  let failures = 0
  const queue = [...runnable]
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const [path, example] = next
      const result = await runOne(tsx, path, redisUrl)
      if (!result.ok) {
        failures++
        console.log(`${example.page}:${example.line}: the example failed when run (${result.why})`)
        console.log(result.output.trim().replace(/^/gm, '    '))
      }
    }
  }
  try {
    await Promise.all([worker(), worker()])
  } finally {
    await redis?.stop()
  }
  return failures
}

function runOne(
  tsx: string,
  path: string,
  redisUrl: string | undefined,
): Promise<{ ok: boolean; why: string; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(tsx, ['--conditions=@garner/source', path], {
      cwd: dirname(path),
      env: { ...process.env, ...(redisUrl === undefined ? {} : { REDIS_URL: redisUrl }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve({ ok: true, why: '', output })
      else
        resolve({
          ok: false,
          why:
            signal === 'SIGKILL'
              ? `still running after ${RUN_TIMEOUT / 1000} s`
              : `exit ${code ?? signal}`,
          output,
        })
    })
  })
}

await main()
