// Built-in strategy factory: a fixed API version (Garner's Strategies::Keys::Version).
import type { KeyPart } from '../key.js'
import type { KeyContext, KeyStrategy } from './key-strategy.js'

/**
 * A strategy that adds `version` to every key: a fixed value (`version('v2')`), or one computed
 * from the context (`version((context) => context.apiVersion)`). Bumping it retires every entry.
 */
export function version(value: KeyPart | ((context: KeyContext) => KeyPart)): KeyStrategy {
  return {
    name: 'version',
    apply(key, context) {
      return { ...key, version: typeof value === 'function' ? value(context) : value }
    },
  }
}
