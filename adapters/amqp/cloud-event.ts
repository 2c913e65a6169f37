import { Result, Schema } from 'effect'
import {
  type DecodeOptions,
  decodeEventData,
  type EventPayload,
  eventCatalogue,
} from '../../core/domain/events/catalogue.js'
import { type DomainEvent, type EventType, eventTypes, isEventType } from '../../core/domain/events/events.js'
import type { EventId } from '../../core/domain/shared/ids.js'
import { instant } from '../../core/domain/shared/time.js'
import { describeIssue } from '../../core/domain/shared/validation.js'

/*
 * The CloudEvents 1.0 envelope (structured JSON mode) innkeeper's events travel in: how a domain
 * event is wrapped for the broker, and how a message body is decoded back into one. The `data`
 * schemas are the core's event catalogue.
 */

export const CLOUDEVENTS_SOURCE = 'urn:innkeeper'
/** The content type of a structured-mode CloudEvents message. */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json'
/** The durable topic exchange events are published to, unless configured otherwise. */
export const DEFAULT_EXCHANGE = 'innkeeper.events'

export interface CloudEvent<T extends EventType = EventType> {
  readonly specversion: '1.0'
  readonly id: string
  readonly source: string
  readonly type: T
  readonly subject: string
  readonly time: string
  readonly datacontenttype: 'application/json'
  readonly data: EventPayload<T>
}

export const toCloudEvent = <T extends EventType>(
  e: DomainEvent<T>,
  source = CLOUDEVENTS_SOURCE,
): CloudEvent<DomainEvent<T>['type']> => ({
  specversion: '1.0',
  id: e.id,
  source,
  type: e.type,
  subject: e.subject,
  time: new Date(e.time).toISOString(),
  datacontenttype: 'application/json',
  data: e.data,
})

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/
const Id = (what: string) => Schema.String.check(Schema.isMinLength(1)).annotate({ description: what })

const envelopeFields = {
  specversion: Schema.Literal('1.0'),
  id: Id('event id: consumers de-duplicate by it'),
  source: Schema.String.check(Schema.isMinLength(1)).annotate({
    description: `producer URI reference (${CLOUDEVENTS_SOURCE})`,
  }),
  subject: Id('the aggregate the event is about (booking id, listing id …)'),
  time: Schema.String.check(Schema.isPattern(RFC3339)).annotate({
    description: 'when it happened (RFC 3339)',
  }),
  datacontenttype: Schema.Literal('application/json'),
}

/** The envelope of any innkeeper CloudEvent, with its `data` left as any JSON object. */
export const CloudEventEnvelope = Schema.Struct({
  ...envelopeFields,
  type: Schema.Literals(eventTypes),
  data: Schema.Record(Schema.String, Schema.Unknown),
})

/** The envelope with any type name, so that an unknown type gets a short, precise reason. */
const AnyTypeEnvelope = Schema.Struct({
  ...envelopeFields,
  type: Schema.String,
  data: Schema.Record(Schema.String, Schema.Unknown),
})

/** The CloudEvent schema of one event type: the envelope with that type's `data` schema. */
export const cloudEventSchemaOf = <T extends EventType>(type: T) => {
  const entry = eventCatalogue[type]
  return Schema.Struct({
    ...envelopeFields,
    type: Schema.Literal(type),
    // Keeps the schema of this very type (a property of a generic entry reads as the union of all).
    data: entry.data as (typeof eventCatalogue)[T]['data'],
  }).annotate({ title: type, description: entry.emittedWhen })
}

/**
 * Decodes untrusted JSON (a message body) as an innkeeper CloudEvent: the envelope, then the
 * `data` with the catalogue schema of its type. Returns the domain event or what is wrong with it.
 */
export const decodeCloudEvent = (
  json: unknown,
  options: DecodeOptions = {},
): Result.Result<DomainEvent, string> => {
  const envelope = Schema.decodeUnknownResult(AnyTypeEnvelope)(json, {
    errors: 'all',
    onExcessProperty: options.strict ? 'error' : 'ignore',
  })
  if (Result.isFailure(envelope)) return Result.fail(`envelope: ${describeIssue(envelope.failure.issue)}`)
  const ce = envelope.success
  const type = ce.type
  if (!isEventType(type)) return Result.fail(`envelope: type: unknown event type ${JSON.stringify(type)}`)
  return Result.map(decodeEventData(type, ce.data, options), (data) => fromCloudEvent({ ...ce, type, data }))
}

/** The fields of a decoded CloudEvent the domain event is made of. */
export interface DecodedEnvelope {
  readonly id: string
  readonly type: EventType
  readonly subject: string
  readonly time: string
  /** Decoded from a JSON message with the catalogue schema of `type`. */
  readonly data: { readonly [k: string]: unknown }
}

/**
 * A CloudEvent decoded from JSON, back as the domain event it wraps. Its `data` was decoded with
 * the catalogue schema of its `type` (by `decodeCloudEvent` or `CloudEventSchema`), so it is that
 * type's payload: the one place the pairing of type and payload is taken on trust.
 */
export const fromCloudEvent = (ce: DecodedEnvelope): DomainEvent =>
  ({
    id: ce.id as EventId,
    type: ce.type,
    subject: ce.subject,
    time: instant(Date.parse(ce.time)),
    data: ce.data,
  }) as DomainEvent

/**
 * Any innkeeper CloudEvent, each type's envelope with its own `data` schema (a union discriminated
 * by `type`): the schema queue consumers decode messages with.
 */
export const CloudEventSchema = Schema.Union(eventTypes.map((t) => cloudEventSchemaOf(t)))
export type DecodedCloudEvent = typeof CloudEventSchema.Type
