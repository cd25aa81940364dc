// Holds back the invalidations of writes made inside a `$transaction` until it commits, and drops
// them when it rolls back. Invalidating at the write would be too early: until the commit, other
// connections still read the old row, and a reader caching it then would store it under the new
// generation, where it would stay after the commit.
import { AsyncLocalStorage } from 'node:async_hooks'
import { InvalidationTargets } from './invalidation-targets.js'

/** Where a write ran, as Prisma tells the query extension. */
export type WritePlace = 'outside' | 'transaction' | 'unknown'

export class TransactionScope {
  // The targets held for the `$transaction` call whose async context the code runs in.
  private readonly held = new AsyncLocalStorage<InvalidationTargets>()

  constructor(private readonly invalidate: (targets: InvalidationTargets) => Promise<void>) {}

  /**
   * Runs one `$transaction` call (either form). When it resolves, the transaction committed and
   * what its writes made stale is invalidated; a nested transaction (a savepoint) passes it to the
   * enclosing one instead, which may still roll back. When it rejects, nothing is invalidated.
   */
  async run<T>(nested: boolean, transaction: () => Promise<T>): Promise<T> {
    const enclosing = nested ? this.held.getStore() : undefined
    const targets = new InvalidationTargets()
    const result = await this.held.run(targets, transaction)
    if (enclosing !== undefined) enclosing.add(targets)
    else await this.invalidate(targets)
    return result
  }

  /** Invalidates a finished write's targets now, or holds them for the commit of its transaction. */
  async written(targets: InvalidationTargets, place: WritePlace): Promise<void> {
    const held = place === 'outside' ? undefined : this.held.getStore()
    held?.add(targets)
    // Where Prisma did not say ('unknown'), invalidate now as well: early if the write belongs to
    // the transaction, and never wrong.
    if (held === undefined || place === 'unknown') await this.invalidate(targets)
  }
}

/**
 * Where Prisma says a write ran. Its query extensions receive `__internalParams.transaction`
 * (undocumented; Prisma's own read-replicas extension routes on it). Without it: `'unknown'`.
 */
export function writePlace(params: object): WritePlace {
  const internal = (params as { __internalParams?: unknown }).__internalParams
  if (typeof internal !== 'object' || internal === null || !('transaction' in internal)) {
    return 'unknown'
  }
  return internal.transaction === undefined ? 'outside' : 'transaction'
}

/** Whether `client` is the client an interactive transaction hands its callback (it has no `$extends`). */
export function isTransactionClient(client: unknown): boolean {
  return typeof (client as { $extends?: unknown } | null)?.$extends !== 'function'
}
