// Maps a Hono request onto the RequestInfo that Garner's key strategies read.
import { type RequestInfo, splitRequestTarget } from '@garner/core'
import type { HonoRequest } from 'hono'

/** The part of Node's request that `@hono/node-server` hands routes as `c.env.incoming`. */
interface NodeIncoming {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly rawHeaders: readonly string[]
}

/**
 * The request as Garner sees it. The path is taken from the URL as received, still
 * percent-encoded (Hono's `c.req.path` is decoded), so both adapters key a request the same way.
 *
 * Pass the context's `env` (`c.env`) on `@hono/node-server`: headers are then read from Node's
 * request (`c.env.incoming`, the server's documented bindings) instead of a Fetch `Headers`
 * object, which the server would otherwise build from the raw headers for every request Garner
 * looks at. Elsewhere (Bun, Deno, Workers) `env` is ignored.
 */
export function requestInfo(req: HonoRequest, env?: unknown): RequestInfo {
  const { path, query } = splitRequestTarget(req.url)
  const incoming = nodeIncoming(env)
  return {
    method: req.method,
    path,
    query,
    header:
      incoming === undefined
        ? (name) => req.header(name)
        : (name) => headerText(incoming.headers[name.toLowerCase()]),
  }
}

function nodeIncoming(env: unknown): NodeIncoming | undefined {
  const incoming = (env as { incoming?: Partial<NodeIncoming> } | undefined)?.incoming
  // Node's IncomingMessage: its raw headers tell it from a Workers binding of the same name.
  return typeof incoming?.headers === 'object' && Array.isArray(incoming.rawHeaders)
    ? (incoming as NodeIncoming)
    : undefined
}

// Node keeps a repeated header as one comma-joined text (a list only for set-cookie), as Headers.get does.
function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value
}
