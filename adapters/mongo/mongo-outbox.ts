import { Effect } from 'effect'
import type { AnyBulkWriteOperation, Document } from 'mongodb'
import type { OutboxEntry } from '../../core/domain/events/events.js'
import type { OutboxBacklog, OutboxSource } from '../../ports/events.js'
import type { StoredDocument } from './collections.js'
import { asEvent } from './entity-schemas.js'
import { decodeRevision, eventsOf, type RevisionDocument, type RevisionLog } from './revisions.js'
import { mongoCall } from './support.js'

/**
 * The outbox is the revisions themselves: a save writes its events inside the revision document it
 * inserts (one atomic insert), with `p` (the outbox position) set while any of them is unsent.
 * `pending` reads revisions by `p`; `markSent` records sent event ids in the revision and drops `p`
 * once all are sent. Delivery is at least once: a relay that dies between publishing and marking
 * publishes again, and two relays marking the same revision at once on FerretDB (which applies an
 * update as read-then-replace) can at worst make an event pending again, never lose one.
 *
 * When the relay marks a revision's events sent it also rolls the aggregate's current document
 * forward to that revision, so a save that crashed between its two writes heals within one relay
 * pass.
 */
export class MongoOutbox implements OutboxSource {
  constructor(private readonly log: RevisionLog) {}

  pending(limit: number): Effect.Effect<readonly OutboxEntry[]> {
    if (!(limit >= 1)) return Effect.succeed([])
    const max = Math.min(Math.floor(limit), 10_000)
    return mongoCall('read outbox', () =>
      this.log.collections.revisions
        .find({ p: { $exists: true } }, { projection: { s: 0 } })
        .sort({ p: 1 })
        .limit(max)
        .toArray(),
    ).pipe(
      Effect.map((docs) => {
        const out: OutboxEntry[] = []
        for (const raw of docs) {
          const r = decodeRevision({ ...raw, s: '' })
          const sent = new Set(r.sent)
          eventsOf(r).forEach((e, i) => {
            if (out.length < max && !sent.has(e.id))
              out.push({ event: asEvent(e), seq: r.at + i, attempts: r.t[i] ?? 0 })
          })
          if (out.length >= max) break
        }
        return out
      }),
    )
  }

  markSent(eventIds: readonly string[]): Effect.Effect<void> {
    return this.update(eventIds, (r, ids) => {
      const sent = new Set(r.sent)
      for (const id of r.ids) if (ids.has(id)) sent.add(id)
      const done = r.ids.every((id) => sent.has(id))
      return done ? { $set: { sent: [...sent] }, $unset: { p: '' } } : { $set: { sent: [...sent] } }
    }).pipe(Effect.flatMap((closed) => this.log.healRevisions(closed)))
  }

  markFailed(eventIds: readonly string[]): Effect.Effect<void> {
    return Effect.asVoid(
      this.update(eventIds, (r, ids) => ({
        $set: { t: r.ids.map((id, i) => (r.t[i] ?? 0) + (ids.has(id) && !r.sent.includes(id) ? 1 : 0)) },
      })),
    )
  }

  backlog(): Effect.Effect<OutboxBacklog> {
    const revisions = this.log.collections.revisions
    // Two reads: the id lists of every pending revision (to count unsent events) and the oldest
    // pending revision in full (for its first unsent event's time).
    const counts = mongoCall('count outbox backlog', () =>
      revisions.find({ p: { $exists: true } }, { projection: { _id: 0, ids: 1, sent: 1 } }).toArray(),
    )
    const oldest = mongoCall('read oldest outbox revision', () =>
      revisions
        .find({ p: { $exists: true } })
        .sort({ p: 1 })
        .limit(1)
        .toArray(),
    )
    return Effect.all([counts, oldest], { concurrency: 2 }).pipe(
      Effect.map(([docs, [first]]) => {
        let pending = 0
        for (const d of docs) {
          const ids: unknown = d.ids
          const sent: unknown = d.sent
          if (Array.isArray(ids)) pending += ids.length - (Array.isArray(sent) ? sent.length : 0)
        }
        if (first === undefined) return { pending, oldestAt: null }
        const r = decodeRevision(first)
        const sent = new Set(r.sent)
        const unsent = eventsOf(r).find((e) => !sent.has(e.id))
        return { pending, oldestAt: unsent === undefined ? null : asEvent(unsent).time }
      }),
    )
  }

  /** Applies `change` to every pending revision holding one of the ids; returns the revisions closed. */
  private update(
    eventIds: readonly string[],
    change: (r: RevisionDocument, ids: ReadonlySet<string>) => Document,
  ): Effect.Effect<readonly RevisionDocument[]> {
    const ids = [...new Set(eventIds.filter((id) => typeof id === 'string'))]
    if (ids.length === 0) return Effect.succeed([])
    const wanted = new Set(ids)
    return mongoCall('find outbox revisions', () =>
      this.log.collections.revisions.find({ ids: { $in: ids }, p: { $exists: true } }).toArray(),
    ).pipe(
      Effect.flatMap((docs) => {
        const revisions = docs.map(decodeRevision)
        if (revisions.length === 0) return Effect.succeed([])
        const closed: RevisionDocument[] = []
        const ops: AnyBulkWriteOperation<StoredDocument>[] = revisions.map((r) => {
          const update = change(r, wanted)
          if ('$unset' in update) closed.push(r)
          return { updateOne: { filter: { _id: { $eq: r._id } }, update } }
        })
        return Effect.as(
          mongoCall('mark outbox revisions', () =>
            this.log.collections.revisions.bulkWrite(ops, { ordered: false }),
          ),
          closed,
        )
      }),
    )
  }
}
