import { garnerProject } from '../../vitest.project.js'

export default garnerProject({
  name: 'hono',
  include: ['src/**/*.test.ts'],
  exclude: ['src/**/*.cluster.test.ts'],
})
