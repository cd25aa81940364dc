import { garnerProject } from '../../vitest.project.js'

export default garnerProject({ name: 'otel', include: ['src/**/*.test.ts'] })
