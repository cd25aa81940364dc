/**
 * `@garner/otel`: Garner's metrics and miss spans on OpenTelemetry.
 *
 * @module @garner/otel
 */
export {
  INSTRUMENTATION_SCOPE,
  type InstrumentGarnerOptions,
  instrumentGarner,
} from './instrument.js'
export {
  LOADER_DURATION_BUCKETS,
  PURGE_DURATION_BUCKETS,
  PURGE_KEYS_BUCKETS,
  STORE_DURATION_BUCKETS,
} from './metrics.js'
export { ATTRIBUTES, METRICS, SPANS } from './names.js'
