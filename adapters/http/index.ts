export {
  API_PREFIX,
  createHttpApp,
  DOCS_INIT_JS,
  defaultRateLimits,
  type HttpApp,
  type HttpAppOptions,
  type RateLimitSettings,
} from './app.js'
export { type AccessTokenSettings, AccessTokens, DEFAULT_ACCESS_TTL_SECONDS } from './auth.js'
export {
  CacheInvalidation,
  cacheTagsFor,
  invalidatingTypes,
  listingTag,
  SEARCH_TAG,
} from './cache-invalidation.js'
export { HttpMetrics, metricsListener } from './metrics.js'
export { openApiDocument } from './openapi.js'
export { HttpProblem, knownCoreCodes, type Problem } from './problem.js'
export type { Route, RouteSpec } from './route.js'
export { apiRoutes, defaultLoginLimits, type LoginLimits, type RouteDeps } from './routes/index.js'
export type { HttpUseCases } from './use-cases.js'
export { fromWire, toCamel, toSnake, toWire } from './wire.js'
