import { Effect, Option, Schema } from 'effect'
import type { Document, Filter } from 'mongodb'
import type { DomainEvent } from '../../core/domain/events/events.js'
import { ConcurrentModification } from '../../core/domain/shared/errors.js'
import type { Page, PageRequest } from '../../ports/pagination.js'
import type { CollectionKey, Collections, StoredDocument } from './collections.js'
import type { AggregateKind, RevisionLog } from './revisions.js'
import {
  afterPosition,
  decodeDocument,
  decodePageCursor,
  decodeStored,
  decodeValue,
  encodePageCursor,
  mongoCall,
  pageSize,
  SCHEMA_VERSION,
} from './support.js'

/** An entity as the JSON text a document stores in `s`. */
export const stateText = (entity: unknown): string => JSON.stringify(entity)

/** Options for every write: an absent optional field is left out, never stored as null. */
export const WRITE = { ignoreUndefined: true } as const

/**
 * A current-state document: `_id` (the entity id), `sv` (schema version), `v` (entity version),
 * `seq` (outbox position of the revision it came from), `s` (the entity, as JSON text, decoded with
 * the entity's schema) and the fields its queries filter and sort on, derived from the entity when
 * it is written.
 */
export const currentDocument = <Q extends Schema.Struct.Fields>(queryFields: Q) =>
  Schema.Struct({
    _id: Schema.String,
    sv: Schema.Literal(SCHEMA_VERSION),
    v: Schema.Int,
    seq: Schema.Finite,
    s: Schema.String,
    ...queryFields,
  })

/** What an aggregate repository needs to read and write one kind of entity. */
export interface AggregateSpec<E, S, D extends Schema.Codec<unknown, unknown, never, never>> {
  readonly kind: Exclude<AggregateKind, 'reviews' | 'ledger' | 'events'>
  /** The entity's name in ConcurrentModification. */
  readonly entity: string
  readonly collection: CollectionKey
  /** The entity's stored shape (a revision's `s`). */
  readonly state: Schema.Codec<S, unknown, never, never>
  /** The current document's shape. */
  readonly schema: D
  /** The entity of a decoded state. */
  readonly entityOf: (state: S) => E
  /** The current-state document of an entity (query fields included). */
  readonly documentOf: (entity: E, seq: number) => Document
  readonly idOf: (entity: E) => string
  readonly versionOf: (entity: E) => number
}

/** Reads and writes one kind of aggregate through the revision log. */
export class Aggregates<E, S, D extends Schema.Codec<unknown, unknown, never, never>> {
  constructor(
    readonly log: RevisionLog,
    readonly collections: Collections,
    readonly spec: AggregateSpec<E, S, D>,
  ) {
    log.register({
      kind: spec.kind,
      project: (state, version, seq) => {
        const entity = spec.entityOf(decodeValue(spec.state, 'revisions', `${spec.kind}@${version}`, state))
        return [
          { collection: spec.collection, id: spec.idOf(entity), version, doc: spec.documentOf(entity, seq) },
        ]
      },
    })
  }

  /** Decodes a current document (a malformed one is a MalformedDocument defect) and remembers its version. */
  decode(raw: Document): E {
    const collection = this.collections[this.spec.collection].collectionName
    const doc = decodeDocument(this.spec.schema, collection, raw)
    const d = doc as unknown as {
      readonly _id: string
      readonly v: number
      readonly seq: number
      readonly s: string
    }
    const entity = this.spec.entityOf(decodeStored(this.spec.state, collection, d._id, 's', d.s))
    this.log.remember(this.spec.kind, this.spec.idOf(entity), d.v, d.seq)
    return entity
  }

  byId(id: string): Effect.Effect<Option.Option<E>> {
    return mongoCall(`find ${this.spec.entity}`, () =>
      this.collections[this.spec.collection].findOne({ _id: { $eq: id } }),
    ).pipe(Effect.map((raw) => (raw === null ? Option.none() : Option.some(this.decode(raw)))))
  }

  find(filter: Filter<StoredDocument>, sort: Document, limit?: number): Effect.Effect<readonly E[]> {
    return mongoCall(`find ${this.spec.entity}s`, () => {
      const cursor = this.collections[this.spec.collection].find(filter).sort(sort)
      return (limit === undefined ? cursor : cursor.limit(limit)).toArray()
    }).pipe(Effect.map((docs) => docs.map((d) => this.decode(d))))
  }

  /** A newest-first page (`atField` descending, `_id` descending) of the documents matching `filter`. */
  page(filter: Filter<StoredDocument>, atField: string, request: PageRequest): Effect.Effect<Page<E>> {
    const limit = pageSize(request.limit)
    const after = decodePageCursor(request.cursor)
    return mongoCall(`page ${this.spec.entity}s`, () =>
      this.collections[this.spec.collection]
        .find({ ...filter, ...afterPosition(atField, '_id', after) })
        .sort({ [atField]: -1, _id: -1 })
        .limit(limit + 1)
        .toArray(),
    ).pipe(
      Effect.map((docs) => {
        const more = docs.length > limit
        const items = docs.slice(0, limit).map((d) => this.decode(d))
        const last = docs[items.length - 1]
        return {
          items,
          nextCursor:
            more && last !== undefined
              ? encodePageCursor({ at: last[atField] as number, id: String(last._id) })
              : null,
        }
      }),
    )
  }

  /**
   * `save(entity, events)`: revision `version` is inserted (the unique `_id` decides concurrent
   * saves) and the current document rolled forward. `beforeInsert` runs once the version check
   * passed (users claim their e-mail there); `onConflict` undoes it.
   */
  save(
    entity: E,
    events: readonly DomainEvent[],
    hooks: { readonly onConflict?: Effect.Effect<void> } = {},
  ): Effect.Effect<void, ConcurrentModification> {
    const { kind, entity: name } = this.spec
    const id = this.spec.idOf(entity)
    const version = this.spec.versionOf(entity)
    const conflict = Effect.andThen(
      hooks.onConflict ?? Effect.void,
      Effect.fail(new ConcurrentModification({ entity: name, id })),
    )
    return this.log.precondition(kind, id, version).pipe(
      Effect.flatMap((ok) =>
        ok ? this.log.insert(kind, id, version, entity, events) : Effect.succeed(null),
      ),
      Effect.flatMap((r) =>
        r === null || r.outcome === 'conflict'
          ? conflict
          : this.log.rollForward(kind, entity, version, r.seq),
      ),
    )
  }

  /** The current-state document of `entity` (for the revision log's projection). */
  documentOf(entity: E, seq: number): Document {
    return this.spec.documentOf(entity, seq)
  }
}
