// What the demo's routes read and write, shared by every app: Prisma queries that select what each
// view shows. Writes go through the Garner-extended client (database.ts), which invalidates what
// they touched once they commit, so no route calls invalidate() itself.
import type { Garner } from '@garner/core'
import type { DemoPrisma } from './database.js'
import type { NewPost, NewUser, PostInput, UserInput } from './validation.js'

/** A user as everyone may see them. */
export interface PublicUser {
  readonly id: number
  readonly name: string
  readonly role: string
}

/** A user with their email: for admins, and for the user themselves. */
export interface FullUser extends PublicUser {
  readonly email: string
}

export interface Post {
  readonly id: number
  readonly title: string
  readonly body: string
  readonly authorId: number
}

/** The demo's reads and writes. Unknown ids read as `undefined`. */
export interface DemoData {
  users(): Promise<PublicUser[]>
  /** The user, with their email when `withEmail`. */
  user(id: number, withEmail: boolean): Promise<PublicUser | FullUser | undefined>
  /** The user's posts; `undefined` when there is no such user. */
  postsOf(userId: number): Promise<Post[] | undefined>
  post(id: number): Promise<Post | undefined>
  /** The latest posts, newest first: the public feed. */
  feed(): Promise<Post[]>
  /**
   * The author of a post, cached and bound to the post: a route that binds to the post's author
   * learns who that is without a query on a hit.
   */
  authorOf(postId: number): Promise<number | undefined>

  // Writes throw Prisma's errors; `writeError` says what they mean to the client.
  createUser(user: NewUser, withEmail: boolean): Promise<PublicUser | FullUser>
  updateUser(id: number, change: UserInput, withEmail: boolean): Promise<PublicUser | FullUser>
  /** Deletes the user and, by the schema's cascade, their posts. */
  deleteUser(id: number): Promise<void>
  createPost(authorId: number, post: NewPost): Promise<Post>
  updatePost(id: number, change: PostInput): Promise<Post>
  deletePost(id: number): Promise<void>
}

const PUBLIC_USER = { id: true, name: true, role: true } as const
const FULL_USER = { ...PUBLIC_USER, email: true } as const
const POST = { id: true, title: true, body: true, authorId: true } as const
const FEED_SIZE = 10

export function demoData(prisma: DemoPrisma, garner: Garner): DemoData {
  const userFields = (withEmail: boolean) => (withEmail ? FULL_USER : PUBLIC_USER)
  return {
    users: () => prisma.user.findMany({ select: PUBLIC_USER, orderBy: { id: 'asc' } }),
    user: async (id, withEmail) =>
      (await prisma.user.findUnique({ where: { id }, select: userFields(withEmail) })) ?? undefined,
    postsOf: async (userId) =>
      (
        await prisma.user.findUnique({
          where: { id: userId },
          select: { posts: { select: POST, orderBy: { id: 'asc' } } },
        })
      )?.posts,
    feed: () => prisma.post.findMany({ select: POST, orderBy: { id: 'desc' }, take: FEED_SIZE }),
    post: async (id) =>
      (await prisma.post.findUnique({ where: { id }, select: POST })) ?? undefined,
    authorOf: async (postId) =>
      (await garner.fetch(
        ['post-author', postId],
        async () =>
          (
            await prisma.post.findUnique({ where: { id: postId }, select: { authorId: true } })
          )?.authorId ?? null,
        { bind: ['Post', postId] },
      )) ?? undefined,

    createUser: ({ name, email, role }, withEmail) =>
      prisma.user.create({
        data: { name, email, role: role ?? 'member' },
        select: userFields(withEmail),
      }),
    updateUser: (id, change, withEmail) =>
      prisma.user.update({ where: { id }, data: change, select: userFields(withEmail) }),
    deleteUser: async (id) => {
      await prisma.user.delete({ where: { id } })
    },
    // `connect` makes an unknown author Prisma's "not found", answered 404.
    createPost: (authorId, { title, body }) =>
      prisma.post.create({
        data: { title, body, author: { connect: { id: authorId } } },
        select: POST,
      }),
    updatePost: (id, change) => prisma.post.update({ where: { id }, data: change, select: POST }),
    deletePost: async (id) => {
      await prisma.post.delete({ where: { id } })
    },
  }
}

/** What a client caused when a write fails: an unknown row (404) or a taken email (409). */
export interface WriteError {
  readonly status: 404 | 409
  readonly error: string
}

/** The client's share of a failed write, from Prisma's error code; `undefined` for a server fault. */
export function writeError(error: unknown): WriteError | undefined {
  const code = (error as { code?: unknown } | null)?.code
  if (code === 'P2025') return { status: 404, error: 'Not found' }
  if (code === 'P2002') return { status: 409, error: 'email is already taken' }
  return undefined
}
