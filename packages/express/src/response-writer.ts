// Copies Garner's answer onto an Express response.
import type { HttpResult, ResponseWriter } from '@garner/core'
import type { Request, Response } from 'express'

/** What a route answers when its loader returns `undefined`. */
export type NotFoundHandler = (req: Request, res: Response) => void

/** The default "not found": `404 {"error":"Not found"}`. */
export const defaultNotFound: NotFoundHandler = function notFound(_req, res) {
  res.status(404).json({ error: 'Not found' })
}

export function responseWriter(
  req: Request,
  res: Response,
  notFound: NotFoundHandler,
): ResponseWriter<void> {
  return {
    write(result: HttpResult): void {
      res.status(result.status).set(result.headers)
      // The body is the stored JSON text: sent as is, never serialized again.
      if (result.body === undefined) res.end()
      else res.send(result.body)
    },
    notFound(): void {
      notFound(req, res)
    },
  }
}
