// The key strategy contract: one step of the pipeline that turns an identity into a key.
import type { KeyPart } from '../key.js'

/** The request an HTTP adapter puts in the key context. */
export interface RequestInfo {
  /** The HTTP method, as received (`GET`, `head` …). */
  readonly method: string
  /** The path as it appears on the wire, still percent-encoded (`/users/1%3Fa`), without the query. */
  readonly path: string
  /** The raw query string without the leading `?` (`b=2&a=1`), or `''` when there is none. */
  readonly query: string
  /** A request header's value, or `undefined` when the request does not carry it. */
  header(name: string): string | undefined
}

/**
 * What strategies can read while building a key: the explicit key parts (`key`), the request
 * when there is one, and anything an application adds (the caller's user or role, a tenant …).
 */
export interface KeyContext {
  /** The explicit key parts given to `garner.fetch(key)` or `identity.key(...)`. */
  readonly key?: KeyPart
  /** The HTTP request, set by the HTTP adapters. */
  readonly request?: RequestInfo
  readonly [name: string]: unknown
}

/** The key as the pipeline builds it: named parts, encoded canonically at the end. */
export type KeyObject = { readonly [name: string]: KeyPart | undefined }

/**
 * One step of the key pipeline. `apply` returns the key with this strategy's part added (it must
 * not mutate its argument). Strategies run in order for every identity.
 */
export interface KeyStrategy {
  /** A unique name, usually the key member the strategy adds (`path`, `role` …). */
  readonly name: string
  /**
   * True when the strategy puts the caller's identity (user or role) into the key. Such a
   * strategy declares how a response varies between callers, so a request that carries
   * `Authorization` or `Cookie` may share an entry with other callers the strategy maps to the
   * same key. Without one, such requests are cached per credential.
   */
  readonly identifiesCaller?: boolean
  /** Returns a new key with this strategy's part added; `key` must not be mutated. */
  apply(key: KeyObject, context: KeyContext): KeyObject
}
