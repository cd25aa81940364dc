// Local stand-ins for the Fastly and Cloudflare purge APIs (which cannot be reached from tests):
// real HTTP servers that check every request against the documented API (method, path,
// authentication, body, batch limits) and answer the way the API does, including 429s with
// Retry-After when a test asks for them.
import { createServer, type IncomingMessage, type Server } from 'node:http'

/** One request as the server received it, with what the check found wrong (empty: valid). */
export interface ReceivedRequest {
  readonly method: string
  readonly path: string
  readonly headers: IncomingMessage['headers']
  readonly body: string
  readonly keys: readonly string[]
  readonly problems: readonly string[]
  readonly at: number
}

/** A scripted answer for the next request (then the API's normal answer resumes). */
export interface ScriptedAnswer {
  readonly status: number
  readonly headers?: Record<string, string>
  readonly body?: string
}

export interface DocumentedApi {
  readonly url: string
  readonly requests: ReceivedRequest[]
  /** Answers the next requests with these, in order, before answering normally again. */
  script(...answers: ScriptedAnswer[]): void
  close(): Promise<void>
}

type Check = (request: {
  method: string
  path: string
  headers: IncomingMessage['headers']
  body: string
}) => { keys: string[]; problems: string[] }

function jsonBody(body: string, problems: string[]): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body)
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>
  } catch {}
  problems.push('the body is not a JSON object')
  return {}
}

function stringList(value: unknown, name: string, max: number, problems: string[]): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    problems.push(`${name} is not an array of strings`)
    return []
  }
  if (value.length === 0) problems.push(`${name} is empty`)
  if (value.length > max) problems.push(`${name} has ${value.length} entries; at most ${max}`)
  for (const item of value as string[]) {
    if (item === '' || !/^[\x21-\x7e]+$/.test(item))
      problems.push(`${name} entry ${JSON.stringify(item)} is not visible ASCII`)
    if (Buffer.byteLength(item) > 1024) problems.push(`${name} entry longer than 1,024 bytes`)
  }
  return value as string[]
}

/**
 * Fastly's batch purge: `POST /service/{service_id}/purge`, `Fastly-Key: <token>`, JSON body
 * `{ "surrogate_keys": [...] }` with at most 256 keys; answers 200 with a key → purge id map.
 */
export function fastlyCheck(serviceId: string, token: string): Check {
  return ({ method, path, headers, body }) => {
    const problems: string[] = []
    if (method !== 'POST') problems.push(`method ${method}, expected POST`)
    if (path !== `/service/${serviceId}/purge`) problems.push(`path ${path}`)
    if (headers['fastly-key'] !== token) problems.push('Fastly-Key missing or wrong')
    if (!String(headers['content-type']).startsWith('application/json'))
      problems.push('Content-Type is not application/json')
    const keys = stringList(
      jsonBody(body, problems).surrogate_keys,
      'surrogate_keys',
      256,
      problems,
    )
    return { keys, problems }
  }
}

/**
 * Cloudflare's purge by cache tag: `POST /client/v4/zones/{zone_id}/purge_cache`,
 * `Authorization: Bearer <token>`, JSON body `{ "tags": [...] }` with at most `maxTags` tags.
 */
export function cloudflareCheck(zoneId: string, token: string, maxTags = 100): Check {
  return ({ method, path, headers, body }) => {
    const problems: string[] = []
    if (method !== 'POST') problems.push(`method ${method}, expected POST`)
    if (path !== `/client/v4/zones/${zoneId}/purge_cache`) problems.push(`path ${path}`)
    if (headers.authorization !== `Bearer ${token}`) problems.push('Authorization missing or wrong')
    if (!String(headers['content-type']).startsWith('application/json'))
      problems.push('Content-Type is not application/json')
    const object = jsonBody(body, problems)
    const keys = stringList(object.tags, 'tags', maxTags, problems)
    for (const tag of keys) if (tag.includes(',')) problems.push(`tag ${tag} contains a comma`)
    const others = Object.keys(object).filter((name) => name !== 'tags')
    if (others.length > 0) problems.push(`unexpected members ${others.join(', ')}`)
    return { keys, problems }
  }
}

/** The documented VCL's purge: `PURGE` with the keys, space-separated, in `xkey-purge`. */
export function varnishCheck(maxHeaderLength = 7_000): Check {
  return ({ method, headers }) => {
    const problems: string[] = []
    if (method !== 'PURGE') problems.push(`method ${method}, expected PURGE`)
    const value = headers['xkey-purge']
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push('xkey-purge missing')
      return { keys: [], problems }
    }
    if (value.length > maxHeaderLength) problems.push(`xkey-purge is ${value.length} bytes`)
    return { keys: value.split(' '), problems }
  }
}

/** Starts a local API that checks requests with `check` and answers like `kind`'s API. */
export async function startDocumentedApi(
  kind: 'fastly' | 'cloudflare' | 'varnish',
  check: Check,
): Promise<DocumentedApi> {
  const requests: ReceivedRequest[] = []
  const scripted: ScriptedAnswer[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const path = req.url ?? ''
      const { keys, problems } = check({
        method: req.method ?? '',
        path,
        headers: req.headers,
        body,
      })
      requests.push({
        method: req.method ?? '',
        path,
        headers: req.headers,
        body,
        keys,
        problems,
        at: Date.now(),
      })
      const next = scripted.shift()
      if (next !== undefined) {
        res.writeHead(next.status, next.headers).end(next.body ?? '')
        return
      }
      if (problems.length > 0) {
        res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ problems }))
        return
      }
      const answer =
        kind === 'fastly'
          ? Object.fromEntries(keys.map((key, index) => [key, `purge-${requests.length}-${index}`]))
          : kind === 'cloudflare'
            ? {
                success: true,
                errors: [],
                messages: [],
                result: { id: `purge-${requests.length}` },
              }
            : undefined
      if (answer === undefined) res.writeHead(200).end(`Purged ${keys.length}`)
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    script: (...answers) => scripted.push(...answers),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
