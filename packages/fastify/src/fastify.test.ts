// The shared HTTP conformance suite over real HTTP, on both stores, on Fastify 5.
import type { AddressInfo } from 'node:net'
import { STORE_TARGETS } from '@garner/fixtures'
import { describeHttpConformance, isCachedAnswer, type MountApp } from '@garner/testing'
import Fastify from 'fastify'
import { cacheBust, garnerIdentity } from './index.js'

const mountFastify: MountApp = async (garner, routes) => {
  const app = Fastify()
  await app.register(cacheBust)
  await app.register(garnerIdentity, { garner })
  // Fastify's error path: a 500 without the error's message.
  app.setErrorHandler((_error, _request, reply) =>
    reply.code(500).type('text/plain').send('Internal Server Error'),
  )
  for (const route of routes) {
    app.route<{ Params: Record<string, string> }>({
      method: route.method,
      url: route.path,
      handler: (request, reply) => {
        const answer = route.answer({
          identity: request.garner,
          params: request.params,
          header: (name) => {
            const value = request.headers[name.toLowerCase()]
            return Array.isArray(value) ? value.join(', ') : value
          },
        })
        if (isCachedAnswer(answer)) return answer.identity.cacheOr304(answer.loader, answer.options)
        return reply
          .code(answer.status)
          .headers(answer.headers ?? {})
          .send(answer.json)
      },
    })
  }
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() }
}

describeHttpConformance('Fastify 5', mountFastify, STORE_TARGETS)
