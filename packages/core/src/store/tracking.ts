// The tracking connection behind the near cache: a dedicated RESP3 connection, derived from the
// application's Redis client, with server-assisted client-side caching on (`CLIENT TRACKING`).
// The near cache reads through it, so Redis remembers what this process holds and pushes an
// invalidation on that same connection when anything it read changes, whoever changed it. A
// heartbeat proves the connection is alive: each answered PING shows every invalidation Redis
// sent before it has been received, since a connection delivers in order.
import { GarnerError } from '../errors.js'

/**
 * Where the near cache gets its tracked reads and its invalidations from. One Redis server is
 * {@link RedisTracker}; a Redis Cluster needs one tracked connection per node behind the same
 * contract.
 */
export interface Tracker {
  /**
   * Until when (ms since the epoch) the near cache may answer from memory: the send time of the
   * last answered heartbeat plus the lease. 0 while tracking is down.
   */
  readonly servingUntil: number
  /** True while the tracked connection is established (the lease may still have lapsed). */
  readonly connected: boolean
  /** Reads Redis keys on the tracked connection; rejects when it is not connected. */
  read(keys: readonly string[]): Promise<unknown[]>
  /**
   * Resolves `true` once every invalidation Redis had sent when this was called has been
   * delivered to the listener, `false` when tracking is down.
   */
  sync(): Promise<boolean>
  /** Closes the tracked connection(s) and stops the heartbeat. */
  close(): Promise<void>
}

/** What a {@link Tracker} tells the near cache. */
export interface TrackerListener {
  /** Redis says `key` changed (`null`: everything did, as after FLUSHALL). */
  invalidated(key: string | null): void
  /** Tracking was lost (the connection closed): what is held may be stale. */
  lost(reason: string): void
  /**
   * No heartbeat was answered within the lease: answers from memory stop until one is. What is
   * held stays valid (the connection delivers in order, so the answer comes after every message
   * Redis sent before it).
   */
  stalled(reason: string): void
}

/** The part of a node-redis 5 client (`@redis/client`, as `@keyv/redis` holds it) that Garner uses. */
export interface RedisClientLike {
  readonly options?: unknown
  duplicate(overrides: Record<string, unknown>): RedisClientLike
  connect(): Promise<unknown>
  destroy(): void
  unref?(): void
  on(event: string, listener: (...args: never[]) => void): unknown
  mGet(keys: string[]): Promise<unknown[]>
  ping(): Promise<unknown>
  readonly isOpen?: boolean
}

/** Timing of the heartbeat, in milliseconds. */
export interface TrackerTiming {
  /** How often the tracking connection is pinged. */
  readonly heartbeat: number
  /** How long after a heartbeat was sent its answer keeps the near cache serving. */
  readonly lease: number
}

/** The name the tracking connection gives itself (`CLIENT LIST` shows it). */
export const TRACKING_CLIENT_NAME = 'garner-near-cache'

/** Tracking on one Redis server, through a duplicate of the application's client. */
export class RedisTracker implements Tracker {
  private readonly client: RedisClientLike
  private readonly heartbeatTimer: ReturnType<typeof setInterval>
  private up = false
  private closed = false
  private until = 0
  private pingSentAt = 0
  private pinging = false
  // Bumped whenever the connection is lost, so that a heartbeat answered by an older connection
  // cannot renew the lease of a newer one.
  private epoch = 0

  constructor(
    base: RedisClientLike,
    private readonly listener: TrackerListener,
    private readonly timing: TrackerTiming,
  ) {
    this.client = base.duplicate({
      RESP: 3,
      // node-redis sends CLIENT TRACKING ON in the handshake of every (re)connection, before any
      // queued command, and emits each invalidation push as an `invalidate` event.
      emitInvalidate: true,
      clientSideCache: undefined,
      name: TRACKING_CLIENT_NAME,
      // Reads are never queued for a connection that is not there: the near cache reads from
      // the store instead.
      disableOfflineQueue: true,
      socket: {
        ...socketOptionsOf(base),
        reconnectStrategy: reconnectDelay,
      },
    })
    this.client.unref?.()
    this.client.on('invalidate', (key: Buffer | string | null) => {
      this.listener.invalidated(key === null ? null : key.toString())
    })
    this.client.on('ready', () => {
      this.up = true
      // The handshake turned tracking on: nothing is held yet, and everything read from now on
      // is tracked. The first heartbeat goes out at once.
      this.until = Date.now() + this.timing.lease
      this.beat()
    })
    const down = (reason: string) => () => this.lose(reason)
    this.client.on('error', (error: unknown) => this.lose(messageOf(error)))
    this.client.on('reconnecting', down('reconnecting'))
    this.client.on('end', down('closed'))
    this.heartbeatTimer = setInterval(() => this.beat(), this.timing.heartbeat)
    this.heartbeatTimer.unref?.()
    this.client.connect().catch(() => {
      // Reported through the 'error' event; the reconnect strategy keeps trying.
    })
  }

  get servingUntil(): number {
    return this.until
  }

  get connected(): boolean {
    return this.up
  }

  read(keys: readonly string[]): Promise<unknown[]> {
    if (!this.up) return Promise.reject(NOT_CONNECTED)
    return this.client.mGet(keys as string[])
  }

  async sync(): Promise<boolean> {
    if (!this.up) return false
    const epoch = this.epoch
    try {
      await this.client.ping()
    } catch {
      return false
    }
    return this.up && this.epoch === epoch
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearInterval(this.heartbeatTimer)
    this.lose('closed')
    try {
      this.client.destroy()
    } catch {
      // Already closed.
    }
  }

  private beat(): void {
    if (!this.up || this.closed) return
    const now = Date.now()
    if (this.pinging) {
      // The last heartbeat is still unanswered: once its lease has run out, what is held can no
      // longer be shown to be current.
      if (now >= this.until && this.until !== 0) {
        this.until = 0
        this.listener.stalled(`no answer to a heartbeat for ${now - this.pingSentAt} ms`)
      }
      return
    }
    this.pinging = true
    this.pingSentAt = now
    const epoch = this.epoch
    this.client.ping().then(
      () => {
        this.pinging = false
        if (this.epoch === epoch && this.up) this.until = this.pingSentAt + this.timing.lease
      },
      () => {
        this.pinging = false
      },
    )
  }

  private lose(reason: string): void {
    const wasServing = this.up || this.until !== 0
    this.up = false
    this.until = 0
    this.pinging = false
    this.epoch += 1
    if (wasServing && !this.closed) this.listener.lost(reason)
  }
}

function socketOptionsOf(client: RedisClientLike): Record<string, unknown> {
  const options = client.options as { socket?: Record<string, unknown> } | undefined
  return { ...options?.socket }
}

/** Reconnects after 50 ms, doubling up to 2 s, with jitter, for as long as the cache is open. */
function reconnectDelay(attempt: number): number {
  return Math.min(50 * 2 ** attempt, 2_000) + Math.floor(Math.random() * 50)
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

const NOT_CONNECTED = new GarnerError(
  'GARNER_STORE_ERROR',
  "Garner's near cache has no tracking connection right now; it reads from the store.",
)
