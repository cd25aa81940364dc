// Built-in strategy: the explicit key parts (Garner's Strategies::Keys::Key).
import type { KeyStrategy } from './key-strategy.js'

/** Adds the explicit key parts (`garner.fetch(key)`, `identity.key(...)`) as `key`. */
export const explicitKey: KeyStrategy = {
  name: 'key',
  apply(key, context) {
    return context.key === undefined ? key : { ...key, key: context.key }
  },
}

/**
 * The canonical text of the key {@link explicitKey} alone builds from a part, given the part's
 * canonical text: what the default pipeline produces for an identity with no request, written
 * without building the key object (the hot path of `garner.fetch`). It lives beside the strategy
 * so the two change together; a property test holds them equal.
 */
export function explicitKeyText(encodedPart: string): string {
  return `{"key":${encodedPart}}`
}
