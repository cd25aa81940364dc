// The emitter behind garner.on/off: which listeners an emit reaches, and that a listener's
// throw never reaches the code that emitted.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Emitter, type GarnerEvents } from './events.js'

const HIT: GarnerEvents['hit'] = { key: 'garner:e:{"key":"k"}', tier: 'store' }

describe('Emitter', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('says whether anyone listens, per event, until the last listener leaves', () => {
    const emitter = new Emitter()
    expect(emitter.has('hit')).toBe(false)
    const first = (): void => {}
    const second = (): void => {}
    emitter.on('hit', first)
    const offSecond = emitter.on('hit', second)
    expect(emitter.has('hit')).toBe(true)
    expect(emitter.has('miss')).toBe(false)
    emitter.off('hit', first)
    expect(emitter.has('hit')).toBe(true)
    offSecond()
    expect(emitter.has('hit')).toBe(false)
  })

  it('removes only the listener named, and the others keep being called in order', () => {
    const emitter = new Emitter()
    const calls: string[] = []
    const first = (): void => {
      calls.push('first')
    }
    emitter.on('hit', first)
    emitter.on('hit', () => calls.push('second'))
    emitter.on('hit', () => calls.push('third'))
    emitter.off('hit', first)
    emitter.emit('hit', HIT)
    expect(calls).toEqual(['second', 'third'])
  })

  it('ignores off() for a listener that was never added, and emit() when nobody listens', () => {
    const emitter = new Emitter()
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    emitter.off('hit', () => {})
    expect(emitter.has('hit')).toBe(false)
    expect(() => emitter.emit('hit', HIT)).not.toThrow()
    expect(logged).not.toHaveBeenCalled()
  })

  it('logs and ignores a listener that throws, naming the event, and still calls the others', () => {
    const emitter = new Emitter()
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const failure = new Error('metrics bug')
    const seen: GarnerEvents['hit'][] = []
    emitter.on('hit', () => {
      throw failure
    })
    emitter.on('hit', (event) => seen.push(event))
    expect(() => emitter.emit('hit', HIT)).not.toThrow()
    expect(seen).toEqual([HIT])
    expect(logged).toHaveBeenCalledTimes(1)
    expect(logged).toHaveBeenCalledWith(
      "Garner: a 'hit' listener threw; the error was ignored.",
      failure,
    )
  })
})
