/**
 * `@garner/testing`: the conformance suites for authors of Garner stores and HTTP adapters, the
 * way keyv's adapters share `@keyv/test-suite`. Both suites are written for vitest.
 *
 * @module @garner/testing
 */
export { counter, describeGarnerConformance } from './conformance.js'
export { type Deferred, deferred, eventually, sleep } from './deferred.js'
export { type TestClock, testClock } from './freshness-conformance.js'
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
export {
  memoryTarget,
  type OpenStore,
  type StoreSetup,
  type StoreTarget,
  storeTarget,
  type TestGarnerOptions,
} from './store-target.js'
