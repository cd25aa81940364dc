// Raw SQL writes (`$executeRaw`, `$executeRawUnsafe`): Prisma cannot tell which rows they change,
// so the `rawWrites` option says which models they make stale. The default is every model.
import { asList } from './args.js'
import { InvalidationTargets } from './invalidation-targets.js'
import type { GarnerSchema } from './schema.js'

/** The raw operations the extension treats as writes. `$queryRaw` is treated as a read. */
export const RAW_WRITE_OPERATIONS: readonly string[] = ['$executeRaw', '$executeRawUnsafe']

/** A raw write about to run, for a `rawWrites` function. */
export interface RawWrite {
  /** The Prisma client method that runs the statement. */
  readonly operation: '$executeRaw' | '$executeRawUnsafe'
  /** The statement, with `?` where the values go (for `$executeRaw`, between the template's parts). */
  readonly sql: string
  /** The statement's parameters, in order. */
  readonly values: readonly unknown[]
}

/**
 * What a raw write makes stale:
 * - `'all'` (the default): every model of the schema;
 * - a list of model names: those models (`[]`: nothing, for code that invalidates by hand);
 * - a function of the statement returning either, run before the statement so that a mistake
 *   (an unknown model name) throws before the database changes.
 */
export type RawWrites<ModelName extends string = string> =
  | 'all'
  | readonly ModelName[]
  | ((write: RawWrite) => 'all' | readonly ModelName[])

/** The default of `rawWrites`: a raw statement may change any table, so every model goes stale. */
export const DEFAULT_RAW_WRITES: RawWrites = 'all'

/** The targets of raw writes under `policy`; checks model names at once when it can. */
export function rawWritePlanner(
  policy: RawWrites,
  schema: GarnerSchema,
): (operation: string, args: unknown) => InvalidationTargets {
  const resolve = (models: 'all' | readonly string[], origin: string): InvalidationTargets => {
    const targets = new InvalidationTargets()
    if (models === 'all') {
      targets.models(Object.keys(schema.models))
      return targets
    }
    if (!Array.isArray(models)) {
      throw new TypeError(
        `Garner: ${origin} must be 'all' or a list of model names; got ${String(models)}.`,
      )
    }
    for (const model of models) {
      if (typeof model !== 'string' || !Object.hasOwn(schema.models, model)) {
        throw new TypeError(
          `Garner: ${origin} names ${JSON.stringify(model)}, which is not a model of the schema ` +
            `(${Object.keys(schema.models).join(', ')}).`,
        )
      }
      targets.model(model)
    }
    return targets
  }
  if (typeof policy !== 'function') {
    const fixed = resolve(policy, 'the rawWrites option')
    return () => fixed
  }
  return (operation, args) =>
    resolve(policy(rawWrite(operation, args)), 'the rawWrites function result')
}

// `$executeRaw` receives Prisma's Sql object (`strings`, `values`); `$executeRawUnsafe` its
// arguments as a list, the statement first.
function rawWrite(operation: string, args: unknown): RawWrite {
  if (operation === '$executeRawUnsafe') {
    const [sql, ...values] = asList(args)
    return { operation, sql: String(sql), values }
  }
  const { strings, values } = (args ?? {}) as { strings?: unknown; values?: unknown }
  return {
    operation: '$executeRaw',
    sql: Array.isArray(strings) ? strings.join('?') : '',
    values: Array.isArray(values) ? values : [],
  }
}
