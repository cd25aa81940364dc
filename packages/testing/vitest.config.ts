import { garnerProject } from '../../vitest.project.js'

export default garnerProject({ name: 'testing', include: ['src/**/*.test.ts'] })
