// isStoreDriver: what createGarner accepts as a store without wrapping it.
import { describe, expect, it } from 'vitest'
import { memoryStore } from './memory-store.js'
import { isStoreDriver } from './store.js'

const driver = {
  kind: 'memory',
  remote: false,
  read() {},
  readBody() {},
  write() {},
  writeTokens() {},
}

describe('isStoreDriver', () => {
  it('accepts an object with remote and the four store calls', () => {
    expect(isStoreDriver(memoryStore())).toBe(true)
    expect(isStoreDriver(driver)).toBe(true)
  })

  it.each(['read', 'readBody', 'write', 'writeTokens'])('refuses a driver without %s', (name) => {
    expect(isStoreDriver({ ...driver, [name]: undefined })).toBe(false)
  })

  it('refuses a driver whose remote is not a boolean', () => {
    expect(isStoreDriver({ ...driver, remote: 'yes' })).toBe(false)
    expect(isStoreDriver({ ...driver, remote: undefined })).toBe(false)
  })

  it('refuses what is not an object', () => {
    expect(isStoreDriver(null)).toBe(false)
    expect(isStoreDriver(undefined)).toBe(false)
    expect(isStoreDriver('store')).toBe(false)
    expect(isStoreDriver(Object.assign(() => {}, driver))).toBe(false)
  })
})
