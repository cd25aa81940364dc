// The stale-read checker the fault suite and the concurrency tests share: a ledger of the newest
// version of every entity whose write has been acknowledged (its commit returned), and a check
// that every read started afterwards saw that version or a newer one.

/** Compares what one read saw with what had been acknowledged when it started. */
export type ReadCheck<Entity> = (entity: Entity, seenVersion: number, where: string) => void

/** Acknowledged versions, and the stale reads found so far. */
export interface StaleReadLedger<Entity> {
  /** Records that a write of `entity` at `version` was acknowledged. Older versions are ignored. */
  acknowledge(entity: Entity, version: number): void
  /** Call as a read starts; call the returned check for every entity the read saw. */
  beginRead(): ReadCheck<Entity>
  /** Reads checked so far (one per `beginRead`). */
  readonly reads: number
  /** One line per stale read: where, which entity, what it saw and what was acknowledged. */
  readonly violations: readonly string[]
}

export function staleReadLedger<Entity>(): StaleReadLedger<Entity> {
  const acknowledged = new Map<Entity, number>()
  const violations: string[] = []
  let reads = 0
  return {
    acknowledge(entity, version) {
      if (version > (acknowledged.get(entity) ?? Number.NEGATIVE_INFINITY)) {
        acknowledged.set(entity, version)
      }
    },
    beginRead() {
      reads += 1
      const required = new Map(acknowledged)
      return function checkRead(entity, seenVersion, where) {
        const wanted = required.get(entity)
        if (wanted !== undefined && !(seenVersion >= wanted)) {
          violations.push(
            `${where}: ${String(entity)} at v${seenVersion}, v${wanted} was acknowledged before the read`,
          )
        }
      }
    },
    get reads() {
      return reads
    },
    violations,
  }
}
