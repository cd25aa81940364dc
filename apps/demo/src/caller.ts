// Who is calling, from `Authorization: Bearer <userId>`: a toy scheme for the demo only (anyone can
// claim any id; never authenticate like this). The lookup is cached and bound to the caller's row,
// so a role change shows at once.
import type { Garner } from '@garner/core'
import type { DemoPrisma } from './database.js'
import type { Role } from './validation.js'

/** The calling user. */
export interface Caller {
  readonly id: number
  readonly role: Role
}

/** Finds the caller named by an `Authorization` header; `undefined` for none or an unknown id. */
export type FindCaller = (authorization: string | undefined) => Promise<Caller | undefined>

export function callerLookup(garner: Garner, prisma: DemoPrisma): FindCaller {
  return async function findCaller(authorization) {
    const match = /^Bearer\s+([1-9]\d{0,8})$/i.exec(authorization ?? '')
    if (match === null) return undefined
    const id = Number(match[1])
    const caller = await garner.fetch(
      ['caller', id],
      async () =>
        (await prisma.user.findUnique({ where: { id }, select: { id: true, role: true } })) ?? null,
      { bind: ['User', id] },
    )
    // Roles are validated on every write, so a stored role is one of ROLES.
    return caller === null ? undefined : (caller as Caller)
  }
}
