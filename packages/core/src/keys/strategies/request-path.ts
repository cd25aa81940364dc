// Built-in strategy: the request path (Garner's Strategies::Keys::RequestPath).
import type { KeyStrategy } from './key-strategy.js'

/**
 * Adds the request path as `path`, exactly as received. It is not percent-decoded: decoding
 * would make `/a%2Fb` and `/a/b`, two different resources, share one entry.
 */
export const requestPath: KeyStrategy = {
  name: 'path',
  apply(key, context) {
    const request = context.request
    return request === undefined ? key : { ...key, path: request.path }
  },
}
