// Section 1: the cache hit path in process. Every arm holds the same 1 KB value under one key and
// answers a hit with it; Map.get is the limit, the anchors are the caches people pick instead.
import { type Bindings, createGarner, type Garner } from '@garner/core'
import Keyv from 'keyv'
import { anchorArms } from './anchors.js'
import { type Arm, type ArmSet, keyOf } from './arms.js'
import { countingLoader, VALUE } from './fixture.js'
import type { Op } from './measure.js'

/** The in-process hit arms, not yet primed (the raw stores already hold the value). */
export async function inProcessHitArms(): Promise<ArmSet> {
  const arms: Arm[] = []

  const map = new Map<string, unknown>([[keyOf(0), VALUE]])
  arms.push({ name: 'Map.get', role: 'limit', op: (worker) => map.get(keyOf(worker)) })

  const keyv = new Keyv()
  await keyv.set(keyOf(0), VALUE)
  arms.push({ name: 'keyv.get', role: 'raw', op: (worker) => keyv.get(keyOf(worker)) })

  const anchors = anchorArms('hit', () => undefined, keyOf)
  arms.push(...anchors.map(({ arm }) => arm))

  arms.push(...garnerHitArms(() => createGarner()))
  arms.push(identityChainArm(createGarner()))

  return {
    arms,
    close: async () => {
      await Promise.all(anchors.map(({ anchor }) => anchor.close()))
    },
  }
}

/** The binding counts of the Garner arms: none, one instance, two instances and a model. */
export const BINDING_COUNTS = [0, 1, 3] as const
export type BindingCount = (typeof BINDING_COUNTS)[number]

/**
 * The bindings of each count. A function, so that each call builds its arrays afresh, as an
 * application's literal `{ bind: [...] }` does.
 */
const BINDINGS: Record<BindingCount, () => Bindings | undefined> = {
  0: () => undefined,
  1: () => ['User', 42],
  3: () => [['User', 42], ['Post', 7], 'Tag'],
}

/** One fetch with 0, 1 or 3 bindings, the options object built on every call. */
export function garnerFetch(garner: Garner, count: BindingCount, load: () => Promise<unknown>): Op {
  const bind = BINDINGS[count]
  return count === 0
    ? (worker) => garner.fetch(keyOf(worker), () => load())
    : (worker) => garner.fetch(keyOf(worker), () => load(), { bind: bind()! })
}

/** `garner.fetch, 3 bindings`: the name of a Garner hit arm. */
export function garnerArmName(count: BindingCount): string {
  return `garner.fetch, ${count} binding${count === 1 ? '' : 's'}`
}

/** Garner with 0, 1 and 3 bindings, one instance each. */
export function garnerHitArms(create: () => Garner): Arm[] {
  return BINDING_COUNTS.map((count) => {
    const load = countingLoader(VALUE)
    return {
      name: garnerArmName(count),
      role: 'garner',
      loader: load,
      op: garnerFetch(create(), count, load),
    }
  })
}

/** The name of the identity-chain hit arm. */
export const CHAIN_ARM = "garner.bind(['User', 42]).key(k).fetch(load)"

/**
 * The identity chain as a new user writes it: the chain built afresh on every call, with the same
 * one binding as `garner.fetch, 1 binding`, so the two differ only in how the call is written.
 */
export function identityChainArm(garner: Garner): Arm {
  const load = countingLoader(VALUE)
  return {
    name: CHAIN_ARM,
    role: 'garner',
    loader: load,
    op: (worker) =>
      garner
        .bind(['User', 42])
        .key(keyOf(worker))
        .fetch(() => load()),
  }
}

/**
 * Keys one Garner hit reads with `count` bindings (entry metadata, body and the bindings'
 * generation tokens): the size of its single MGET on Redis.
 */
export function keysRead(count: BindingCount): number {
  const bindings = BINDINGS[count]()
  const base = createGarner()
  const identity = (bindings === undefined ? base.identity() : base.bind(bindings)).key(keyOf(0))
  return 2 + identity.describe().tokenKeys.length
}
