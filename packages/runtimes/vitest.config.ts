import { garnerProject } from '../../vitest.project.js'

export default garnerProject({ name: 'runtimes', include: ['src/**/*.test.ts'] })
