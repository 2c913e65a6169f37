import { createEngine, type InMemoryEngine, type InMemoryEngineOptions } from './engine.js'

export type {
  Engine,
  EngineOptions,
  InfrastructurePorts,
  InMemoryAdapters,
  InMemoryEngine,
  InMemoryEngineOptions,
  TickReport,
} from './engine.js'
export { runToPromise } from './run-to-promise.js'

/**
 * The whole engine in one process: every port bound to its in-memory adapter, every use case
 * bound with Inversify. Used by the tests, the simulator and the default `npm start`. It is one
 * configuration of `createEngine` (engine.ts): the one without a shared store.
 */
export const createInMemoryEngine = (options: InMemoryEngineOptions = {}): InMemoryEngine =>
  createEngine(options)
