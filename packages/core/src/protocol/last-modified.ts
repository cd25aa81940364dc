// Last-Modified times: whole seconds (HTTP dates have no fractions), stable while the value is
// unchanged, and always later than the previous time when the value changed, so a client that
// validates by date alone never keeps a copy that changed within the same second.

/**
 * The Last-Modified time, in ms, for a freshly loaded value with tag `etag` (which only matters,
 * and is only needed, when there is a `previous` entry).
 */
export function nextLastModified(
  previous: { readonly etag: string; readonly lastModified: number } | undefined,
  etag: string | undefined,
  now: number,
): number {
  const second = now - (now % 1000)
  if (previous === undefined) return second
  if (previous.etag === etag) return previous.lastModified
  return Math.max(second, previous.lastModified + 1000)
}
