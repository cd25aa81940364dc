// Built-in strategy: the query string, order-independent (Garner's Strategies::Keys::RequestGet).
import type { KeyStrategy } from './key-strategy.js'

/**
 * Adds the decoded query parameters as `query`: `[name, value]` pairs sorted by name, so
 * `?a=1&b=2` and `?b=2&a=1` share an entry. Repeated names keep their order (`?a=1&a=2` is not
 * `?a=2&a=1`, since many frameworks read that as an ordered list). No query, no `query` member.
 */
export const requestQuery: KeyStrategy = {
  name: 'query',
  apply(key, context) {
    const query = context.request?.query
    if (!query) return key
    return { ...key, query: sortedQuery(query) }
  },
}

/** The query's `[name, value]` pairs, sorted by name with a stable sort. */
export function sortedQuery(query: string): [string, string][] {
  const pairs = [...new URLSearchParams(query)]
  // Stryker disable next-line ConditionalExpression,EqualityOperator: V8's sort only asks whether the result is negative, so 0 and 1 are one answer; the comparator stays consistent, as the specification asks, for other engines
  return pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
}
