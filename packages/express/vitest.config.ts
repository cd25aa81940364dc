import { garnerProject } from '../../vitest.project.js'

export default garnerProject({
  name: 'express',
  include: ['src/**/*.test.ts'],
  exclude: ['src/**/*.cluster.test.ts'],
})
