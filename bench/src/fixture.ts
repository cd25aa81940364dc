// The value every cache under test holds: about 1 KB of JSON, shaped like a REST API answer
// (strings and numbers only, so that every cache stores it faithfully).

export interface Post {
  readonly id: number
  readonly title: string
  readonly body: string
  readonly tags: readonly string[]
}

export interface Profile {
  readonly id: number
  readonly name: string
  readonly email: string
  readonly role: string
  readonly createdAt: string
  readonly bio: string
  readonly posts: readonly Post[]
}

/** A profile whose JSON text is `bytes` long (1 KB by default; at least about 300). */
export function profileValue(id = 42, bytes = 1024): Profile {
  const posts: Post[] = []
  const base = { id, name: 'Ada Lovelace', email: 'ada@example.com', role: 'admin' }
  const profile = (bio = ''): Profile => ({
    ...base,
    createdAt: '2024-05-01T12:00:00.000Z',
    bio,
    posts,
  })
  while (JSON.stringify(profile()).length + 170 < bytes) {
    const n = posts.length + 1
    posts.push({
      id: n,
      title: `Notes on the Analytical Engine, part ${n}`,
      body: 'It weaves algebraic patterns just as the Jacquard loom weaves flowers.',
      tags: ['history', 'computing'],
    })
  }
  // The bio pads the text to the exact size.
  return profile('x'.repeat(Math.max(0, bytes - JSON.stringify(profile()).length)))
}

/** The shared 1 KB value and its JSON length, for the report. */
export const VALUE: Profile = profileValue()
export const VALUE_BYTES: number = Buffer.byteLength(JSON.stringify(VALUE))

/** A loader that counts its calls: a hit benchmark checks the count stays put. */
export interface CountingLoader<T> {
  (): Promise<T>
  readonly calls: number
}

export function countingLoader<T>(value: T, delayMs = 0): CountingLoader<T> {
  let calls = 0
  const load = async (): Promise<T> => {
    calls += 1
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
    return value
  }
  return Object.defineProperty(load, 'calls', { get: () => calls }) as CountingLoader<T>
}
