// The rows most tests start from: two users, posts with comments and a tag, a profile, a group
// with memberships (composite keys), and a post that one user reviews for the other.
import type { TestClient } from './harness.js'

export interface Seeded {
  readonly alice: number
  readonly bob: number
  readonly aliceProfile: number
  readonly draft: number
  readonly essay: number
  readonly review: number
  readonly comments: readonly string[]
  readonly tag: number
  readonly group: string
}

export async function seed(prisma: TestClient): Promise<Seeded> {
  const tag = await prisma.tag.create({ data: { name: 'news' } })
  const alice = await prisma.user.create({
    data: {
      email: 'alice@example.com',
      name: 'Alice',
      profile: { create: { bio: 'Writes essays' } },
      posts: {
        create: [
          {
            title: 'Draft',
            comments: { create: [{ body: 'First!' }, { body: 'Nice' }] },
            tags: { connect: { id: tag.id } },
          },
          { title: 'Essay' },
        ],
      },
    },
    include: { posts: { include: { comments: true } }, profile: true },
  })
  const bob = await prisma.user.create({ data: { email: 'bob@example.com', name: 'Bob' } })
  const review = await prisma.post.create({
    data: { title: 'Review me', authorId: bob.id, reviewerId: alice.id },
  })
  await prisma.group.create({
    data: {
      slug: 'admins',
      name: 'Admins',
      memberships: {
        create: [
          { userId: alice.id, role: 'owner' },
          { userId: bob.id, role: 'member' },
        ],
      },
    },
  })
  const [draft, essay] = alice.posts
  return {
    alice: alice.id,
    bob: bob.id,
    aliceProfile: alice.profile!.id,
    draft: draft!.id,
    essay: essay!.id,
    review: review.id,
    comments: draft!.comments.map((comment) => comment.id),
    tag: tag.id,
    group: 'admins',
  }
}
