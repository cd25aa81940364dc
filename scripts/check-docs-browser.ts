// Checks the built docs site (docs/.vitepress/dist) in a real browser: serves it on loopback,
// visits every page reachable from the home page in Debian's chromium, and fails when a page does
// not load with 200, an internal link leads nowhere (a missing page or a missing #anchor), an
// image does not load (natural size 0), the benchmarks page shows no chart, or a page logs a
// console error. Takes a screenshot of the home page (DOCS_SCREENSHOT, default
// $TMPDIR/garner-docs-home.png). Run `pnpm docs:build` first.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Page } from 'playwright-core'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'docs/.vitepress/dist')
const { CHROMIUM_PATH, DOCS_SCREENSHOT } = process.env
const executablePath = CHROMIUM_PATH ?? '/usr/bin/chromium'
const screenshotPath = DOCS_SCREENSHOT ?? join(tmpdir(), 'garner-docs-home.png')

// Without the background-networking flags chromium dials out (component updates, sync …), and a
// closed network refuses those connections with console noise.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

/** The page of `pnpm bench`'s report, whose charts (docs/public/bench/*.svg) are checked. */
const BENCHMARKS_PAGE = '/benchmarks'

/** A static server for the built site, as any static host would serve it. */
function serve(): Promise<Server> {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname)
    const relative = normalize(pathname).replace(/^(\.\.[/\\])+/, '')
    let file = join(dist, relative)
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html')
    else if (!existsSync(file) && existsSync(`${file}.html`)) file = `${file}.html`
    if (!file.startsWith(dist) || !existsSync(file)) {
      response.writeHead(404, { 'Content-Type': TYPES['.html'] })
      response.end(readFileSync(join(dist, '404.html')))
      return
    }
    response.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    })
    response.end(readFileSync(file))
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

interface Link {
  readonly from: string
  readonly href: string
}

async function main(): Promise<void> {
  if (!existsSync(join(dist, 'index.html'))) {
    throw new Error('docs/.vitepress/dist has no index.html: run `pnpm docs:build` first.')
  }
  if (!existsSync(executablePath)) {
    throw new Error(`no chromium at ${executablePath}: apt-get install -y chromium`)
  }
  const server = await serve()
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const userDataDir = mkdtempSync(join(tmpdir(), 'garner-docs-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 900 },
  })
  const problems: string[] = []
  const visited = new Map<string, Set<string>>() // page path → ids of its elements
  const links: Link[] = []
  const queue = ['/']
  const seen = new Set(queue)
  const started = Date.now()

  // Two tabs crawl in parallel (the machines have two cores); each reports what it is visiting.
  const crawl = async (tab: Page): Promise<void> => {
    let current = ''
    tab.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${current}: console error: ${message.text()}`)
    })
    tab.on('pageerror', (error) => problems.push(`${current}: uncaught error: ${error.message}`))
    tab.on('response', (response) => {
      if (response.url().startsWith(origin) && response.status() >= 400) {
        problems.push(`${current}: ${response.status()} for ${response.url().slice(origin.length)}`)
      }
    })
    tab.on('requestfailed', (request) => {
      // Prefetches still in flight when the tab moves on are aborted: that is not a failure.
      const reason = request.failure()?.errorText ?? ''
      if (reason !== 'net::ERR_ABORTED') problems.push(`${current}: ${request.url()}: ${reason}`)
    })
    while (queue.length > 0 || busy > 0) {
      const path = queue.shift()
      if (path === undefined) {
        await new Promise((resolve) => setTimeout(resolve, 20))
        continue
      }
      busy++
      try {
        current = path
        await visit(tab, path)
      } finally {
        busy--
      }
    }
  }
  const visit = async (tab: Page, path: string): Promise<void> => {
    const response = await tab.goto(origin + path, { waitUntil: 'load' })
    if (response?.status() !== 200) {
      problems.push(`${path}: status ${response?.status() ?? 'none'}`)
      return
    }
    // The content is rendered at build time: the page's heading must be there.
    const title = await tab.locator('h1').first().textContent({ timeout: 5000 })
    if (!title?.trim()) problems.push(`${path}: no h1`)
    const found = await tab.evaluate(() => ({
      // Every image must have loaded and have a size (a chart that failed to parse has none).
      images: Array.from(document.querySelectorAll('img'), (image) => ({
        src: image.currentSrc || image.src,
        loaded: image.complete && image.naturalWidth > 0 && image.naturalHeight > 0,
      })),
      ids: Array.from(document.querySelectorAll('[id]'), (element) => element.id),
      hrefs: Array.from(
        document.querySelectorAll('a[href]'),
        (anchor) => (anchor as HTMLAnchorElement).href,
      ),
    }))
    for (const image of found.images) {
      if (!image.loaded) problems.push(`${path}: image did not load: ${image.src}`)
    }
    const charts = found.images.filter((image) => new URL(image.src).pathname.startsWith('/bench/'))
    if (path.replace(/\.html$/, '') === BENCHMARKS_PAGE) benchmarkCharts = charts.length
    visited.set(path, new Set(found.ids))
    for (const href of found.hrefs) {
      if (!href.startsWith(origin)) continue
      const url = new URL(href)
      links.push({ from: path, href: url.pathname + url.hash })
      if (!seen.has(url.pathname)) {
        seen.add(url.pathname)
        queue.push(url.pathname)
      }
    }
    if (path === '/') await tab.screenshot({ path: screenshotPath, fullPage: false })
  }

  let busy = 0
  // The benchmarks page must be reached and show the charts `pnpm bench` wrote.
  let benchmarkCharts = -1
  try {
    const first = context.pages()[0] ?? (await context.newPage())
    await Promise.all([crawl(first), crawl(await context.newPage())])
  } finally {
    await context.close()
    server.close()
    rmSync(userDataDir, { recursive: true, force: true })
  }

  if (benchmarkCharts < 0) problems.push(`${BENCHMARKS_PAGE}: not reached from the home page`)
  else if (benchmarkCharts === 0) problems.push(`${BENCHMARKS_PAGE}: shows no chart from /bench/`)

  // Every internal link points at a page that loaded, and at an element that exists there.
  let anchors = 0
  for (const link of links) {
    const [pathname = '', hash] = link.href.split('#')
    const ids = visited.get(pathname)
    if (ids === undefined) {
      problems.push(`${link.from}: broken link to ${link.href}`)
    } else if (hash) {
      anchors++
      if (!ids.has(decodeURIComponent(hash))) {
        problems.push(`${link.from}: link to a missing anchor ${link.href}`)
      }
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  const unique = [...new Set(problems)]
  for (const problem of unique) console.log(problem)
  console.log(
    `docs browser check: ${visited.size} pages visited, ${links.length} internal links ` +
      `(${anchors} with anchors) checked in ${seconds} s; screenshot of the home page: ${screenshotPath}`,
  )
  console.log(
    `${visited.size - new Set(unique.map((p) => p.split(':')[0])).size} passed, ${
      new Set(unique.map((p) => p.split(':')[0])).size
    } failed`,
  )
  if (unique.length > 0) process.exit(1)
}

await main()
