// The demo's first data: an admin, two members, a few posts.
import type { DemoPrisma } from './database.js'

export async function seed(prisma: DemoPrisma): Promise<void> {
  await prisma.user.create({
    data: {
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      role: 'admin',
      posts: {
        create: [
          { title: 'Notes on the Analytical Engine', body: 'It weaves algebraic patterns.' },
          { title: 'On Bernoulli numbers', body: 'A plan of computation, step by step.' },
        ],
      },
    },
  })
  await prisma.user.create({
    data: {
      name: 'Grace Hopper',
      email: 'grace@example.com',
      role: 'member',
      posts: { create: [{ title: 'Nanoseconds', body: 'Eleven point eight inches of wire.' }] },
    },
  })
  await prisma.user.create({
    data: { name: 'Linus Torvalds', email: 'linus@example.com', role: 'member' },
  })
}
