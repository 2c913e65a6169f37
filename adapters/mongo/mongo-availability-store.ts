import { Effect, Option, Schema } from 'effect'
import type { AnyBulkWriteOperation } from 'mongodb'
import {
  addDays,
  fromEpochDay,
  type LocalDate,
  type Stay,
  toEpochDay,
} from '../../core/domain/shared/dates.js'
import { NightsUnavailable } from '../../core/domain/shared/errors.js'
import type { BookingId, ListingId } from '../../core/domain/shared/ids.js'
import type { Instant } from '../../core/domain/shared/time.js'
import type {
  Allocation,
  AvailabilityStore,
  CalendarPatch,
  NightState,
} from '../../ports/availability-store.js'
import type { Clock } from '../../ports/clock.js'
import { WRITE } from './aggregates.js'
import { ChangeMark } from './change-marks.js'
import type { Collections, StoredDocument } from './collections.js'
import {
  decodeDocument,
  insertedPrefix,
  isDuplicateKey,
  MalformedDocument,
  MongoCommandFailed,
  mongoCall,
  SCHEMA_VERSION,
} from './support.js'

/*
 * The calendar on MongoDB without transactions, resting on unique inserts only.
 *
 * A listing's whole calendar is in one collection, `calendar`, keyed (and shardable) by the listing
 * `l`: its unit count (one document), each night's blocked flag, price override and surge (one
 * document per night and field; absent = the default), and its inventory: for each (listing,
 * night, unit slot) a chain of claim documents with `_id` `[listing, night, slot, generation]`. A
 * range of a listing's calendar is one query. The claim with the highest generation is the slot's
 * state: held by a booking until `x` (expired = free), booked, or free (a tombstone). Slots run
 * from 0 to units − 1, so a night can never have more live claims in them than units.
 *
 * Every change of a slot inserts the next generation, so two writers that both read generation g
 * race on the same `_id` g + 1 and exactly one wins, on MongoDB and on FerretDB alike:
 * - a hold takes a free slot (never used: generation 0; a tombstone or an expired hold: g + 1);
 * - confirm, extendHold and a move re-issue the booking's claims as g + 1 (booked, or a new expiry);
 * - release and an undo insert a tombstone g + 1.
 * A claim's document is never deleted while it is its slot's newest (only older generations are
 * garbage-collected), so no one can mistake a used slot for a never-used one.
 *
 * A hold takes its nights in ascending date order with one ordered `insertMany` (the server stops
 * at the first refused insert, leaving a prefix); when a slot was taken meanwhile it re-reads and
 * continues from that night; when a night is full it gives back what it took, latest night first,
 * and fails naming every full night. Taking nights in one global order is what keeps concurrent
 * overlapping holds from blocking each other into all failing.
 */

const Claim = Schema.Struct({
  _id: Schema.String,
  sv: Schema.Literal(SCHEMA_VERSION),
  k: Schema.Literal('c'),
  l: Schema.String,
  n: Schema.String,
  s: Schema.Int,
  g: Schema.Int,
  b: Schema.String,
  /** h: held until `x`; b: booked; f: free (tombstone). */
  st: Schema.Literals(['h', 'b', 'f']),
  x: Schema.NullOr(Schema.Finite),
  /**
   * The booking's hold key `[listing, booking]`, on one claim of the booking (unique, sparse): a
   * second hold of the same booking is refused by the insert itself. That document is kept while
   * the booking has claims on the listing, even once a newer generation supersedes it.
   */
  hk: Schema.optionalKey(Schema.String),
})
type Claim = typeof Claim.Type

const Units = Schema.Struct({
  _id: Schema.String,
  sv: Schema.Literal(SCHEMA_VERSION),
  k: Schema.Literal('u'),
  l: Schema.String,
  n: Schema.Literal(''),
  units: Schema.Int,
})
const Override = Schema.Struct({
  _id: Schema.String,
  sv: Schema.Literal(SCHEMA_VERSION),
  k: Schema.Literals(['blocked', 'price', 'surge']),
  l: Schema.String,
  n: Schema.String,
  val: Schema.Union([Schema.Boolean, Schema.Finite]),
})
const CalendarDocument = Schema.Union([Units, Override, Claim])

const claimId = (l: string, n: string, s: number, g: number): string => JSON.stringify([l, n, s, g])
const holdKey = (l: string, b: string): string => JSON.stringify([l, b])
const unitsId = (l: string): string => JSON.stringify(['u', l])
const overrideId = (l: string, n: string, field: string): string => JSON.stringify(['o', l, n, field])

const datesOf = (from: LocalDate, to: LocalDate): LocalDate[] => {
  const out: LocalDate[] = []
  const end = toEpochDay(to)
  for (let d = toEpochDay(from); d < end; d++) out.push(fromEpochDay(d))
  return out
}

/** What one read of a listing's calendar says about a set of nights. */
interface NightView {
  readonly blocked: boolean
  readonly priceOverride: number | null
  readonly surgeBp: number | null
  /** The newest claim of each slot used on the night. */
  readonly slots: Map<number, Claim>
}

/** What a hint-guided hold needs of a listing's settings, and the mark they were read under. */
interface Settings {
  readonly mark: string
  readonly units: number
  /** Per night read: whether it is blocked. */
  readonly blocked: ReadonlyMap<string, boolean>
}

interface ListingView {
  readonly units: number
  readonly nights: Map<string, NightView>
  /** The booking's own claims (newest per slot), when asked for. */
  readonly own: Claim[]
}

const emptyNight = (): NightView => ({ blocked: false, priceOverride: null, surgeBp: null, slots: new Map() })

const HINT_LIMIT = 50_000
const MAX_ROUNDS = 200

export class MongoAvailabilityStore implements AvailabilityStore {
  /**
   * Process-local hints: the next slot likely free on a night, and the units last read. A hint is
   * never trusted: a slot it names is taken by a unique insert (refused if in use) and the units and
   * blocked flags are read at the same time; a wrong hint costs a re-read, nothing else.
   */
  private readonly nextSlot = new Map<string, number>()
  /** A listing's settings as read after reading its mark: valid while the mark is the same. */
  private readonly settings = new Map<string, Settings>()

  constructor(
    private readonly collections: Collections,
    private readonly clock: Clock,
  ) {}

  // ---- reads ----

  private live(c: Claim, now: number): boolean {
    return c.st === 'b' || (c.st === 'h' && c.x !== null && c.x > now)
  }

  private decode(raw: StoredDocument): typeof CalendarDocument.Type {
    return decodeDocument(CalendarDocument, this.collections.calendar.collectionName, raw)
  }

  private decodeClaim(raw: StoredDocument): Claim {
    const d = this.decode(raw)
    if (d.k !== 'c')
      throw new MalformedDocument({
        collection: this.collections.calendar.collectionName,
        id: d._id,
        problem: 'a claim was expected',
      })
    return d
  }

  /**
   * One query: the units, and the overrides and claims on [from, to), of the listings, and the
   * booking `own`'s claims anywhere. With `mark` (the listing's settings mark, read
   * before this), what it says of the settings is remembered for hint-guided holds.
   */
  private read(
    listingIds: readonly string[],
    from: LocalDate,
    to: LocalDate,
    options: { readonly own?: string; readonly mark?: string } = {},
  ): Effect.Effect<Map<string, ListingView & { readonly keyed: Claim | undefined }>> {
    const ids = listingIds.map(String)
    const one = ids.length === 1 ? { $eq: ids[0]! } : { $in: ids }
    const nights: Record<string, unknown>[] = [
      { n: { $eq: '' } },
      { n: { $gte: String(from), $lt: String(to) } },
    ]
    if (options.own !== undefined) nights.push({ b: { $eq: String(options.own) } })
    return mongoCall('read calendar', () =>
      this.collections.calendar.find({ l: one, $or: nights }).toArray(),
    ).pipe(
      Effect.map((raw) => {
        const docs = raw.map((d) => this.decode(d))
        const views = new Map<
          string,
          { units: number; nights: Map<string, NightView>; own: Map<string, Claim>; keyed: Claim | undefined }
        >()
        const viewOf = (id: string) => {
          let v = views.get(id)
          if (v === undefined) {
            v = { units: 0, nights: new Map(), own: new Map(), keyed: undefined }
            views.set(id, v)
          }
          return v
        }
        const nightOf = (id: string, n: string) => {
          const v = viewOf(id)
          let night = v.nights.get(n)
          if (night === undefined) {
            night = emptyNight()
            v.nights.set(n, night)
          }
          return night as { -readonly [K in keyof NightView]: NightView[K] }
        }
        for (const d of docs) {
          if (d.k === 'u') {
            viewOf(d.l).units = d.units
          } else if (d.k === 'c') {
            if (options.own !== undefined && d.b === options.own) {
              if (d.hk !== undefined) viewOf(d.l).keyed = d
              const own = viewOf(d.l).own
              const key = `${d.n}|${d.s}`
              const seen = own.get(key)
              if (seen === undefined || seen.g < d.g) own.set(key, d)
            }
            if (d.n < from || d.n >= to) continue
            const slots = nightOf(d.l, d.n).slots
            const top = slots.get(d.s)
            if (top === undefined || top.g < d.g) slots.set(d.s, d)
          } else {
            if (d.n < from || d.n >= to) continue
            const night = nightOf(d.l, d.n)
            if (d.k === 'blocked') night.blocked = d.val === true
            else if (d.k === 'price') night.priceOverride = typeof d.val === 'number' ? d.val : null
            else night.surgeBp = typeof d.val === 'number' ? d.val : null
          }
        }
        const out = new Map<string, ListingView & { readonly keyed: Claim | undefined }>()
        for (const [id, v] of views)
          out.set(id, { units: v.units, nights: v.nights, own: [...v.own.values()], keyed: v.keyed })
        if (options.mark !== undefined && ids.length === 1) {
          const v = out.get(ids[0]!)
          const blocked = new Map<string, boolean>()
          for (const n of datesOf(from, to)) blocked.set(n, v?.nights.get(n)?.blocked ?? false)
          this.remember(ids[0]!, { mark: options.mark, units: v?.units ?? 0, blocked })
        }
        return out
      }),
    )
  }

  private remember(listingId: string, settings: Settings): void {
    if (this.settings.size >= HINT_LIMIT) this.settings.clear()
    this.settings.set(listingId, settings)
  }

  /** The mark of a listing's calendar settings (bumped by setUnits and patchNights after writing). */
  private markOf(listingId: string): ChangeMark {
    return new ChangeMark(this.collections, JSON.stringify(['calendar', String(listingId)]))
  }

  private night(view: ListingView | undefined, n: string): NightView {
    return view?.nights.get(n) ?? emptyNight()
  }

  private counts(night: NightView, now: number): { held: number; booked: number } {
    let held = 0
    let booked = 0
    for (const c of night.slots.values()) {
      if (c.st === 'b') booked++
      else if (this.live(c, now)) held++
    }
    return { held, booked }
  }

  private nightState(view: ListingView | undefined, date: LocalDate, now: number): NightState {
    const units = view?.units ?? 0
    const night = this.night(view, date)
    const { held, booked } = this.counts(night, now)
    return {
      date,
      units,
      held,
      booked,
      blocked: night.blocked,
      priceOverride: night.priceOverride,
      surgeBp: night.surgeBp,
      available: night.blocked ? 0 : Math.max(0, units - held - booked),
    }
  }

  calendar(listingId: ListingId, from: LocalDate, to: LocalDate): Effect.Effect<readonly NightState[]> {
    if (from >= to) return Effect.succeed([])
    return this.read([listingId], from, to).pipe(
      Effect.map((views) => {
        const now = this.clock.now()
        const view = views.get(listingId)
        return datesOf(from, to).map((d) => this.nightState(view, d, now))
      }),
    )
  }

  /** One read of the listings' calendar documents, however many listings. */
  calendars(
    listingIds: readonly ListingId[],
    from: LocalDate,
    to: LocalDate,
  ): Effect.Effect<readonly (readonly NightState[])[]> {
    if (listingIds.length === 0) return Effect.succeed([])
    if (from >= to) return Effect.succeed(listingIds.map(() => []))
    return this.read([...new Set(listingIds)], from, to).pipe(
      Effect.map((views) => {
        const now = this.clock.now()
        const dates = datesOf(from, to)
        return listingIds.map((id) => {
          const view = views.get(id)
          return dates.map((d) => this.nightState(view, d, now))
        })
      }),
    )
  }

  /** `calendars`, each reduced to whether every night has a unit free. */
  freeForStay(
    listingIds: readonly ListingId[],
    from: LocalDate,
    to: LocalDate,
  ): Effect.Effect<readonly boolean[]> {
    return this.calendars(listingIds, from, to).pipe(
      Effect.map((calendars) => calendars.map((nights) => nights.every((n) => n.available >= 1))),
    )
  }

  allocation(listingId: ListingId, bookingId: BookingId): Effect.Effect<Option.Option<Allocation>> {
    return this.ownClaims(listingId, bookingId).pipe(
      Effect.map((own) => {
        const now = this.clock.now()
        const live = own.filter((c) => this.live(c, now))
        if (live.length === 0) return Option.none()
        const nights = live.map((c) => c.n).sort()
        const held = live.filter((c) => c.st === 'h')
        return Option.some({
          listingId,
          bookingId,
          stay: {
            checkIn: nights[0] as LocalDate,
            checkOut: addDays(nights[nights.length - 1] as LocalDate, 1),
          },
          kind: held.length === 0 ? 'booked' : 'held',
          expiresAt: held.length === 0 ? null : (Math.min(...held.map((c) => c.x ?? 0)) as Instant),
        } satisfies Allocation)
      }),
    )
  }

  /** The booking's claims on the listing, newest per slot, tombstones left out. */
  private ownClaims(listingId: string, bookingId: string): Effect.Effect<Claim[]> {
    return mongoCall('read own claims', () =>
      this.collections.calendar
        .find({ l: { $eq: String(listingId) }, b: { $eq: String(bookingId) } })
        .toArray(),
    ).pipe(
      Effect.map((docs) => {
        const top = new Map<string, Claim>()
        for (const raw of docs) {
          const d = this.decodeClaim(raw)
          if (d.k !== 'c') continue
          const key = `${d.n}|${d.s}`
          const seen = top.get(key)
          if (seen === undefined || seen.g < d.g) top.set(key, d)
        }
        return [...top.values()].filter((c) => c.st !== 'f')
      }),
    )
  }

  // ---- writes ----

  setUnits(listingId: ListingId, units: number): Effect.Effect<void> {
    const doc = {
      _id: unitsId(listingId),
      sv: SCHEMA_VERSION,
      k: 'u',
      l: String(listingId),
      n: '',
      units: Number.isFinite(units) ? Math.max(0, Math.floor(units)) : 0,
    }
    return this.upsertAll(listingId, [
      { replaceOne: { filter: { _id: { $eq: doc._id } }, replacement: doc, upsert: true } },
    ])
  }

  patchNights(
    listingId: ListingId,
    from: LocalDate,
    to: LocalDate,
    patch: CalendarPatch,
  ): Effect.Effect<void> {
    const ops: AnyBulkWriteOperation<StoredDocument>[] = []
    const l = String(listingId)
    const set = (n: string, field: 'blocked' | 'price' | 'surge', val: boolean | number | null) => {
      const _id = overrideId(l, n, field)
      ops.push(
        val === null || val === false
          ? { deleteOne: { filter: { _id: { $eq: _id } } } }
          : {
              replaceOne: {
                filter: { _id: { $eq: _id } },
                replacement: { _id, sv: SCHEMA_VERSION, k: field, l, n, val },
                upsert: true,
              },
            },
      )
    }
    for (const n of from < to ? datesOf(from, to) : []) {
      if (patch.blocked !== undefined) set(n, 'blocked', patch.blocked)
      if (patch.priceOverride !== undefined) set(n, 'price', patch.priceOverride)
      if (patch.surgeBp !== undefined) set(n, 'surge', patch.surgeBp)
    }
    return ops.length === 0 ? Effect.void : this.upsertAll(listingId, ops)
  }

  /**
   * A bulk of writes of a listing's settings, then its settings mark; an upsert that lost an insert
   * race to a concurrent upsert of the same `_id` is redone.
   */
  private upsertAll(listingId: string, ops: AnyBulkWriteOperation<StoredDocument>[]): Effect.Effect<void> {
    const once = () => this.collections.calendar.bulkWrite(ops, { ordered: false, ...WRITE })
    return Effect.tryPromise({
      try: async () => {
        try {
          await once()
        } catch (e) {
          if (!isDuplicateKey(e)) throw e
          await once()
        }
      },
      catch: (cause) => new MongoCommandFailed({ operation: 'write calendar', cause }),
    }).pipe(Effect.orDie, Effect.andThen(this.markOf(listingId).bump))
  }

  hold(
    listingId: ListingId,
    bookingId: BookingId,
    stay: Stay,
    expiresAt: Instant,
  ): Effect.Effect<void, NightsUnavailable> {
    const nights = stay.checkIn < stay.checkOut ? datesOf(stay.checkIn, stay.checkOut) : []
    // Suspended: the hints are read when the hold runs, not when its effect is built (a caller may
    // build many holds first and run them one after another).
    return Effect.suspend(() => this.fastHold(listingId, bookingId, nights, expiresAt)).pipe(
      Effect.flatMap((done) =>
        done ? Effect.void : this.place(listingId, bookingId, nights, { kind: 'hold', x: expiresAt }),
      ),
    )
  }

  /**
   * The common case of many holds on one listing from one process (a hotel room type selling
   * fast): with a hint for every night and the listing's settings read before, the marker and the
   * claims are inserted at once while the settings mark is read; true when the inserts all went in
   * and the mark says the settings (units, blocked nights) are still the ones the hint relied on.
   * Anything else is given back and the careful path decides.
   */
  private fastHold(
    listingId: string,
    bookingId: string,
    nights: readonly LocalDate[],
    expiresAt: Instant,
  ): Effect.Effect<boolean> {
    const known = this.settings.get(listingId)
    if (nights.length === 0 || known === undefined) return Effect.succeed(false)
    const slots = nights.map((n) => this.nextSlot.get(`${listingId}|${n}`))
    const usable = nights.every((n, i) => {
      const slot = slots[i]
      return slot !== undefined && slot < known.units && known.blocked.get(n) === false
    })
    if (!usable) return Effect.succeed(false)
    const claims = nights.map((n, i) =>
      this.claimDoc(
        listingId,
        n,
        slots[i]!,
        0,
        bookingId,
        'h',
        expiresAt,
        i === 0 ? holdKey(listingId, bookingId) : undefined,
      ),
    )
    // The claims (the first carries the hold key: refused if the booking holds here already) and,
    // at the same time, the settings mark.
    const insert = Effect.tryPromise({
      try: async () => {
        try {
          if (claims.length === 1) await this.collections.calendar.insertOne(claims[0]!, WRITE)
          else await this.collections.calendar.insertMany(claims, { ordered: true, ...WRITE })
          return claims.length
        } catch (e) {
          return isDuplicateKey(e) && claims.length === 1 ? 0 : insertedPrefix(e)
        }
      },
      catch: (cause) => new MongoCommandFailed({ operation: 'hold nights', cause }),
    }).pipe(Effect.orDie)
    return Effect.all([insert, this.markOf(listingId).read], { concurrency: 'unbounded' }).pipe(
      Effect.flatMap(([inserted, mark]) => {
        if (inserted === claims.length && mark === known.mark) {
          for (const [i, n] of nights.entries()) this.hint(listingId, n, slots[i]! + 1)
          return Effect.succeed(true)
        }
        for (const n of nights) this.nextSlot.delete(`${listingId}|${n}`)
        if (mark !== known.mark) this.settings.delete(listingId)
        return Effect.as(this.giveBack(claims.slice(0, inserted), true), false)
      }),
    )
  }

  private hint(listingId: string, night: string, slot: number): void {
    if (this.nextSlot.size >= HINT_LIMIT) this.nextSlot.clear()
    this.nextSlot.set(`${listingId}|${night}`, slot)
  }

  private claimDoc(
    l: string,
    n: string,
    s: number,
    g: number,
    b: string,
    st: 'h' | 'b' | 'f',
    x: number | null,
    hk?: string,
  ): StoredDocument & Claim {
    return {
      _id: claimId(l, n, s, g),
      sv: SCHEMA_VERSION,
      k: 'c',
      l,
      n,
      s,
      g,
      b,
      st,
      x: st === 'h' ? x : null,
      ...(hk === undefined ? {} : { hk }),
    }
  }

  /**
   * Inserts documents one after another in the given order, skipping any that a unique `_id` refuses
   * (someone else's newer generation of that slot); returns the indexes refused.
   */
  private insertInOrder(docs: readonly StoredDocument[]): Effect.Effect<number[]> {
    return Effect.tryPromise({
      try: async () => {
        const refused: number[] = []
        let start = 0
        while (start < docs.length) {
          try {
            await this.collections.calendar.insertMany(docs.slice(start), { ordered: true, ...WRITE })
            break
          } catch (e) {
            const at = start + insertedPrefix(e)
            refused.push(at)
            start = at + 1
          }
        }
        return refused
      },
      catch: (cause) => new MongoCommandFailed({ operation: 'write claims', cause }),
    }).pipe(Effect.orDie)
  }

  /**
   * Tombstones claims this call took, latest night first, then collects the older generations
   * (with `dropKey`, the hold key too: the hold that wrote it failed, so the booking holds nothing).
   */
  private giveBack(claims: readonly Claim[], dropKey = false): Effect.Effect<void> {
    if (claims.length === 0) return Effect.void
    const ordered = [...claims].sort((a, b) => (a.n < b.n ? 1 : a.n > b.n ? -1 : b.s - a.s))
    const tombs = ordered.map((c) => this.claimDoc(c.l, c.n, c.s, c.g + 1, c.b, 'f', null))
    // Refused or not, each old claim is superseded by a newer generation now: all are garbage.
    return Effect.andThen(this.insertInOrder(tombs), this.collect(ordered, dropKey))
  }

  /**
   * Deletes documents a newer generation superseded (best effort: readers ignore them anyway). The
   * one carrying the booking's hold key stays, unless `dropKey`: it is the booking's mark.
   */
  private collect(all: readonly Claim[], dropKey = false): Effect.Effect<void> {
    const superseded = dropKey ? all : all.filter((c) => c.hk === undefined)
    if (superseded.length === 0) return Effect.void
    return Effect.asVoid(
      mongoCall('collect old claims', () =>
        this.collections.calendar.bulkWrite(
          superseded.map((c) => ({ deleteOne: { filter: { _id: { $eq: c._id } } } })),
          { ordered: false },
        ),
      ),
    )
  }

  /**
   * Gives the booking exactly `nights`, all or none. Nights it already has count as its own; the
   * others are taken in ascending date order (see the top of this file), as held until `x` for a
   * new hold, otherwise in the kind (and expiry) the booking already has. Only once every new night
   * is taken are the booking's claims on other nights given up and, for a repeated hold, the kept
   * ones given the new expiry. Hold, move and a hold for another stay all come here.
   */
  private place(
    listingId: string,
    bookingId: string,
    nights: readonly LocalDate[],
    mode: { readonly kind: 'hold'; readonly x: number } | { readonly kind: 'move' },
  ): Effect.Effect<void, NightsUnavailable> {
    const wanted = new Set<string>(nights)
    const taken: Claim[] = []
    // A failed hold gives back what it took; the hold key goes too when this call wrote it.
    const unavailable = (failing: readonly LocalDate[]) =>
      Effect.andThen(
        this.giveBack(
          taken,
          taken.some((c) => c.hk !== undefined),
        ),
        Effect.fail(new NightsUnavailable({ listingId, nights: failing })),
      )
    const from = nights[0]
    if (from === undefined) return Effect.void
    const to = addDays(nights[nights.length - 1]!, 1)
    const round = (attempt: number): Effect.Effect<void, NightsUnavailable> => {
      if (attempt > MAX_ROUNDS)
        return Effect.andThen(
          this.giveBack(taken),
          Effect.die(new Error(`placing ${bookingId}: no progress after ${MAX_ROUNDS} rounds`)),
        )
      // A listing this process holds on again: read its settings mark first, so the settings read
      // can guide later holds without being read again.
      const warm = this.nextSlot.has(`${listingId}|${from}`)
      const read = warm
        ? Effect.flatMap(this.markOf(listingId).read, (mark) =>
            this.read([listingId], from, to, { own: bookingId, mark }),
          )
        : this.read([listingId], from, to, { own: bookingId })
      return read.pipe(
        Effect.flatMap((views) => {
          const now = this.clock.now()
          const view = views.get(listingId)
          const ownLive = (view?.own ?? []).filter(
            (c) => this.live(c, now) && !taken.some((t) => t._id === c._id),
          )
          if (
            attempt === 0 &&
            ownLive.length === nights.length &&
            nights.every((n) => ownLive.filter((c) => c.n === n).length === 1)
          )
            return Effect.void
          const mine = new Map<string, Claim>()
          for (const c of [...ownLive, ...taken]) if (wanted.has(c.n)) mine.set(c.n, c)
          // New nights get the booking's kind: booked if it has booked nights, held otherwise.
          const booked = ownLive.some((c) => c.st === 'b')
          const heldUntil = ownLive.filter((c) => c.st === 'h').map((c) => c.x ?? 0)
          const st: 'h' | 'b' = booked ? 'b' : 'h'
          const x =
            st === 'b'
              ? null
              : mode.kind === 'hold'
                ? mode.x
                : heldUntil.length > 0
                  ? Math.min(...heldUntil)
                  : null
          const units = view?.units ?? 0
          const failing: LocalDate[] = []
          const plan: (StoredDocument & Claim)[] = []
          const superseded = new Map<string, Claim>()
          for (const n of nights) {
            if (mine.has(n)) continue
            const night = this.night(view, n)
            const { held, booked: bookedUnits } = this.counts(night, now)
            const free = night.blocked || held + bookedUnits >= units ? [] : this.freeSlots(night, units, now)
            if (free.length === 0) {
              failing.push(n)
              continue
            }
            // The lowest free slot first (so a filling night keeps its hint); a random one after a lost race.
            const slot = attempt === 0 ? free[0]! : free[Math.floor(Math.random() * free.length)]!
            const top = night.slots.get(slot)
            const claim = this.claimDoc(
              listingId,
              n,
              slot,
              top === undefined ? 0 : top.g + 1,
              bookingId,
              st,
              x,
            )
            plan.push(claim)
            if (top !== undefined) superseded.set(claim._id, top)
          }
          if (failing.length > 0) return unavailable(failing)
          if (plan.length === 0) return this.settle(listingId, bookingId, ownLive, wanted, mode)
          // A booking's first claim on the listing carries its hold key (a hint-guided hold relies on it).
          if (view?.keyed === undefined && !taken.some((c) => c.hk !== undefined)) {
            const first = plan[0]!
            plan[0] = { ...first, hk: holdKey(listingId, bookingId) }
          }
          return Effect.tryPromise({
            try: async (): Promise<{ inserted: number; claimRefused: boolean }> => {
              try {
                await this.collections.calendar.insertMany(plan, { ordered: true, ...WRITE })
                return { inserted: plan.length, claimRefused: false }
              } catch (e) {
                return { inserted: insertedPrefix(e), claimRefused: true }
              }
            },
            catch: (cause) => new MongoCommandFailed({ operation: 'hold nights', cause }),
          }).pipe(
            Effect.orDie,
            Effect.flatMap(({ inserted, claimRefused }) => {
              const won = plan.slice(0, inserted)
              taken.push(...won)
              // A refused claim's slot has a newer generation now: its old top is garbage too.
              const gone = plan.slice(0, inserted + (claimRefused ? 1 : 0)).flatMap((c) => {
                const old = superseded.get(c._id)
                return old === undefined ? [] : [old]
              })
              const collected = this.collect(gone)
              if (inserted < plan.length) return Effect.andThen(collected, round(attempt + 1))
              for (const c of won) this.hint(listingId, c.n, c.s + 1)
              return Effect.andThen(collected, this.settle(listingId, bookingId, ownLive, wanted, mode))
            }),
          )
        }),
      )
    }
    return round(0)
  }

  /**
   * After the new nights are taken: the booking's claims on nights it no longer wants are given up,
   * and for a hold the kept held claims take the new expiry.
   */
  private settle(
    listingId: string,
    bookingId: string,
    own: readonly Claim[],
    wanted: ReadonlySet<string>,
    mode: { readonly kind: 'hold'; readonly x: number } | { readonly kind: 'move' },
  ): Effect.Effect<void> {
    const drop = this.giveBack(own.filter((c) => !wanted.has(c.n)))
    if (mode.kind !== 'hold') return drop
    const stale = own.filter((c) => wanted.has(c.n) && c.st === 'h' && c.x !== mode.x)
    if (stale.length === 0) return drop
    return Effect.andThen(
      drop,
      this.reissue(listingId, bookingId, (c, now) =>
        c.st === 'h' && this.live(c, now) && c.x !== mode.x ? { st: 'h', x: mode.x } : null,
      ).pipe(Effect.catch(() => Effect.void)),
    )
  }

  /** Slots below `units` whose newest claim is free, expired or absent, lowest first. */
  private freeSlots(night: NightView, units: number, now: number): number[] {
    const out: number[] = []
    for (let s = 0; s < units; s++) {
      const c = night.slots.get(s)
      if (c === undefined || !this.live(c, now)) out.push(s)
    }
    return out
  }

  extendHold(listingId: ListingId, bookingId: BookingId, expiresAt: Instant): Effect.Effect<void> {
    return this.reissue(listingId, bookingId, (c, now) =>
      c.st === 'h' && this.live(c, now) ? { st: 'h', x: expiresAt } : null,
    ).pipe(Effect.catch(() => Effect.void))
  }

  confirm(listingId: ListingId, bookingId: BookingId): Effect.Effect<void, NightsUnavailable> {
    return this.ownClaims(listingId, bookingId).pipe(
      Effect.flatMap((own) => {
        const now = this.clock.now()
        if (own.length === 0) return Effect.fail(new NightsUnavailable({ listingId, nights: [] }))
        const nights = [...new Set(own.map((c) => c.n))].sort() as LocalDate[]
        if (own.some((c) => !this.live(c, now)))
          return Effect.fail(new NightsUnavailable({ listingId, nights }))
        if (own.every((c) => c.st === 'b')) return Effect.void
        return this.reissue(listingId, bookingId, (c) => (c.st === 'h' ? { st: 'b', x: null } : null))
      }),
    )
  }

  /**
   * Re-issues the booking's claims as the next generation (`change` says how, or null to leave
   * one). A refused slot either moved on within the booking (a concurrent change of its own: the
   * next round works on the newer claim) or left it (taken over after it expired, or released): then
   * the booking no longer has its nights, so whatever it still has is released and the call fails.
   */
  private reissue(
    listingId: string,
    bookingId: string,
    change: (c: Claim, now: number) => { readonly st: 'h' | 'b'; readonly x: number | null } | null,
    expected?: { readonly shape: string; readonly nights: readonly LocalDate[] },
    attempt = 0,
  ): Effect.Effect<void, NightsUnavailable> {
    return this.ownClaims(listingId, bookingId).pipe(
      Effect.flatMap((own) => {
        const now = this.clock.now()
        const nights = [...new Set(own.map((c) => c.n))].sort() as LocalDate[]
        const shape = own
          .map((c) => `${c.n}|${c.s}`)
          .sort()
          .join(',')
        const lost = () =>
          Effect.andThen(
            this.release(listingId as ListingId, bookingId as BookingId),
            Effect.fail(new NightsUnavailable({ listingId, nights: expected?.nights ?? nights })),
          )
        if (expected !== undefined && shape !== expected.shape) return lost()
        const plan: (StoredDocument & Claim)[] = []
        const superseded: Claim[] = []
        for (const c of [...own].sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : a.s - b.s))) {
          const next = change(c, now)
          if (next === null) continue
          plan.push(this.claimDoc(listingId, c.n, c.s, c.g + 1, bookingId, next.st, next.x))
          superseded.push(c)
        }
        if (plan.length === 0) return Effect.void
        return this.insertInOrder(plan).pipe(
          Effect.flatMap((refused) => {
            const collected = this.collect(superseded)
            if (refused.length === 0) return collected
            if (attempt >= 5) return Effect.andThen(collected, lost())
            return Effect.andThen(
              collected,
              this.reissue(listingId, bookingId, change, expected ?? { shape, nights }, attempt + 1),
            )
          }),
        )
      }),
    )
  }

  release(listingId: ListingId, bookingId: BookingId): Effect.Effect<void> {
    const dropKey = Effect.asVoid(
      mongoCall('drop hold key', () =>
        this.collections.calendar.deleteMany({
          l: { $eq: String(listingId) },
          b: { $eq: String(bookingId) },
          hk: { $exists: true },
        }),
      ),
    )
    const round = (attempt: number): Effect.Effect<void> =>
      this.ownClaims(listingId, bookingId).pipe(
        Effect.flatMap((own) => {
          if (own.length === 0) return dropKey
          const tombs = own.map((c) => this.claimDoc(c.l, c.n, c.s, c.g + 1, c.b, 'f', null))
          return this.insertInOrder(tombs).pipe(
            Effect.flatMap((refused) => {
              const collected = this.collect(own, true)
              // Refused: a newer generation appeared (a concurrent change of this booking, or a takeover
              // of an expired hold): look again until nothing of the booking is left.
              return refused.length === 0 || attempt >= MAX_ROUNDS
                ? Effect.andThen(collected, dropKey)
                : Effect.andThen(collected, round(attempt + 1))
            }),
          )
        }),
      )
    return round(0)
  }

  move(listingId: ListingId, bookingId: BookingId, newStay: Stay): Effect.Effect<void, NightsUnavailable> {
    const nights = newStay.checkIn < newStay.checkOut ? datesOf(newStay.checkIn, newStay.checkOut) : []
    return this.ownClaims(listingId, bookingId).pipe(
      Effect.flatMap((own) => {
        const now = this.clock.now()
        if (!own.some((c) => this.live(c, now)))
          return Effect.fail(new NightsUnavailable({ listingId, nights }))
        return this.place(listingId, bookingId, nights, { kind: 'move' })
      }),
    )
  }
}
