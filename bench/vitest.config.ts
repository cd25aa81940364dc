import { garnerProject } from '../vitest.project.js'

// The bench's own logic that the report depends on (counting rules, charts); never its figures.
export default garnerProject({ name: 'bench', include: ['src/**/*.test.ts'] })
