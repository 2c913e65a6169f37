/**
 * `innkeeper/engine`: the composition. `createEngine(options)` wires the core from Inversify
 * ContainerModules per adapter family (a shared store such as `createMongoAdapters` from
 * `innkeeper/mongo`, Redis and RabbitMQ ports, payment providers; memory for the rest);
 * `createInMemoryEngine()` is its all-in-memory configuration; `bindCore` binds every use case into your own Inversify container once your
 * adapters are bound to the port tokens; `promiseFacade` turns the use cases into Promise methods.
 * Needs `inversify` (a peer dependency); patches no globals.
 */
export {
  allTasks,
  apiOnSharedStoreTasks,
  BackgroundRunner,
  type BackgroundTasks,
} from './apps/composition/background.js'
export { bindCore, resolveUseCases } from './apps/composition/bind-core.js'
export { createEngine, type Engine, type EngineOptions } from './apps/composition/engine.js'
export {
  createInMemoryEngine,
  type InMemoryAdapters,
  type InMemoryEngine,
  type InMemoryEngineOptions,
  type TickReport,
} from './apps/composition/in-memory-engine.js'
export {
  amqpModule,
  type Decorate,
  memoryModule,
  mongoModule,
  nodeModule,
  paymentsModule,
  redisModule,
  type StorePorts,
} from './apps/composition/modules.js'
export {
  type PromiseError,
  type PromiseFacade,
  type PromiseMethod,
  promiseFacade,
} from './apps/composition/promise-facade.js'
export { runToPromise } from './apps/composition/run-to-promise.js'
export { CoreDepsToken, CoreSettingsToken } from './apps/composition/tokens.js'
export { type UseCaseClasses, type UseCases, useCaseClasses } from './apps/composition/use-cases.js'
