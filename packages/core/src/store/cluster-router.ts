// Routing for one Redis Cluster client, shared by every Garner on it: keys grouped by the master
// of their slot, one circuit breaker per node, one connect, and slot-map refreshes when a node
// fails, so that a promoted replica takes over without a restart.
import { GarnerError } from '../errors.js'
import { clusterSlot } from './cluster-slot.js'
import { StoreGuard } from './store-guard.js'
import type { RedisClientLike } from './tracking.js'

/** A cluster node as the cluster client lists it (`masters`, `slots[n].master`). */
export interface ClusterNodeLike {
  readonly address: string
  readonly host: string
  readonly port: number
}

/** The part of `@redis/client`'s cluster client (`createCluster`) that Garner uses. */
export interface RedisClusterLike {
  readonly isOpen: boolean
  readonly slots: readonly ({ readonly master: ClusterNodeLike } | undefined)[]
  readonly masters: readonly ClusterNodeLike[]
  connect(): Promise<unknown>
  sendCommand(firstKey: string, isReadonly: boolean, args: string[]): Promise<unknown>
  on(event: string, listener: (...args: unknown[]) => void): unknown
  once(event: string, listener: (...args: unknown[]) => void): unknown
  /** The connected client of one node (the near cache duplicates it for tracking). */
  nodeClient?(node: ClusterNodeLike): Promise<unknown>
  /** Not public in @redis/client 5.12 but typed: the only way to refresh the slot map on demand. */
  readonly _slots?: { rediscover(startWith: { readonly options?: unknown }): Promise<void> }
}

// Slot-map refreshes after failures: at most one every this many milliseconds.
const REFRESH_INTERVAL = 100

/** The keys of one slot (as stored), and where each stood in the keys that were grouped. */
export interface SlotKeys {
  readonly keys: string[]
  readonly positions: number[]
}

const ROUTERS = new WeakMap<RedisClusterLike, ClusterRouter>()

export class ClusterRouter {
  readonly cluster: RedisClusterLike
  // Per store timeout (Garners on one client may differ), then per node address.
  private readonly guards = new Map<number, Map<string, NodeGuard>>()
  private connecting: Promise<void> | undefined
  private lastRefresh = 0

  /** The router of a cluster client, created on first use. */
  static of(cluster: RedisClusterLike): ClusterRouter {
    let router = ROUTERS.get(cluster)
    if (router === undefined) {
      router = new ClusterRouter(cluster)
      ROUTERS.set(cluster, router)
    }
    return router
  }

  private constructor(cluster: RedisClusterLike) {
    this.cluster = cluster
    // A node that drops its connection is the first sign of a failover: look at the topology
    // again without waiting for a command to time out on it.
    cluster.on('node-error', () => this.refreshSoon())
  }

  /** One MGET for keys of one slot; key by key when the slot is being migrated (TRYAGAIN). */
  async mget(keys: readonly string[]): Promise<unknown[]> {
    // Masters only (isReadonly false), even with useReplicas: a replica may not have the tokens
    // of an invalidation that already resolved.
    try {
      return (await this.cluster.sendCommand(keys[0]!, false, ['MGET', ...keys])) as unknown[]
    } catch (error) {
      if (keys.length === 1 || !(error instanceof Error) || !error.message.startsWith('TRYAGAIN'))
        throw error
      // Mid-migration, some keys are on the old owner and some on the new one: single-key GETs
      // follow ASK one by one.
      return Promise.all(keys.map((key) => this.cluster.sendCommand(key, false, ['GET', key])))
    }
  }

  /**
   * Keys (with `prefix` put before each) grouped by the address of the master serving their
   * slot, then by slot, each with the positions the keys had in `keys`.
   */
  groupByNode(keys: readonly string[], prefix = ''): Map<string, Map<number, SlotKeys>> {
    const byNode = new Map<string, Map<number, SlotKeys>>()
    const { slots } = this.cluster
    for (let position = 0; position < keys.length; position++) {
      const key = prefix + keys[position]!
      const slot = clusterSlot(key)
      const shard = slots[slot]
      if (shard === undefined) {
        this.refreshSoon()
        throw new GarnerError(
          'GARNER_STORE_ERROR',
          `Garner's Redis Cluster client knows no node for slot ${slot} yet; the slot map is being refreshed.`,
        )
      }
      const address = shard.master.address
      let bySlot = byNode.get(address)
      if (bySlot === undefined) {
        bySlot = new Map()
        byNode.set(address, bySlot)
      }
      const group = bySlot.get(slot)
      if (group === undefined) bySlot.set(slot, { keys: [key], positions: [position] })
      else {
        group.keys.push(key)
        group.positions.push(position)
      }
    }
    return byNode
  }

  /** The breaker of one node: a failure there refreshes the slot map. */
  guard(address: string, timeout: number): NodeGuard {
    let byAddress = this.guards.get(timeout)
    if (byAddress === undefined) {
      byAddress = new Map()
      this.guards.set(timeout, byAddress)
    }
    let guard = byAddress.get(address)
    if (guard === undefined) {
      const node = new StoreGuard({ timeout })
      const refresh = () => this.refreshSoon()
      guard = {
        node,
        call: async function guardedCall<T>(operation: () => Promise<T>): Promise<T> {
          try {
            return await node.call(operation)
          } catch (error) {
            refresh()
            throw error
          }
        },
      }
      byAddress.set(address, guard)
    }
    return guard
  }

  /** True once the cluster client is connected and knows its masters. */
  get ready(): boolean {
    return this.cluster.isOpen && this.cluster.masters.length > 0
  }

  /** The client of one node, to duplicate for a tracking connection. */
  async nodeClient(node: ClusterNodeLike): Promise<RedisClientLike> {
    if (this.cluster.nodeClient === undefined)
      throw new TypeError('Garner: this Redis Cluster client cannot hand out node clients.')
    return (await this.cluster.nodeClient(node)) as RedisClientLike
  }

  /** Connects the cluster client once (also when @keyv/redis started connecting it). */
  connected(timeout: number): Promise<void> {
    if (this.ready) return Promise.resolve()
    this.connecting ??= this.guard('discovery', timeout)
      .call(async () => {
        if (!this.cluster.isOpen) await this.cluster.connect()
        else if (this.cluster.masters.length === 0)
          await new Promise((resolve) => this.cluster.once('connect', resolve))
      })
      .finally(() => {
        this.connecting = undefined
      })
    return this.connecting
  }

  /** Asks a live master for the slot map again; failed nodes' slots move to their replicas. */
  refreshSoon(): void {
    const rediscover = this.cluster._slots?.rediscover
    // A closed client stays closed: a refresh would open connections again.
    if (!this.cluster.isOpen || rediscover === undefined) return
    if (Date.now() - this.lastRefresh < REFRESH_INTERVAL) return
    this.lastRefresh = Date.now()
    const masters = this.cluster.masters
    const live = masters.find((node) => !this.isOpen(node.address)) ?? masters[0]
    if (live === undefined) return
    rediscover
      .call(this.cluster._slots, { options: { socket: { host: live.host, port: live.port } } })
      .catch(() => {})
  }

  /** True when some breaker of this node is open. */
  private isOpen(address: string): boolean {
    for (const byAddress of this.guards.values()) if (byAddress.get(address)?.node.open) return true
    return false
  }
}

/** One node's circuit breaker, refreshing the slot map when a call through it fails. */
interface NodeGuard {
  readonly node: StoreGuard
  call<T>(operation: () => Promise<T>): Promise<T>
}
