/**
 * `@garner/prisma`: a Prisma Client extension that invalidates Garner bindings after every write.
 *
 * @module @garner/prisma
 */
export { binding, type ModelBinding, type ModelDelegate, type ModelNameOf } from './binding.js'
export {
  type GarnerExtensionOptions,
  type GarnerPrismaExtension,
  garnerExtension,
} from './extension.js'
export { DEFAULT_RAW_WRITES, type RawWrite, type RawWrites } from './raw-writes.js'
export type { IdValue, PrismaId } from './row-id.js'
export type { GarnerSchema, IdField, ModelSchema, RelationSchema } from './schema.js'
