// The stores a suite runs over: a name, and how to open it for one test run.
import { createGarner, type Garner, type GarnerOptions } from '@garner/core'

/** Options a suite may set on the Garner instances it creates (the store is the target's). */
export type TestGarnerOptions = Omit<GarnerOptions, 'store' | 'namespace'>

/** A store opened for a test run. */
export interface OpenStore {
  /** A Garner instance on the store under test, in a namespace of its own. */
  garner(options?: TestGarnerOptions): Garner
  /** Releases the store (closes connections, stops servers). */
  close?(): Promise<void>
}

/** A store the suites can run over. */
export interface StoreTarget {
  /** Shown in the suite's name: `memory`, `redis` … */
  readonly name: string
  /** Opens the store (starting a server when needed). Called once per suite. */
  open(): Promise<OpenStore>
}

/** What opening a store gives {@link storeTarget}: the Garner options that select it. */
export interface StoreSetup {
  /** Applied to every Garner of the target before the suite's own options (`store`, `nearCache` …). */
  readonly options?: GarnerOptions
  /** Releases what opening took. */
  close?(): Promise<void>
}

let namespaces = 0
// Tells apart processes sharing one server; 0 where there is no `process` (Workers).
const PROCESS_ID: number = (globalThis as { process?: { pid?: number } }).process?.pid ?? 0

/**
 * A {@link StoreTarget} from the Garner options that select a store. Every Garner it creates gets
 * a fresh namespace, so suites sharing one server never see each other's keys.
 *
 * ```ts
 * storeTarget('redis', async () => {
 *   const keyv = new Keyv(new KeyvRedis(url))
 *   return { options: { store: keyv }, close: () => keyv.disconnect() }
 * })
 * ```
 */
export function storeTarget(
  name: string,
  open: () => StoreSetup | Promise<StoreSetup> = () => ({}),
): StoreTarget {
  return {
    name,
    async open() {
      const setup = await open()
      const created: Garner[] = []
      return {
        garner: (options) => {
          const garner = createGarner({
            ...setup.options,
            ...options,
            namespace: `${name}-${PROCESS_ID}-${++namespaces}`,
          })
          created.push(garner)
          return garner
        },
        close: async () => {
          // Each Garner may hold connections of its own (a near cache's tracking connection).
          for (const garner of created) await garner.close()
          await setup.close?.()
        },
      }
    },
  }
}

/** The in-process store: needs no server. */
export const memoryTarget: StoreTarget = storeTarget('memory')
