export {
  AmqpConsumer,
  type AmqpConsumerOptions,
  ATTEMPT_HEADER,
  type ConsumerHandle,
  type ConsumerStats,
  type ConsumeSpec,
  DEAD_KIND_HEADER,
  DEAD_QUEUE_HEADER,
  DEAD_REASON_HEADER,
  type Delivery,
  deadLetterQueueOf,
  type Identified,
  LAST_ERROR_HEADER,
  type Outcome,
  retryQueueOf,
} from './amqp-consumer.js'
export {
  AmqpEventPublisher,
  type AmqpEventPublisherOptions,
  CLOUDEVENTS_CONTENT_TYPE,
  DEFAULT_EXCHANGE,
  type PublisherStats,
  toAmqpMessage,
} from './amqp-event-publisher.js'
export {
  CLOUDEVENTS_SOURCE,
  type CloudEvent,
  CloudEventEnvelope,
  CloudEventSchema,
  cloudEventSchemaOf,
  type DecodedCloudEvent,
  type DecodedEnvelope,
  decodeCloudEvent,
  fromCloudEvent,
  toCloudEvent,
} from './cloud-event.js'
export {
  type AmqpConnectionOptions,
  type ConnectionStatus,
  createAmqpConnection,
  describeError,
} from './connection.js'
export { CacheProcessedEvents, InMemoryProcessedEvents, type ProcessedEvents } from './processed-events.js'
export { topicMatches, typesMatching } from './topics.js'
