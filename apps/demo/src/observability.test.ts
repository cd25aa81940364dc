// The demo's /metrics (Prometheus text through the OpenTelemetry exporter) after a scripted
// sequence, and its /dashboard in Chromium while a load runs: it loads, its three charts fill
// with data, and the page logs no error. DASHBOARD_SCREENSHOT=<file.png> saves a screenshot
// (docs/observability-dashboard.png comes from here); DASHBOARD_LOAD_SECONDS runs the
// load longer for it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sleep } from '@garner/testing'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { send, sendJson } from '../testing/http-client.js'
import { startTestDemo, type TestDemo } from '../testing/test-demo.js'
import { FRAMEWORKS } from './apps/index.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const LOAD_SECONDS = Number(process.env.DASHBOARD_LOAD_SECONDS ?? 4)
const ADMIN = { Authorization: 'Bearer 1' }

/** The value of one Prometheus series, by its name and exact labels (without the scope label). */
function series(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line)
    if (match === null || match[1] !== name) continue
    const found = Object.fromEntries(
      [...match[2]!.matchAll(/([a-z_]+)="([^"]*)"/g)].map((label) => [label[1], label[2]]),
    )
    delete found.otel_scope_name
    if (
      JSON.stringify(Object.entries(found).sort()) === JSON.stringify(Object.entries(labels).sort())
    )
      return Number(match[3])
  }
  return undefined
}

// Served ahead of the app, so every framework's app has it.
describe.each(FRAMEWORKS)('the demo on %s and Redis: /metrics', (framework) => {
  let target: TestDemo

  beforeAll(async () => {
    // The figures are exact: a store call that a busy machine delays past the default 500 ms
    // would count as an error and a miss.
    target = await startTestDemo(framework, 'redis', { storeTimeout: 10_000 })
  })
  afterAll(async () => {
    await target?.close()
  })

  it('exports every Garner metric in Prometheus text format', async () => {
    const { url } = target
    const ns = { garner_namespace: 'garner' }
    const metrics = async (): Promise<string> => {
      const answer = await send(url, '/metrics')
      expect(answer.status).toBe(200)
      expect(answer.headers.get('content-type')).toMatch(/^text\/plain/)
      return answer.text
    }
    // The seed's writes have invalidated already: the figures below are differences.
    const before = await metrics()
    await send(url, '/users') // miss (absent)
    await send(url, '/users') // hit
    await send(url, '/users') // hit
    await sendJson(url, 'PATCH', '/users/3', { name: 'Linus T.' }) // invalidates User 3
    await send(url, '/users') // miss (stale)
    const after = await metrics()
    const delta = (name: string, labels: Record<string, string>): number =>
      (series(after, name, { ...ns, ...labels }) ?? 0) -
      (series(before, name, { ...ns, ...labels }) ?? 0)

    // All in one object, so that a failure shows every figure at once. The demo runs the near
    // cache on Redis: a hit comes from the store until the near cache holds the entry, then from
    // process memory, so the two hits split between the tiers with timing. Each miss: one read and
    // one write (the seed's writes created the User token already); each store hit: one read; a
    // near hit: none; the invalidation: one token write (User 3 and User together).
    const calls = (operation: string) =>
      delta('garner_store_duration_count', { garner_store_operation: operation })
    const storeHits = delta('garner_hits_total', { garner_tier: 'store' })
    const nearHits = delta('garner_hits_total', { garner_tier: 'near' })
    expect({
      hits: storeHits + nearHits,
      absent: delta('garner_misses_total', { garner_miss_reason: 'absent' }),
      stale: delta('garner_misses_total', { garner_miss_reason: 'stale' }),
      unavailable: delta('garner_misses_total', { garner_miss_reason: 'unavailable' }),
      staleServed: delta('garner_stale_served_total', {}),
      loads: delta('garner_loader_duration_count', {}),
      userInvalidations: delta('garner_invalidations_total', {
        garner_model: 'User',
        garner_invalidation_scope: 'instance',
      }),
      reads: calls('read'),
      writes: calls('write'),
      tokenWrites: calls('writeTokens'),
      bodyReads: calls('readBody'),
      storeErrors: after.split('\n').filter((line) => line.startsWith('garner_store_errors_total')),
    }).toEqual({
      hits: 2,
      absent: 1,
      stale: 1,
      unavailable: 0,
      staleServed: 0,
      loads: 2,
      userInvalidations: 1,
      reads: 2 + storeHits,
      writes: 2,
      tokenWrites: 1,
      bodyReads: 0,
      storeErrors: [],
    })
    expect(series(after, 'garner_memory_entries', { ...ns, garner_tier: 'near' })).toBeGreaterThan(
      0,
    )
    expect(after).toContain('# TYPE garner_store_duration histogram')
    expect(after).toContain('# UNIT garner_loader_duration s')
  })
})

describe('the demo dashboard in Chromium', () => {
  let target: TestDemo
  let userData: string

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`no chromium at ${CHROMIUM}: apt-get install -y chromium`)
    // A slow database makes the loader's latency visible next to the store's.
    target = await startTestDemo('hono', 'redis', { databaseLatencyMs: 20 })
    userData = mkdtempSync(join(tmpdir(), 'garner-dashboard-chromium-'))
  })
  afterAll(async () => {
    await target?.close()
    rmSync(userData, { recursive: true, force: true })
  })

  it(
    'loads and charts hit ratio, latency and invalidations under load, error-free',
    async () => {
      const { url } = target
      const browser = await chromium.launchPersistentContext(userData, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
        ],
        viewport: { width: 1400, height: 820 },
      })
      const problems: string[] = []
      try {
        const page = await browser.newPage()
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(`console error: ${message.text()}`)
        })
        page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`))
        page.on('response', (response) => {
          if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`)
        })
        const response = await page.goto(`${url}/dashboard`, { waitUntil: 'load' })
        expect(response?.status()).toBe(200)
        expect(await page.locator('h1').textContent()).toBe('Garner cache dashboard')

        // The load: reads of four routes, and a write now and then that invalidates.
        let running = true
        const load = (async () => {
          const paths = ['/users', '/users/1', '/posts/1', '/users/2/posts', '/users/2']
          for (let step = 0; running; step++) {
            await send(url, paths[step % paths.length]!, { headers: ADMIN })
            if (step % 40 === 39)
              await sendJson(url, 'PATCH', '/users/2', { name: `Grace ${step}` })
            if (step % 97 === 96)
              await sendJson(url, 'PATCH', '/posts/1', { title: `Notes ${step}` })
          }
        })()
        const stopAt = Date.now() + LOAD_SECONDS * 1000
        try {
          // Runs in the page (the test's own types have no DOM): every chart has points, and
          // the invalidations chart a series for User.
          await page.waitForFunction(
            `['chart-hit-ratio', 'chart-latency', 'chart-invalidations'].every(
              (id) => Number(document.getElementById(id)?.dataset.points) > 0,
            ) && (document.getElementById('chart-invalidations')?.dataset.models ?? '').includes('User')`,
            undefined,
            { timeout: 20_000 },
          )
          await sleep(Math.max(0, stopAt - Date.now()))
        } finally {
          running = false
          await load
        }
        await sleep(1_500) // one more poll after the load

        // Every chart drew on its canvas, with the series it announces.
        for (const id of ['chart-hit-ratio', 'chart-latency', 'chart-invalidations']) {
          const canvas = page.locator(`#${id} canvas`)
          expect(await canvas.count()).toBe(1)
          expect((await canvas.boundingBox())?.width).toBeGreaterThan(300)
        }
        const legend = await page.locator('#chart-latency .u-legend').textContent()
        expect(legend).toContain('store read ms')
        expect(legend).toContain('loader ms')
        expect(await page.locator('#hits').textContent()).not.toBe('–')
        expect(await page.locator('#store').textContent()).toBe('keyv')
        const screenshot = process.env.DASHBOARD_SCREENSHOT
        if (screenshot !== undefined) await page.screenshot({ path: screenshot, fullPage: true })
      } finally {
        await browser.close()
      }
      expect(problems).toEqual([])
    },
    45_000 + LOAD_SECONDS * 1000,
  )
})
