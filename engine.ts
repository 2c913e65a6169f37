/**
 * `innkeeper/engine`: the composition. `createInMemoryEngine()` wires the whole core on the
 * in-memory adapters; `bindCore` binds every use case into your own Inversify container once your
 * adapters are bound to the port tokens; `promiseFacade` turns the use cases into Promise methods.
 * Needs `inversify` (a peer dependency); patches no globals.
 */
export { bindCore, resolveUseCases } from './apps/composition/bind-core.js'
export {
  createInMemoryEngine,
  type InMemoryAdapters,
  type InMemoryEngine,
  type InMemoryEngineOptions,
  type TickReport,
} from './apps/composition/in-memory-engine.js'
export {
  type PromiseError,
  type PromiseFacade,
  type PromiseMethod,
  promiseFacade,
} from './apps/composition/promise-facade.js'
export { runToPromise } from './apps/composition/run-to-promise.js'
export { CoreDepsToken, CoreSettingsToken } from './apps/composition/tokens.js'
export { type UseCaseClasses, type UseCases, useCaseClasses } from './apps/composition/use-cases.js'
