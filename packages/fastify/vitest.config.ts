import { garnerProject } from '../../vitest.project.js'

export default garnerProject({ name: 'fastify', include: ['src/**/*.test.ts'] })
