import { garnerProject } from '../../vitest.project.js'

export default garnerProject({ name: 'cdn', include: ['src/**/*.test.ts'] })
