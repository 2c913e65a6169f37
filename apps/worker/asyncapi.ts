import { pathToFileURL } from 'node:url'
import { Schema } from 'effect'
import {
  CLOUDEVENTS_CONTENT_TYPE,
  cloudEventSchemaOf,
  DEFAULT_EXCHANGE,
} from '../../adapters/amqp/cloud-event.js'
import { eventCatalogue, versionOf } from '../../core/domain/events/catalogue.js'
import { type EventType, eventTypes } from '../../core/domain/events/events.js'

export interface AsyncApiOptions {
  /** The exchange the channels are bound to (default `innkeeper.events`). */
  readonly exchange?: string
  /** Broker `host:port` for the servers section (default `127.0.0.1:5672`). */
  readonly host?: string
  /** The document's own version (default `1.0.0`). */
  readonly version?: string
}

type Json = string | number | boolean | null | readonly Json[] | { readonly [k: string]: Json }

/** `innkeeper.booking.confirmed.v1` → `bookingConfirmedV1`: ids for channels, messages, operations. */
const idOf = (type: EventType): string =>
  type
    .replace(/^innkeeper\./, '')
    .split(/[._]/)
    .map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('')

const payloadOf = (type: EventType): Json => {
  const doc = Schema.toJsonSchemaDocument(cloudEventSchemaOf(type))
  if (Object.keys(doc.definitions).length > 0)
    throw new Error(`the schema of ${type} has definitions; inline them for AsyncAPI`)
  return doc.schema as Json
}

/**
 * The AsyncAPI 3.0.0 document of the events innkeeper publishes: one channel per event type (the
 * routing key on the topic exchange), one message each whose payload is the CloudEvent JSON Schema
 * generated from the same effect Schemas consumers decode with (core/domain/events/catalogue.ts).
 */
export const asyncApiDocument = (options: AsyncApiOptions = {}): { readonly [k: string]: Json } => {
  const exchange = options.exchange ?? DEFAULT_EXCHANGE
  const channels: Record<string, Json> = {}
  const operations: Record<string, Json> = {}
  const messages: Record<string, Json> = {}
  for (const type of eventTypes) {
    const id = idOf(type)
    const entry = eventCatalogue[type]
    messages[id] = {
      name: type,
      title: type,
      summary: entry.emittedWhen,
      contentType: CLOUDEVENTS_CONTENT_TYPE,
      payload: payloadOf(type),
      headers: {
        type: 'object',
        description: 'AMQP properties: message-id is the CloudEvent id, type and routing key the event type',
      },
      bindings: { amqp: { contentEncoding: 'utf-8', messageType: type, bindingVersion: '0.3.0' } },
      'x-version': versionOf(type),
      'x-subject': entry.subject,
    }
    channels[id] = {
      address: type,
      title: type,
      description: `Routing key \`${type}\` on the durable topic exchange \`${exchange}\`. ${entry.emittedWhen}.`,
      messages: { [id]: { $ref: `#/components/messages/${id}` } },
      bindings: {
        amqp: {
          is: 'routingKey',
          exchange: { name: exchange, type: 'topic', durable: true, autoDelete: false, vhost: '/' },
          bindingVersion: '0.3.0',
        },
      },
    }
    operations[`publish${id.charAt(0).toUpperCase()}${id.slice(1)}`] = {
      action: 'send',
      title: `Publish ${type}`,
      summary: 'Published by the outbox relay with publisher confirms, persistent (delivery mode 2)',
      channel: { $ref: `#/channels/${id}` },
      messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
      bindings: { amqp: { deliveryMode: 2, mandatory: false, bindingVersion: '0.3.0' } },
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'innkeeper booking events',
      version: options.version ?? '1.0.0',
      description: [
        'CloudEvents 1.0 structured JSON (`application/cloudevents+json`) on a durable RabbitMQ topic exchange;',
        'the routing key is the event type. Delivery is at-least-once: consumers de-duplicate by the CloudEvent `id`.',
        'Events of one subject (booking, listing …) are published in the order they happened.',
        'A v1 payload only gains fields; a breaking change is a new type (`.v2`).',
      ].join(' '),
    },
    defaultContentType: CLOUDEVENTS_CONTENT_TYPE,
    servers: {
      rabbitmq: {
        host: options.host ?? '127.0.0.1:5672',
        protocol: 'amqp',
        protocolVersion: '0.9.1',
        description: 'RabbitMQ (INNKEEPER_AMQP_URL)',
      },
    },
    channels,
    operations,
    components: { messages },
  }
}

// `npx tsx apps/worker/asyncapi.ts > asyncapi.json`
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const exchange = process.env.INNKEEPER_AMQP_EXCHANGE
  process.stdout.write(
    `${JSON.stringify(asyncApiDocument(exchange === undefined ? {} : { exchange }), null, 2)}\n`,
  )
}
