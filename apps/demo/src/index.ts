// The demo as a module, for its tests, the fault suite and the benchmarks.
export { type DemoConfig, type Framework, readConfig } from './config.js'
export { type Database, type DemoPrisma, openDatabase } from './database.js'
export { type Demo, startDemo } from './server.js'
