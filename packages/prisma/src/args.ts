// Reading Prisma's operation arguments, which are plain data: objects, and fields that take one
// item or a list of them (`create: {…}` or `create: [{…}, {…}]`).

/** An object literal (what Prisma's argument objects are), as opposed to a Date, a Decimal, `Prisma.skip` … */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/** The items of a one-or-many argument; none for `undefined`. */
export function asList(value: unknown): readonly unknown[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

/** The member of an argument object, or `undefined` when the argument is not an object. */
export function member(value: unknown, name: string): unknown {
  return isPlainObject(value) && Object.hasOwn(value, name) ? value[name] : undefined
}

/** The `count` of a `createMany`, `updateMany` or `deleteMany` result. */
export function countOf(result: unknown): number | undefined {
  const count = member(result, 'count')
  return typeof count === 'number' ? count : undefined
}
