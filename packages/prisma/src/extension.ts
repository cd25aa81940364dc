// garnerExtension(): the Prisma Client extension that invalidates Garner bindings after every
// successful write. Glue only: write-plan.ts maps an operation onto models and ids, Garner's
// invalidateMany does the invalidating, transaction-scope.ts decides when.
import type { Garner } from '@garner/core'
import { Prisma } from '@prisma/client/extension'
import type { Types } from '@prisma/client/runtime/client'
import { isPlainObject } from './args.js'
import type { InvalidationTargets } from './invalidation-targets.js'
import type { WriteContext } from './nested-writes.js'
import {
  DEFAULT_RAW_WRITES,
  RAW_WRITE_OPERATIONS,
  type RawWrites,
  rawWritePlanner,
} from './raw-writes.js'
import { schemaFromRuntimeDataModel } from './runtime-schema.js'
import { CASE_INSENSITIVE_PROVIDERS, type GarnerSchema } from './schema.js'
import { isTransactionClient, TransactionScope, writePlace } from './transaction-scope.js'
import { planWrite, type WritePlan } from './write-plan.js'

/** Options of {@link garnerExtension}. */
export interface GarnerExtensionOptions<ModelName extends string = string> {
  /**
   * The schema as the garner-prisma generator writes it (`garnerSchema`). With it, writes
   * invalidate the instances they wrote and exactly the models their referential actions reach.
   * Without it, every write invalidates whole models, and deletes and updates every model
   * connected to theirs (Prisma 7's client does not know primary keys at run time).
   */
  readonly schema?: GarnerSchema<ModelName>
  /** What `$executeRaw` and `$executeRawUnsafe` make stale. Default: `'all'`, every model. */
  readonly rawWrites?: RawWrites<ModelName>
}

/**
 * What `garnerExtension()` returns: pass it to `prisma.$extends(...)`. It adds nothing to the
 * client's type, so the extended client keeps Prisma's own `$transaction` and model types.
 */
export type GarnerPrismaExtension = (client: unknown) => {
  $extends: { extArgs: Types.Extensions.DefaultArgs }
}

// The members of the client being extended that the extension uses.
interface ExtensibleClient {
  $transaction(...args: unknown[]): Promise<unknown>
  $extends(extension: object): unknown
}

interface QueryParams {
  readonly model?: string
  readonly operation: string
  readonly args: unknown
  query(args: unknown): Promise<unknown>
}

/**
 * The Prisma Client extension that keeps Garner's cache in step with the database:
 * `new PrismaClient({ adapter }).$extends(garnerExtension(garner, { schema: garnerSchema }))`.
 *
 * After every successful write it invalidates, in one `invalidateMany` call, the bindings the
 * write touched: `['Model', id]` for rows whose primary key it knows, `'Model'` otherwise,
 * including nested writes and the rows the database cascades to. Writes inside `$transaction`
 * are invalidated after the commit, and not at all after a rollback. A failed write invalidates
 * nothing. A store that cannot take the invalidation never fails the write: Garner holds the
 * invalidation, retries it, and reports the failure through its `error` event.
 */
export function garnerExtension<ModelName extends string = string>(
  garner: Garner,
  options: GarnerExtensionOptions<ModelName> = {},
): GarnerPrismaExtension {
  if (typeof (garner as Partial<Garner> | null)?.invalidateMany !== 'function') {
    throw new TypeError(
      'Garner: garnerExtension(garner) needs the Garner instance that createGarner() returned.',
    )
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('Garner: the options of garnerExtension() must be an object.')
  }
  const invalidate = async (targets: InvalidationTargets): Promise<void> => {
    if (!targets.isEmpty) await garner.invalidateMany(targets.bindings())
  }

  return Prisma.defineExtension(function garnerPrismaExtension(prisma) {
    const client = prisma as unknown as ExtensibleClient
    const schema = checkedSchema(options.schema ?? schemaFromRuntimeDataModel(client))
    const context: WriteContext = {
      schema,
      exactText: !CASE_INSENSITIVE_PROVIDERS.includes(schema.provider),
    }
    const planRawWrite = rawWritePlanner(options.rawWrites ?? DEFAULT_RAW_WRITES, schema)
    const scope = new TransactionScope(invalidate)
    const parentTransaction = client.$transaction

    const plan = (model: string | undefined, operation: string, args: unknown) => {
      if (model !== undefined) return planWrite(context, model, operation, args)
      if (!RAW_WRITE_OPERATIONS.includes(operation)) return undefined
      const targets = planRawWrite(operation, args)
      return (() => targets) satisfies WritePlan
    }

    return client.$extends({
      name: '@garner/prisma',
      client: {
        // Both forms of $transaction resolve after the commit and reject after a rollback.
        $transaction(this: unknown, ...args: unknown[]): Promise<unknown> {
          return scope.run(isTransactionClient(this), () => parentTransaction.apply(this, args))
        },
      },
      query: {
        async $allOperations(params: QueryParams): Promise<unknown> {
          const { model, operation, args, query } = params
          const planned = plan(model, operation, args)
          if (planned === undefined) return query(args)
          const result = await query(args)
          await scope.written(planned(result), writePlace(params))
          return result
        },
      },
    }) as ReturnType<GarnerPrismaExtension>
  }) as GarnerPrismaExtension
}

function checkedSchema(schema: GarnerSchema): GarnerSchema {
  if (
    !isPlainObject(schema) ||
    !isPlainObject(schema.models) ||
    typeof schema.provider !== 'string'
  ) {
    throw new TypeError(
      'Garner: the schema option of garnerExtension() must be the garnerSchema that the ' +
        'garner-prisma generator writes.',
    )
  }
  return schema
}
