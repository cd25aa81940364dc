// A runner-neutral stand-in for the part of vitest's API the conformance suite uses (describe, it,
// it.each, the four hooks, expect), so the very same suite runs on Bun, Deno and workerd, where
// vitest does not. `expect` is vitest's own (@vitest/expect on chai), so every assertion means
// exactly what it means under vitest. Tests run one at a time, in declaration order.
import { spyOn } from '@vitest/spy'
import { expect } from './expect.js'

export { expect }

/** vitest's `vi`, as far as the suites use it: spies from @vitest/spy, vitest's own. */
export const vi: { readonly spyOn: typeof spyOn } = { spyOn }

type Body = () => unknown
type Hook = () => unknown

interface Suite {
  readonly name: string
  readonly children: (Suite | Test)[]
  readonly beforeAll: Hook[]
  readonly afterAll: Hook[]
  readonly beforeEach: Hook[]
  readonly afterEach: Hook[]
}

interface Test {
  readonly name: string
  readonly body: Body
  readonly timeout: number
}

/** What one run reports: every test's full name, and the failures with their messages. */
export interface Report {
  readonly runtime: string
  readonly passed: readonly string[]
  readonly failed: readonly { readonly name: string; readonly error: string }[]
  readonly ms: number
}

const DEFAULT_TIMEOUT = 20_000
const root: Suite = newSuite('')
let current = root

function newSuite(name: string): Suite {
  return { name, children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] }
}

export function describe(name: string, body: () => void): void {
  const suite = newSuite(name)
  current.children.push(suite)
  const parent = current
  current = suite
  try {
    body()
  } finally {
    current = parent
  }
}

type Each = <T extends readonly unknown[]>(
  cases: readonly T[],
) => (name: string, body: (...args: T) => unknown, timeout?: number) => void

interface It {
  (name: string, body: Body, timeout?: number): void
  each: Each
}

export const it: It = Object.assign(
  function it(name: string, body: Body, timeout = DEFAULT_TIMEOUT): void {
    current.children.push({ name, body, timeout })
  },
  {
    each: (<T extends readonly unknown[]>(cases: readonly T[]) =>
      (name: string, body: (...args: T) => unknown, timeout?: number): void => {
        for (const args of cases) {
          // vitest's printf-style %s, %d, %i, %j placeholders, in order.
          let index = 0
          const title = name.replace(/%[sdij]/g, () => String(args[index++]))
          it(title, () => body(...args), timeout)
        }
      }) as Each,
  },
)
export const test: It = it

export function beforeAll(hook: Hook): void {
  current.beforeAll.push(hook)
}
export function afterAll(hook: Hook): void {
  current.afterAll.push(hook)
}
export function beforeEach(hook: Hook): void {
  current.beforeEach.push(hook)
}
export function afterEach(hook: Hook): void {
  current.afterEach.push(hook)
}

function withTimeout(body: Body, ms: number, what: string): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)
  })
  return Promise.race([Promise.resolve().then(body), timeout]).finally(() => clearTimeout(timer))
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return String(error)
}

/** Runs every registered test and reports the outcome; never throws. */
export async function run(runtime: string): Promise<Report> {
  const started = Date.now()
  const passed: string[] = []
  const failed: { name: string; error: string }[] = []
  const walk = async (suite: Suite, path: readonly string[], eachHooks: Suite[]): Promise<void> => {
    const chain = [...eachHooks, suite]
    const title = (name: string): string => [...path, name].filter(Boolean).join(' > ')
    try {
      for (const hook of suite.beforeAll) await withTimeout(hook, 60_000, 'beforeAll')
    } catch (error) {
      failed.push({ name: title('beforeAll'), error: describeError(error) })
      return
    }
    for (const child of suite.children) {
      if ('children' in child) {
        await walk(child, [...path, child.name], chain)
        continue
      }
      try {
        for (const s of chain) for (const hook of s.beforeEach) await hook()
        await withTimeout(child.body, child.timeout, child.name)
        for (const s of [...chain].reverse()) for (const hook of s.afterEach) await hook()
        passed.push(title(child.name))
      } catch (error) {
        failed.push({ name: title(child.name), error: describeError(error) })
      }
    }
    try {
      for (const hook of suite.afterAll) await withTimeout(hook, 60_000, 'afterAll')
    } catch (error) {
      failed.push({ name: title('afterAll'), error: describeError(error) })
    }
  }
  await walk(root, [], [])
  return { runtime, passed, failed, ms: Date.now() - started }
}
