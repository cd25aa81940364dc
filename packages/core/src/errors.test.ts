// isGarnerError: how callers tell Garner's errors apart, with or without a code.
import { describe, expect, it } from 'vitest'
import { GarnerError, isGarnerError } from './index.js'

describe('isGarnerError', () => {
  const error = new GarnerError('GARNER_EMPTY_KEY', 'Garner: this identity has no key.')

  it('recognizes any GarnerError when no code is given', () => {
    expect(isGarnerError(error)).toBe(true)
    expect(isGarnerError(new Error('plain'))).toBe(false)
    expect(isGarnerError({ code: 'GARNER_EMPTY_KEY' })).toBe(false)
  })

  it('checks the code when one is given', () => {
    expect(isGarnerError(error, 'GARNER_EMPTY_KEY')).toBe(true)
    expect(isGarnerError(error, 'GARNER_UNSERIALIZABLE')).toBe(false)
  })
})
