// The demo's routes, framework-free: what a handler gets and answers. src/http/express.ts and
// src/http/hono.ts mount the same table on their framework.
import type { Identity } from '@garner/core'

/** A plain answer: JSON, or JSON text sent as is, or no body. */
export interface Reply {
  readonly status: number
  readonly json?: unknown
  /** JSON text to send as is (a stored value). */
  readonly text?: string
}

/** What a handler gets from the framework. */
export interface RouteInput<R> {
  /** The request-scoped Garner identity (method, path and sorted query already in its key). */
  readonly identity: Identity<R>
  readonly params: Readonly<Record<string, string>>
  query(name: string): string | undefined
  header(name: string): string | undefined
  /** The request body as text (bounded by the framework). */
  text(): Promise<string>
  /** Sends a plain answer. */
  reply(reply: Reply): R
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface Route {
  readonly method: Method
  /** `:param` segments, as Express and Hono both read them. */
  readonly path: string
  handle<R>(input: RouteInput<R>): Promise<R>
}

/** Largest accepted request body; the frameworks answer 413 past it. */
export const MAX_BODY_BYTES = 1024 * 1024

export const NOT_FOUND: Reply = { status: 404, json: { error: 'Not found' } }
