import { Effect, Schema } from 'effect'
import type { AnyBulkWriteOperation, Document } from 'mongodb'
import type { DomainEvent } from '../../core/domain/events/events.js'
import { ChangeMark } from './change-marks.js'
import type { CollectionKey, Collections, StoredDocument } from './collections.js'
import { EventState } from './entity-schemas.js'
import {
  decodeDocument,
  decodeStored,
  mongoCall,
  mongoCallUnique,
  parseStored,
  SCHEMA_VERSION,
} from './support.js'

/**
 * The write path every repository shares, resting on one guarantee both MongoDB and FerretDB give
 * atomically: an insert that a unique index refuses.
 *
 * `save(entity at version n, events)`:
 * 1. Revision n − 1 must exist (n = 1: nothing). A process remembers which revisions it has seen
 *    (revisions are immutable, so "n − 1 existed" stays true); otherwise it looks it up by `_id`.
 * 2. Insert the revision `{_id: "<kind>:<id>:<n>", s: state, e: events}`. The unique `_id` is the
 *    optimistic check: of concurrent saves of version n exactly one insert succeeds, the others
 *    fail with ConcurrentModification and write nothing. The revision is the single atomic write of
 *    the state and its events: it is the outbox entry (`p`, the outbox position, is set while
 *    events are unsent) and the aggregate's history.
 * 3. Roll the current-state document forward: `replaceOne({_id, v: {$lt: n}}, doc, {upsert})`.
 *    Queries read current documents. A crash between 2 and 3 leaves the current document one
 *    revision behind; it heals when the next save of that aggregate is refused (the refused writer
 *    rolls the current document forward to the latest revision before reporting the conflict, so a
 *    retry reads the truth) and when the outbox relay marks the revision's events sent.
 *
 * MongoDB applies step 3's conditional replace atomically. FerretDB applies it as read, compare,
 * replace, so two writers rolling the same document at once could leave it at the older of two
 * revisions; that also heals by the same two paths, and it never lets a stale write win: versions
 * are decided by step 2 alone.
 */

export type AggregateKind = 'user' | 'listing' | 'booking' | 'payment' | 'reviews' | 'ledger' | 'events'

/** A current-state document that a revision rolls forward to. */
export interface Projection {
  readonly collection: CollectionKey
  readonly id: string
  /** The entity version the document holds: it replaces only documents holding less. */
  readonly version: number
  readonly doc: Document
  /**
   * Written only after every other projection of the batch (the payout account, whose revision
   * readers check writes against, comes after its entries and payouts).
   */
  readonly last?: boolean
}

/** How one kind of aggregate is stored: its current documents from a revision's state. */
export interface AggregateStorage {
  readonly kind: AggregateKind
  /** The current-state documents of the revision (the reviews of one booking are several). */
  project(state: unknown, revisionVersion: number, seq: number): readonly Projection[]
}

export const RevisionDocument = Schema.Struct({
  _id: Schema.String,
  sv: Schema.Literal(SCHEMA_VERSION),
  k: Schema.Literals(['user', 'listing', 'booking', 'payment', 'reviews', 'ledger', 'events']),
  a: Schema.String,
  v: Schema.Int,
  /** Outbox position of the first event; the events take at, at + 1, … */
  at: Schema.Finite,
  /** The state written, as JSON text (decoded by the kind's own schema where it is used). */
  s: Schema.String,
  /** The events written with it, as JSON text (an array of events). */
  e: Schema.String,
  ids: Schema.Array(Schema.String),
  sent: Schema.Array(Schema.String),
  /** Failed publish attempts, per event. */
  t: Schema.Array(Schema.Int),
  /** Present (= at) while some event is unsent: the outbox index. */
  p: Schema.optionalKey(Schema.Finite),
})
export type RevisionDocument = typeof RevisionDocument.Type

export const revisionId = (kind: AggregateKind, id: string, version: number): string =>
  `${kind}:${id}:${version}`

export const decodeRevision = (raw: unknown): RevisionDocument =>
  decodeDocument(RevisionDocument, 'revisions', raw)

const EventList = Schema.Array(EventState)

/** The events of a revision, decoded. */
export const eventsOf = (r: RevisionDocument): readonly (typeof EventState.Type)[] =>
  decodeStored(EventList, 'revisions', r._id, 'e', r.e)

/** The state of a revision, parsed (the kind's storage decodes it). */
export const stateOf = (r: RevisionDocument): unknown => parseStored('revisions', r._id, 's', r.s)

/** What a process knows about an aggregate's revisions: the newest version seen and its position. */
interface Known {
  readonly version: number
  readonly seq: number
}

const KNOWN_LIMIT = 100_000

/**
 * Outbox positions: strictly increasing within a process, close to wall-clock microseconds across
 * processes, and above the position of the revision a save builds on when that one is known, so an
 * aggregate's events keep their order even when two processes' clocks disagree.
 */
class Positions {
  private last = 0
  next(count: number, atLeast: number): number {
    const base = Math.max(Date.now() * 1000, this.last + 1, atLeast)
    this.last = base + Math.max(1, count) - 1
    return base
  }
}

export type InsertOutcome = 'inserted' | 'conflict'

export class RevisionLog {
  private readonly known = new Map<string, Known>()
  private readonly positions = new Positions()
  private readonly storage = new Map<AggregateKind, AggregateStorage>()
  private readonly marks = new Map<string, ChangeMark>()

  constructor(readonly collections: Collections) {}

  register(storage: AggregateStorage): void {
    this.storage.set(storage.kind, storage)
  }

  /** The change mark of a collection: bumped after every write of its current documents. */
  markOf(collection: CollectionKey): ChangeMark {
    let mark = this.marks.get(collection)
    if (mark === undefined) {
      mark = new ChangeMark(this.collections, collection)
      this.marks.set(collection, mark)
    }
    return mark
  }

  /** Notes that revision `version` of the aggregate exists (it was read or written). */
  remember(kind: AggregateKind, id: string, version: number, seq: number): void {
    const key = `${kind}:${id}`
    const current = this.known.get(key)
    if (current !== undefined && current.version >= version) return
    if (current !== undefined) this.known.delete(key)
    else if (this.known.size >= KNOWN_LIMIT) {
      const oldest = this.known.keys().next().value
      if (oldest !== undefined) this.known.delete(oldest)
    }
    this.known.set(key, { version, seq })
  }

  knownVersion(kind: AggregateKind, id: string): number | undefined {
    return this.known.get(`${kind}:${id}`)?.version
  }

  /**
   * Whether version `version` may be written: revision `version − 1` exists (or `version` is 1) and
   * `version` is not already known to exist. A `false` is a certain conflict.
   */
  precondition(kind: AggregateKind, id: string, version: number): Effect.Effect<boolean> {
    if (!Number.isSafeInteger(version) || version < 1) return Effect.succeed(false)
    const known = this.knownVersion(kind, id)
    if (known !== undefined && known >= version) return Effect.succeed(false)
    if (version === 1 || (known !== undefined && known >= version - 1)) return Effect.succeed(true)
    return mongoCall('find revision', () =>
      this.collections.revisions.findOne(
        { _id: { $eq: revisionId(kind, id, version - 1) } as unknown as string },
        { projection: { _id: 1, at: 1 } },
      ),
    ).pipe(
      Effect.map((found) => {
        if (found === null) return false
        this.remember(kind, id, version - 1, typeof found.at === 'number' ? found.at : 0)
        return true
      }),
    )
  }

  /**
   * Inserts revision `version` with its state and events: the commit point of a save. A refusal by
   * the unique `_id` is a `conflict` (another writer has that version), after which the current
   * documents are rolled forward to the latest revision so that a retry reads the truth.
   */
  insert(
    kind: AggregateKind,
    id: string,
    version: number,
    state: unknown,
    events: readonly DomainEvent[],
  ): Effect.Effect<{ readonly outcome: InsertOutcome; readonly seq: number }> {
    return Effect.suspend(() => {
      const previous = this.known.get(`${kind}:${id}`)
      const seq = this.positions.next(events.length, (previous?.seq ?? 0) + 1)
      const doc: StoredDocument = {
        _id: revisionId(kind, id, version),
        sv: SCHEMA_VERSION,
        k: kind,
        a: id,
        v: version,
        at: seq,
        s: JSON.stringify(state),
        e: JSON.stringify(events),
        ids: events.map((e) => e.id),
        sent: [],
        t: events.map(() => 0),
        ...(events.length > 0 ? { p: seq } : {}),
      }
      return mongoCallUnique('insert revision', () => this.collections.revisions.insertOne(doc)).pipe(
        Effect.flatMap((r) => {
          if (!r.duplicate) {
            this.remember(kind, id, version, seq)
            return Effect.succeed({ outcome: 'inserted' as InsertOutcome, seq })
          }
          return Effect.as(this.heal(kind, id), { outcome: 'conflict' as InsertOutcome, seq })
        }),
      )
    })
  }

  /** Rolls the aggregate's current documents forward to a revision (idempotent; never backwards). */
  rollForward(
    kind: AggregateKind,
    state: unknown,
    revisionVersion: number,
    seq: number,
  ): Effect.Effect<void> {
    const storage = this.storage.get(kind)
    if (storage === undefined) return Effect.void
    return this.applyProjections(storage.project(state, revisionVersion, seq))
  }

  /**
   * Replaces each current document that holds an older version; a newer one is left alone. The
   * projections marked `last` are written once the others are.
   */
  applyProjections(projections: readonly Projection[]): Effect.Effect<void> {
    if (projections.some((p) => p.last === true))
      return Effect.andThen(
        this.applyConcurrently(projections.filter((p) => p.last !== true)),
        this.applyConcurrently(projections.filter((p) => p.last === true)),
      )
    return this.applyConcurrently(projections)
  }

  private applyConcurrently(projections: readonly Projection[]): Effect.Effect<void> {
    if (projections.length === 0) return Effect.void
    const byCollection = new Map<CollectionKey, AnyBulkWriteOperation<StoredDocument>[]>()
    for (const p of projections) {
      const ops = byCollection.get(p.collection) ?? []
      // Version 1 has nothing to replace: a plain insert (refused if the document exists already).
      ops.push(
        p.version === 1
          ? { insertOne: { document: p.doc as StoredDocument } }
          : {
              replaceOne: {
                filter: { _id: { $eq: p.id }, v: { $lt: p.version } },
                replacement: p.doc,
                upsert: true,
              },
            },
      )
      byCollection.set(p.collection, ops)
    }
    return Effect.forEach(
      [...byCollection],
      ([collection, ops]) =>
        // A duplicate key here means the document already holds this version or a newer one.
        mongoCallUnique(`roll ${collection} forward`, () =>
          this.collections[collection].bulkWrite(ops, { ordered: false, ignoreUndefined: true }),
        ).pipe(Effect.andThen(this.marks.get(collection)?.bump ?? Effect.void)),
      { concurrency: 'unbounded', discard: true },
    )
  }

  /** The latest revisions of an aggregate, newest first. */
  latest(kind: AggregateKind, id: string, limit: number): Effect.Effect<readonly RevisionDocument[]> {
    return mongoCall('find latest revisions', () =>
      this.collections.revisions
        .find({ k: { $eq: kind }, a: { $eq: id } })
        .sort({ v: -1 })
        .limit(limit)
        .toArray(),
    ).pipe(Effect.map((docs) => docs.map(decodeRevision)))
  }

  /**
   * Rolls the aggregate's current documents forward to its latest revision: what a refused writer
   * (or the relay) does so that a crash between the two writes of a save does not last. For the
   * reviews of a booking every revision of the group is replayed (each review keeps its newest).
   */
  heal(kind: AggregateKind, id: string): Effect.Effect<void> {
    const storage = this.storage.get(kind)
    if (storage === undefined) return Effect.void
    return this.latest(kind, id, kind === 'reviews' ? 1_000 : 1).pipe(
      Effect.flatMap((revisions) => {
        const newest = revisions[0]
        if (newest === undefined) return Effect.void
        this.remember(kind, id, newest.v, newest.at)
        const projections = [...revisions].reverse().flatMap((r) => storage.project(stateOf(r), r.v, r.at))
        return this.applyProjections(newestPerDocument(projections))
      }),
    )
  }

  /** Heals the aggregates of these revisions (the relay calls it for what it delivered). */
  healRevisions(revisions: readonly RevisionDocument[]): Effect.Effect<void> {
    const projections: Projection[] = []
    for (const r of revisions) {
      const storage = this.storage.get(r.k)
      if (storage !== undefined) projections.push(...storage.project(stateOf(r), r.v, r.at))
    }
    return this.applyProjections(newestPerDocument(projections))
  }
}

const newestPerDocument = (projections: readonly Projection[]): Projection[] => {
  const out = new Map<string, Projection>()
  for (const p of projections) {
    const key = `${p.collection}\u0000${p.id}`
    const seen = out.get(key)
    if (seen === undefined || seen.version <= p.version) out.set(key, p)
  }
  return [...out.values()]
}
