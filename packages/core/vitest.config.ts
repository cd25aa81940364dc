import { garnerProject } from '../../vitest.project.js'

export default garnerProject({ name: 'core', include: ['src/**/*.test.ts'] })
