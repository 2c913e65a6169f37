/**
 * `innkeeper/events`: what queue consumers need. Every event type with its version and the
 * effect Schema of its `data`, the CloudEvents 1.0 envelope and its decoder, topic matching for
 * RabbitMQ binding patterns, and the AsyncAPI 3.0 document generated from the same schemas.
 * Loads no broker client.
 */
export * from './adapters/amqp/cloud-event.js'
export * from './adapters/amqp/topics.js'
export * from './apps/worker/asyncapi.js'
export * from './core/domain/events/catalogue.js'
export * from './core/domain/events/events.js'
