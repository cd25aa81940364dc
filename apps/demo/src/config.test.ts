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

describe('readConfig: REDIS_CLUSTER', () => {
  it('reads comma-separated node URLs, and none when unset or empty', () => {
    expect(readConfig({}).redisCluster).toBeUndefined()
    expect(readConfig({ REDIS_CLUSTER: '' }).redisCluster).toBeUndefined()
    expect(
      readConfig({ REDIS_CLUSTER: 'redis://10.0.0.1:7000, redis://10.0.0.2:7001' }).redisCluster,
    ).toEqual(['redis://10.0.0.1:7000', 'redis://10.0.0.2:7001'])
  })

  it('refuses anything but redis://host:port URLs, naming the variable', () => {
    expect(() => readConfig({ REDIS_CLUSTER: '10.0.0.1:7000' })).toThrow(/REDIS_CLUSTER must be/)
    expect(() => readConfig({ REDIS_CLUSTER: 'redis://10.0.0.1:7000,' })).toThrow(/got ""/)
  })
})
