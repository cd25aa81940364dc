// The HTTP client of the demo's end-to-end and fault suites: real requests, and an answer with
// the status, headers, text and parsed JSON. It never throws on a status, and reports a
// transport failure as status 0, so that a fault test can count it.

export interface Answer {
  /** The HTTP status; 0 when the request failed at the transport. */
  readonly status: number
  readonly headers: Headers
  readonly text: string
  /** The body parsed as JSON; `undefined` when it is empty or not JSON. */
  readonly json: unknown
  /** How long the request took, in milliseconds. */
  readonly ms: number
}

export interface RequestInit {
  readonly method?: string
  readonly headers?: Record<string, string>
  readonly body?: string
}

export async function send(base: string, path: string, init: RequestInit = {}): Promise<Answer> {
  const started = performance.now()
  try {
    const response = await fetch(`${base}${path}`, init)
    const text = await response.text()
    return {
      status: response.status,
      headers: response.headers,
      text,
      json: parse(text),
      ms: performance.now() - started,
    }
  } catch {
    return {
      status: 0,
      headers: new Headers(),
      text: '',
      json: undefined,
      ms: performance.now() - started,
    }
  }
}

/** `send` with a JSON body. */
export function sendJson(
  base: string,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return send(base, path, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
}

function parse(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
