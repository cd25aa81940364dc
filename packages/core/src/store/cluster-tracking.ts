// The near cache's tracking on a Redis Cluster: one tracked connection per master, following the
// slot map. Redis tracks keys per connection and per node, so a key is read (and tracked) on the
// connection of the master serving its slot, and that master pushes its invalidation there.
// Answers from memory are allowed only while every master's tracking is up and its heartbeat
// answered, and the slot map is the one the connections were opened for: a failover or a
// reshard empties the near cache, which is bypassed until tracking covers the new topology.
import { GarnerError } from '../errors.js'
import type { ClusterNodeLike, ClusterRouter, RedisClusterLike } from './cluster-router.js'
import { clusterSlot } from './cluster-slot.js'
import {
  type RedisClientLike,
  RedisTracker,
  type Tracker,
  type TrackerListener,
  type TrackerTiming,
} from './tracking.js'

/** Tracking on every master of a Redis Cluster, behind the one-server {@link Tracker} contract. */
export class ClusterTracker implements Tracker {
  // The masters' trackers, by node address, for the slot map in `slotsSeen`.
  private readonly trackers = new Map<string, RedisTracker>()
  private slotsSeen: unknown
  // How many masters the slot map in `slotsSeen` has: every one needs a tracker.
  private masterCount = 0
  // Set when a tracked read met a slot on the move (MOVED, ASK, TRYAGAIN): nothing is answered
  // from memory until the cluster client holds a new slot map.
  private moving = false
  private closed = false
  // Bumped on every topology change, so that a tracker opened for an older one is discarded.
  private generation = 0
  private readonly watch: ReturnType<typeof setInterval>

  constructor(
    private readonly router: ClusterRouter,
    private readonly listener: TrackerListener,
    private readonly timing: TrackerTiming,
    // The store's timeout: connecting the cluster client is shared with the store's reads, which
    // must not inherit a shorter one.
    private readonly storeTimeout: number,
  ) {
    // The topology is looked at on every heartbeat, and whenever a read needs it.
    this.watch = setInterval(() => this.follow(), timing.heartbeat)
    this.watch.unref?.()
    this.follow()
  }

  get servingUntil(): number {
    if (!this.current() || this.trackers.size !== this.masterCount) return 0
    let until = Number.POSITIVE_INFINITY
    for (const tracker of this.trackers.values()) {
      const served = tracker.servingUntil
      if (served < until) until = served
    }
    return until === Number.POSITIVE_INFINITY ? 0 : until
  }

  get connected(): boolean {
    if (!this.current() || this.trackers.size !== this.masterCount) return false
    for (const tracker of this.trackers.values()) if (!tracker.connected) return false
    return this.masterCount > 0
  }

  /**
   * Reads keys on the tracked connections of their masters: one MGET per slot, every node in
   * parallel. Rejects when a master has no tracking, or when the slot map moved under the read.
   */
  async read(keys: readonly string[]): Promise<unknown[]> {
    if (!this.current()) throw NOT_TRACKED
    const { slots } = this.router.cluster
    const bySlot = new Map<number, number[]>()
    for (let index = 0; index < keys.length; index++) {
      const slot = clusterSlot(keys[index]!)
      const positions = bySlot.get(slot)
      if (positions === undefined) bySlot.set(slot, [index])
      else positions.push(index)
    }
    const values: unknown[] = new Array(keys.length)
    await Promise.all(
      [...bySlot].map(async ([slot, positions]) => {
        const address = slots[slot]?.master.address
        const tracker = address === undefined ? undefined : this.trackers.get(address)
        if (tracker === undefined) throw NOT_TRACKED
        let replies: unknown[]
        try {
          replies = await tracker.read(positions.map((position) => keys[position]!))
        } catch (error) {
          // MOVED, ASK or TRYAGAIN: the slot is moving. Nothing read now is kept, and the near
          // cache stays empty until the new slot map is known.
          if (isRedirection(error) && !this.moving) {
            this.moving = true
            this.listener.lost('a slot of the Redis Cluster is moving')
            this.router.refreshSoon()
          }
          throw error
        }
        positions.forEach((position, index) => {
          values[position] = replies[index]
        })
      }),
    )
    return values
  }

  async sync(): Promise<boolean> {
    if (!this.connected) return false
    const generation = this.generation
    const synced = await Promise.all([...this.trackers.values()].map((tracker) => tracker.sync()))
    return synced.every(Boolean) && generation === this.generation && this.current()
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearInterval(this.watch)
    const trackers = [...this.trackers.values()]
    this.trackers.clear()
    await Promise.all(trackers.map((tracker) => tracker.close()))
  }

  /** True while the trackers were opened for the slot map the cluster client holds now. */
  private current(): boolean {
    if (this.closed) return false
    if (this.router.cluster.slots !== this.slotsSeen) {
      this.follow()
      return false
    }
    return !this.moving
  }

  /**
   * Opens tracking on masters that have none and closes it on nodes that are no longer masters,
   * when the slot map changed; asks for a new slot map while some master's tracking is down.
   */
  private follow(): void {
    if (this.closed) return
    const { cluster } = this.router
    if (!cluster.isOpen || cluster.masters.length === 0) {
      // Tracking starts with the near cache, as on one server: connect the cluster client now.
      this.router.connected(this.storeTimeout).catch(() => {
        // Retried on the next heartbeat; reads report the store's failures meanwhile.
      })
      return
    }
    if (cluster.slots !== this.slotsSeen) {
      const previous = this.slotsSeen as RedisClusterLike['slots'] | undefined
      this.slotsSeen = cluster.slots
      // What is held was tracked under the old slot map: a failover's promoted replica never
      // saw this process's reads. (A refresh that found the same map changes nothing.)
      if (previous !== undefined && !this.moving && !sameOwners(previous, cluster.slots))
        this.listener.lost('the Redis Cluster slot map changed')
      this.moving = false
      this.reconcile(cluster.masters)
      return
    }
    // A master whose tracking is down may have failed over, and a slot on the move has a new
    // owner: look at the topology again.
    if (this.moving || this.trackers.size !== this.masterCount) this.router.refreshSoon()
    else
      for (const tracker of this.trackers.values())
        if (!tracker.connected) this.router.refreshSoon()
  }

  private reconcile(masters: readonly ClusterNodeLike[]): void {
    const generation = ++this.generation
    const addresses = new Set(masters.map((node) => node.address))
    this.masterCount = addresses.size
    for (const [address, tracker] of this.trackers) {
      if (addresses.has(address)) continue
      this.trackers.delete(address)
      void tracker.close()
    }
    for (const node of masters) {
      if (this.trackers.has(node.address)) continue
      this.router
        .nodeClient(node)
        .then((client) => {
          if (this.closed || generation !== this.generation || this.trackers.has(node.address))
            return
          this.trackers.set(node.address, this.open(client))
        })
        .catch(() => {
          // The master is unreachable: a later look at the topology tries again.
          this.router.refreshSoon()
        })
    }
  }

  private open(client: RedisClientLike): RedisTracker {
    return new RedisTracker(
      client,
      {
        invalidated: (key) => this.listener.invalidated(key),
        lost: (reason) => {
          this.listener.lost(reason)
          this.router.refreshSoon()
        },
        stalled: (reason) => this.listener.stalled(reason),
      },
      this.timing,
    )
  }
}

/** True when every slot has the same master in both slot maps. */
function sameOwners(before: RedisClusterLike['slots'], after: RedisClusterLike['slots']): boolean {
  if (before.length !== after.length) return false
  for (let slot = 0; slot < after.length; slot++) {
    if (before[slot]?.master.address !== after[slot]?.master.address) return false
  }
  return true
}

function isRedirection(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const { message } = error
  return message.startsWith('MOVED') || message.startsWith('ASK') || message.startsWith('TRYAGAIN')
}

const NOT_TRACKED = new GarnerError(
  'GARNER_STORE_ERROR',
  "Garner's near cache has no tracking on the Redis Cluster master of this key right now; it " +
    'reads from the store.',
)
