// readConfig's DEMO_FRAMEWORK: every app of src/apps/ by name, and a refusal that lists them.
import { describe, expect, it } from 'vitest'
import { FRAMEWORKS } from './apps/index.js'
import { readConfig } from './config.js'

describe('readConfig: DEMO_FRAMEWORK', () => {
  it('defaults to hono and accepts every app of src/apps/ by name', () => {
    expect(readConfig({}).framework).toBe('hono')
    expect(FRAMEWORKS).toEqual(expect.arrayContaining(['hono', 'express']))
    for (const framework of FRAMEWORKS) {
      expect(readConfig({ DEMO_FRAMEWORK: framework }).framework).toBe(framework)
    }
  })

  it('refuses an unknown name with an error that lists the known ones', () => {
    expect(() => readConfig({ DEMO_FRAMEWORK: 'koa' })).toThrow(
      `DEMO_FRAMEWORK must be one of ${FRAMEWORKS.map((name) => `"${name}"`).join(', ')}; got "koa".`,
    )
    expect(() => readConfig({ DEMO_FRAMEWORK: 'toString' })).toThrow(/got "toString"/)
  })
})
