// Tests for generation tokens.
import { describe, expect, it } from 'vitest'
import { newToken } from './token.js'

describe('newToken', () => {
  it('is a random 96-bit prefix of this process, then a counter in base 36', () => {
    const first = newToken()
    const second = newToken()
    expect(first).toMatch(/^[A-Za-z0-9_-]{16}[0-9a-z]+$/)
    expect(second.slice(0, 16)).toBe(first.slice(0, 16))
    expect(Number.parseInt(second.slice(16), 36)).toBe(Number.parseInt(first.slice(16), 36) + 1)
  })
})
