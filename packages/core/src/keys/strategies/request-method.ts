// Built-in strategy: the request method (HEAD shares GET's entry, since it answers like GET).
import type { KeyStrategy } from './key-strategy.js'

/** Adds the request method as `method`, upper-cased, with `HEAD` written as `GET`. */
export const requestMethod: KeyStrategy = {
  name: 'method',
  apply(key, context) {
    const request = context.request
    if (request === undefined) return key
    const method = request.method.toUpperCase()
    return { ...key, method: method === 'HEAD' ? 'GET' : method }
  },
}
