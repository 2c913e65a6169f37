import { randomUUID } from 'node:crypto'
import { Effect, Option, Schema } from 'effect'
import type { Document } from 'mongodb'
import type { DomainEvent } from '../../core/domain/events/events.js'
import type { LedgerEntry, Payout, PayoutAccount } from '../../core/domain/payouts/ledger.js'
import { ConcurrentModification } from '../../core/domain/shared/errors.js'
import type { BookingId, PayoutId, UserId } from '../../core/domain/shared/ids.js'
import type { Currency } from '../../core/domain/shared/money.js'
import type { Instant } from '../../core/domain/shared/time.js'
import type { Clock } from '../../ports/clock.js'
import type { Page, PageRequest } from '../../ports/pagination.js'
import type { LedgerWrite, PayoutLedger } from '../../ports/payouts.js'
import { currentDocument, stateText, WRITE } from './aggregates.js'
import type { Collections } from './collections.js'
import {
  asLedgerEntry,
  asPayout,
  asPayoutAccount,
  LedgerEntryState,
  PayoutAccountState,
  PayoutState,
} from './entity-schemas.js'
import { decodeRevision, type Projection, type RevisionLog, revisionId, stateOf } from './revisions.js'
import {
  afterPosition,
  decodeDocument,
  decodePageCursor,
  decodeStored,
  decodeValue,
  encodePageCursor,
  mongoCall,
  mongoCallUnique,
  pageSize,
  SCHEMA_VERSION,
} from './support.js'

/**
 * How long a claim on an entry key whose revision does not hold that key is left alone before
 * another write may take the key: such a claim is a save in flight (claim written, revision not
 * yet) or one that crashed between the two.
 */
export const ORPHAN_KEY_CLAIM_MS = 10 * 60_000

/** The aggregate id of an account: `<hostId>/<currency>` (a currency is three letters). */
const streamOf = (hostId: string, currency: string): string => `${hostId}/${currency}`

/**
 * What one revision of an account stores (`s` of the revision): the account after the write (the
 * stored one carried forward when the write has none; null while the host has only payouts in that
 * currency), the entries it appended and the payout it wrote.
 */
const LedgerRevisionState = Schema.Struct({
  account: Schema.NullOr(PayoutAccountState),
  entries: Schema.Array(LedgerEntryState),
  payout: Schema.NullOr(PayoutState),
})
type LedgerRevisionState = typeof LedgerRevisionState.Type

/** The current document of an account stream: `v` is the stream's revision, `av` the account's version. */
const AccountDocument = Schema.Struct({
  _id: Schema.String,
  sv: Schema.Literal(SCHEMA_VERSION),
  v: Schema.Int,
  seq: Schema.Finite,
  h: Schema.String,
  cu: Schema.String,
  /** The account, as JSON text; absent while the stream holds payouts only. */
  s: Schema.optionalKey(Schema.String),
  /** When a payout run should look at it; absent when never. */
  d: Schema.optionalKey(Schema.Finite),
})

const EntryDocument = currentDocument({
  /** The account stream. */
  a: Schema.String,
  /** Position in the account. */
  q: Schema.Int,
  k: Schema.String,
  b: Schema.optionalKey(Schema.String),
})

const PayoutDocument = currentDocument({
  h: Schema.String,
  c: Schema.Finite,
  /** Present (= createdAt) while pending: the pending index. */
  pe: Schema.optionalKey(Schema.Finite),
})

const KeyClaim = Schema.Struct({
  _id: Schema.String,
  sv: Schema.Literal(SCHEMA_VERSION),
  /** The revision that records the key. */
  r: Schema.String,
  at: Schema.Finite,
})

const MAX_LIMIT = 10_000

const clampLimit = (limit: number): number =>
  Number.isFinite(limit) ? Math.max(0, Math.min(MAX_LIMIT, Math.floor(limit))) : 0

/**
 * The payout ledger on MongoDB, without multi-document transactions. Each account (host ×
 * currency) is one aggregate of the revision log: a save reads the account's current document
 * (stream revision r), checks the write against it (account and payout versions, entry positions),
 * claims the new entry keys in `ledger_keys` (unique `_id`: a key is in the ledger once, whichever
 * account), then inserts revision r + 1 `ledger:<host>/<currency>:<r+1>` holding the write and its
 * events — the commit point and the outbox entry. Of two writers that read the same revision only
 * one insert succeeds; the other gives its key claims back and fails with ConcurrentModification.
 * Then entries and the payout are rolled forward, the account document last: a writer that reads
 * revision r of the account therefore reads every entry and payout of revisions ≤ r, so its checks
 * against them hold. A crash between the revision and the account document leaves the account one
 * revision behind: the next writer's insert is refused and heals it (as every aggregate does).
 */
export class MongoPayoutLedger implements PayoutLedger {
  constructor(
    private readonly log: RevisionLog,
    private readonly collections: Collections,
    private readonly clock: Clock,
  ) {
    log.register({ kind: 'ledger', project: (state, version, seq) => this.project(state, version, seq) })
  }

  account(hostId: UserId, currency: Currency): Effect.Effect<Option.Option<PayoutAccount>> {
    return this.stream(streamOf(hostId, currency)).pipe(
      Effect.map((s) => Option.fromNullishOr(s?.account ?? undefined)),
    )
  }

  accountsOf(hostId: UserId): Effect.Effect<readonly PayoutAccount[]> {
    return mongoCall('find payout accounts', () =>
      this.collections.payoutAccounts
        .find({ h: { $eq: String(hostId) } })
        .sort({ cu: 1 })
        .toArray(),
    ).pipe(
      Effect.map((docs) =>
        docs.map((d) => this.decodeAccount(d).account).filter((a): a is PayoutAccount => a !== null),
      ),
    )
  }

  entries(hostId: UserId, currency: Currency): Effect.Effect<readonly LedgerEntry[]> {
    return this.findEntries({ a: { $eq: streamOf(hostId, currency) } }, { a: 1, q: 1 })
  }

  entriesOfBooking(bookingId: BookingId): Effect.Effect<readonly LedgerEntry[]> {
    return this.findEntries({ b: { $eq: String(bookingId) } }, { b: 1, q: 1, _id: 1 })
  }

  save(write: LedgerWrite, events: readonly DomainEvent[]): Effect.Effect<void, ConcurrentModification> {
    return Effect.suspend(() => {
      const entries = write.entries ?? []
      const { account, payout } = write
      // A caller's bug, not a race: entries always come with the account they extend.
      if (entries.length > 0 && account === undefined)
        return Effect.die(new Error('PayoutLedger.save: entries need their account'))
      const owner = account ?? payout
      if (owner === undefined)
        // Nothing of the ledger changes: the events alone, as a revision of their own.
        return events.length === 0
          ? Effect.void
          : Effect.asVoid(this.log.insert('events', randomUUID(), 1, null, events))
      if (
        account !== undefined &&
        payout !== undefined &&
        (payout.hostId !== account.hostId || payout.currency !== account.currency)
      )
        return Effect.die(new Error('PayoutLedger.save: a payout belongs to the account it is written with'))
      const stream = streamOf(owner.hostId, owner.currency)
      const conflict = (entity: string, id: string) => Effect.fail(new ConcurrentModification({ entity, id }))
      const keys = entries.map((e) => e.key)
      const repeated = keys.find((k, i) => keys.indexOf(k) !== i)
      if (repeated !== undefined) return conflict('ledger_entry', repeated)

      // In this order (Effect.all runs them one after the other): the account first, so the payout
      // read is at least as new as the account revision the write is checked against.
      return Effect.all([
        this.stream(stream),
        payout === undefined ? Effect.succeed(undefined) : this.storedPayout(payout.id),
      ]).pipe(
        Effect.flatMap(([stored, storedPayout]) => {
          const storedAccount = stored?.account ?? null
          if (account !== undefined) {
            if (!versionFits(storedAccount, account.version)) return conflict('payout_account', stream)
            // Entries take the positions right after the stored head, in order, up to the new head.
            let seq = storedAccount?.lastSeq ?? 0
            for (const e of entries) {
              seq += 1
              if (e.seq !== seq || e.hostId !== account.hostId || e.currency !== account.currency)
                return conflict('payout_account', stream)
            }
            if (account.lastSeq !== seq) return conflict('payout_account', stream)
          }
          if (payout !== undefined && !versionFits(storedPayout ?? null, payout.version))
            return conflict('payout', payout.id)
          const revision = (stored?.revision ?? 0) + 1
          const state: LedgerRevisionState = {
            account: account ?? storedAccount,
            entries,
            payout: payout ?? null,
          }
          const rid = revisionId('ledger', stream, revision)
          return this.claimKeys(keys, rid).pipe(
            Effect.flatMap((taken) =>
              taken !== undefined
                ? conflict('ledger_entry', taken)
                : this.log
                    .insert('ledger', stream, revision, state, events)
                    .pipe(
                      Effect.flatMap((r) =>
                        r.outcome === 'conflict'
                          ? Effect.andThen(this.releaseKeys(keys, rid), conflict('payout_account', stream))
                          : this.log.applyProjections(this.project(state, revision, r.seq)),
                      ),
                    ),
            ),
          )
        }),
      )
    })
  }

  due(now: Instant, limit: number): Effect.Effect<readonly PayoutAccount[]> {
    const max = clampLimit(limit)
    if (max <= 0) return Effect.succeed([])
    return mongoCall('find due payout accounts', () =>
      this.collections.payoutAccounts
        .find({ d: { $lte: Number(now) } })
        .sort({ d: 1, _id: 1 })
        .limit(max)
        .toArray(),
    ).pipe(
      Effect.map((docs) =>
        docs.map((d) => this.decodeAccount(d).account).filter((a): a is PayoutAccount => a !== null),
      ),
    )
  }

  payout(id: PayoutId): Effect.Effect<Option.Option<Payout>> {
    return this.storedPayout(id).pipe(Effect.map(Option.fromNullishOr))
  }

  payoutsOf(hostId: UserId, page: PageRequest): Effect.Effect<Page<Payout>> {
    const limit = pageSize(page.limit)
    const after = decodePageCursor(page.cursor)
    return mongoCall('page payouts', () =>
      this.collections.payouts
        .find({ h: { $eq: String(hostId) }, ...afterPosition('c', '_id', after) })
        .sort({ h: 1, c: -1, _id: -1 })
        .limit(limit + 1)
        .toArray(),
    ).pipe(
      Effect.map((docs) => {
        const items = docs.slice(0, limit).map((d) => this.decodePayout(d))
        const last = items[items.length - 1]
        return {
          items,
          nextCursor:
            docs.length > limit && last !== undefined
              ? encodePageCursor({ at: last.createdAt, id: last.id })
              : null,
        }
      }),
    )
  }

  pendingOf(hostId: UserId): Effect.Effect<readonly Payout[]> {
    return this.findPayouts({ h: { $eq: String(hostId) }, pe: { $exists: true } }, { h: 1, pe: 1, _id: 1 })
  }

  pending(limit: number): Effect.Effect<readonly Payout[]> {
    const max = clampLimit(limit)
    if (max <= 0) return Effect.succeed([])
    return this.findPayouts({ pe: { $exists: true } }, { pe: 1, _id: 1 }, max)
  }

  /* ---- current documents ---- */

  /** The current documents of a revision: its entries and payout, and the account stream. */
  private project(raw: unknown, revision: number, seq: number): readonly Projection[] {
    const state = decodeValue(LedgerRevisionState, 'revisions', `ledger@${revision}`, raw)
    const account = state.account === null ? null : asPayoutAccount(state.account)
    const entries = state.entries.map(asLedgerEntry)
    const payout = state.payout === null ? null : asPayout(state.payout)
    const owner = account ?? payout ?? entries[0]
    if (owner === undefined) return []
    const stream = streamOf(owner.hostId, owner.currency)
    const out: Projection[] = entries.map((e) => ({
      collection: 'ledgerEntries',
      id: `${stream}/${e.seq}`,
      version: 1,
      doc: {
        _id: `${stream}/${e.seq}`,
        sv: SCHEMA_VERSION,
        v: 1,
        seq,
        s: stateText(e),
        a: stream,
        q: e.seq,
        k: e.key,
        ...(e.bookingId === null ? {} : { b: e.bookingId }),
      },
    }))
    if (payout !== null)
      out.push({
        collection: 'payouts',
        id: payout.id,
        version: payout.version,
        doc: {
          _id: payout.id,
          sv: SCHEMA_VERSION,
          v: payout.version,
          seq,
          s: stateText(payout),
          h: payout.hostId,
          c: payout.createdAt,
          ...(payout.status === 'pending' ? { pe: payout.createdAt } : {}),
        },
      })
    // Last: a reader of the account's revision r finds every entry and payout of revisions ≤ r.
    out.push({
      collection: 'payoutAccounts',
      id: stream,
      version: revision,
      last: true,
      doc: {
        _id: stream,
        sv: SCHEMA_VERSION,
        v: revision,
        seq,
        h: owner.hostId,
        cu: owner.currency,
        ...(account === null ? {} : { s: stateText(account) }),
        ...(account === null || account.dueAt === null ? {} : { d: account.dueAt }),
      },
    })
    return out
  }

  private stream(
    id: string,
  ): Effect.Effect<{ readonly revision: number; readonly account: PayoutAccount | null } | undefined> {
    return mongoCall('find payout account', () =>
      this.collections.payoutAccounts.findOne({ _id: { $eq: id } }),
    ).pipe(Effect.map((raw) => (raw === null ? undefined : this.decodeAccount(raw))))
  }

  private decodeAccount(raw: Document): {
    readonly revision: number
    readonly account: PayoutAccount | null
  } {
    const collection = this.collections.payoutAccounts.collectionName
    const doc = decodeDocument(AccountDocument, collection, raw)
    this.log.remember('ledger', doc._id, doc.v, doc.seq)
    return {
      revision: doc.v,
      account:
        doc.s === undefined
          ? null
          : asPayoutAccount(decodeStored(PayoutAccountState, collection, doc._id, 's', doc.s)),
    }
  }

  private findEntries(filter: Document, sort: Document): Effect.Effect<readonly LedgerEntry[]> {
    const collection = this.collections.ledgerEntries.collectionName
    return mongoCall('find ledger entries', () =>
      this.collections.ledgerEntries.find(filter).sort(sort).toArray(),
    ).pipe(
      Effect.map((docs) =>
        docs.map((raw) => {
          const d = decodeDocument(EntryDocument, collection, raw)
          return asLedgerEntry(decodeStored(LedgerEntryState, collection, d._id, 's', d.s))
        }),
      ),
    )
  }

  private storedPayout(id: string): Effect.Effect<Payout | undefined> {
    return mongoCall('find payout', () =>
      this.collections.payouts.findOne({ _id: { $eq: String(id) } }),
    ).pipe(Effect.map((raw) => (raw === null ? undefined : this.decodePayout(raw))))
  }

  private findPayouts(filter: Document, sort: Document, limit?: number): Effect.Effect<readonly Payout[]> {
    return mongoCall('find payouts', () => {
      const cursor = this.collections.payouts.find(filter).sort(sort)
      return (limit === undefined ? cursor : cursor.limit(limit)).toArray()
    }).pipe(Effect.map((docs) => docs.map((d) => this.decodePayout(d))))
  }

  private decodePayout(raw: Document): Payout {
    const collection = this.collections.payouts.collectionName
    const d = decodeDocument(PayoutDocument, collection, raw)
    return asPayout(decodeStored(PayoutState, collection, d._id, 's', d.s))
  }

  /* ---- entry keys: unique across the ledger ---- */

  /**
   * Claims every key for revision `rid`: undefined when all are now held by it, else a key another
   * write holds (the claims this call made are given back). A claim whose revision exists and
   * records the key is final; one that does not is a save in flight, or, once older than
   * ORPHAN_KEY_CLAIM_MS, an orphan that is taken over (deleted exactly as read, then claimed again:
   * of two takers only one insert succeeds).
   */
  private claimKeys(keys: readonly string[], rid: string): Effect.Effect<string | undefined> {
    const claimFrom = (i: number): Effect.Effect<string | undefined> => {
      const key = keys[i]
      if (key === undefined) return Effect.succeed(undefined)
      return this.claimKey(key, rid, 0).pipe(
        Effect.flatMap((ok) =>
          ok ? claimFrom(i + 1) : Effect.as(this.releaseKeys(keys.slice(0, i), rid), key),
        ),
      )
    }
    return claimFrom(0)
  }

  private claimKey(key: string, rid: string, attempt: number): Effect.Effect<boolean> {
    const now = this.clock.now()
    return mongoCallUnique('claim ledger key', () =>
      this.collections.ledgerKeys.insertOne({ _id: key, sv: SCHEMA_VERSION, r: rid, at: now }, WRITE),
    ).pipe(
      Effect.flatMap((inserted) => {
        if (!inserted.duplicate) return Effect.succeed(true)
        if (attempt >= 3) return Effect.succeed(false)
        return mongoCall('find ledger key claim', () =>
          this.collections.ledgerKeys.findOne({ _id: { $eq: key } }),
        ).pipe(
          Effect.flatMap((raw) => {
            if (raw === null) return this.claimKey(key, rid, attempt + 1)
            const held = decodeDocument(KeyClaim, this.collections.ledgerKeys.collectionName, raw)
            if (now - held.at < ORPHAN_KEY_CLAIM_MS) return Effect.succeed(false)
            return this.recorded(held.r, key).pipe(
              Effect.flatMap((recorded) =>
                recorded
                  ? Effect.succeed(false)
                  : mongoCall('take over orphaned ledger key claim', () =>
                      this.collections.ledgerKeys.deleteOne({
                        _id: { $eq: key },
                        r: { $eq: held.r },
                        at: { $eq: held.at },
                      }),
                    ).pipe(Effect.flatMap(() => this.claimKey(key, rid, attempt + 1))),
              ),
            )
          }),
        )
      }),
    )
  }

  /** Whether revision `rid` exists and records an entry with `key`. */
  private recorded(rid: string, key: string): Effect.Effect<boolean> {
    return mongoCall('find ledger revision', () =>
      this.collections.revisions.findOne({ _id: { $eq: rid } }),
    ).pipe(
      Effect.map((raw) => {
        if (raw === null) return false
        const r = decodeRevision(raw)
        if (r.k !== 'ledger') return false
        const state = decodeValue(LedgerRevisionState, 'revisions', r._id, stateOf(r))
        return state.entries.some((e) => e.key === key)
      }),
    )
  }

  private releaseKeys(keys: readonly string[], rid: string): Effect.Effect<void> {
    if (keys.length === 0) return Effect.void
    return Effect.asVoid(
      mongoCall('release ledger key claims', () =>
        this.collections.ledgerKeys.deleteMany({ _id: { $in: [...keys] }, r: { $eq: rid } }),
      ),
    )
  }
}

const versionFits = (stored: { readonly version: number } | null, next: number): boolean =>
  stored === null ? next === 1 : next === stored.version + 1
