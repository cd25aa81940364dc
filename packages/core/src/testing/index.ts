/**
 * `@garner/core/testing`: the conformance suite and the fixtures Garner's own packages test with.
 *
 * @module @garner/core/testing
 */
export { type ConformanceTarget, counter, describeGarnerConformance } from './conformance.js'
export { type Deferred, deferred, eventually, sleep } from './deferred.js'
export {
  type CachedAnswer,
  describeHttpConformance,
  type HttpApp,
  type HttpRoute,
  isCachedAnswer,
  type MountApp,
  type PlainAnswer,
  type RouteInput,
} from './http-conformance.js'
export { redisForTests, type TestRedis } from './redis-for-tests.js'
export {
  commandCounts,
  freePort,
  type RedisServer,
  type RedisServerOptions,
  type RespReply,
  respCommand,
  startRedisServer,
} from './redis-server.js'
export {
  memoryTarget,
  type OpenStore,
  redisTarget,
  STORE_TARGETS,
  type StoreTarget,
} from './store-targets.js'
