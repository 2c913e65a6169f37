export { type ApiConfig, loadApiConfig } from './config.js'
export { DEMO_PASSWORD, grantRole, seedDemo } from './seed.js'
export { type ApiServer, type ApiServerOptions, startApiServer } from './server.js'
