// Built-in strategy: the explicit key parts (Garner's Strategies::Keys::Key).
import type { KeyStrategy } from './key-strategy.js'

/** Adds the explicit key parts (`garner.fetch(key)`, `identity.key(...)`) as `key`. */
export const explicitKey: KeyStrategy = {
  name: 'key',
  apply(key, context) {
    return context.key === undefined ? key : { ...key, key: context.key }
  },
}
