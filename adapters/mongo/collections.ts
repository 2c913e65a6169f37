import { type Collection, type Db, type Document, type IndexDirection, MongoServerError } from 'mongodb'
import { MongoCommandFailed } from './support.js'

/**
 * Every collection the Mongo adapters use and every index on them, declared once. `ensureIndexes`
 * creates them (creating an index that exists with the same name and keys is a no-op on MongoDB and
 * FerretDB alike), so it runs at every start. The README lists them with the query each serves.
 */
export const collectionNames = {
  /** Immutable revisions of every aggregate: the optimistic check, the outbox and the history. */
  revisions: 'revisions',
  users: 'users',
  /** One document per registered e-mail address: the uniqueness of e-mail across users. */
  userEmails: 'user_emails',
  listings: 'listings',
  bookings: 'bookings',
  payments: 'payments',
  reviews: 'reviews',
  wishlists: 'wishlists',
  guestProfiles: 'guest_profiles',
  /** One document per host and currency: the payout account (the stream of ledger revisions). */
  payoutAccounts: 'payout_accounts',
  /** The entries of every payout account, `_id` `<host>/<currency>/<seq>`. */
  ledgerEntries: 'ledger_entries',
  payouts: 'payouts',
  /** One document per ledger entry key: the uniqueness of keys across the whole ledger. */
  ledgerKeys: 'ledger_keys',
  /**
   * Per listing: its unit count; per night its blocked flag, price override and surge; per night
   * and unit slot who holds or booked that unit (generations of claims).
   */
  calendar: 'calendar',
  /** One token per collection that readers reading ahead watch (see ChangeMark). */
  changeMarks: 'change_marks',
} as const
export type CollectionKey = keyof typeof collectionNames

export interface IndexSpec {
  readonly collection: CollectionKey
  readonly name: string
  readonly key: Readonly<Record<string, IndexDirection>>
  readonly unique?: boolean
  /** Leaves out documents without the field (with `unique`: only those that have it must differ). */
  readonly sparse?: boolean
  /** The query the index serves (documentation; the README table is this list). */
  readonly serves: string
}

export const indexSpecs: readonly IndexSpec[] = [
  {
    collection: 'revisions',
    name: 'pending_outbox',
    key: { p: 1 },
    serves: 'OutboxSource.pending: revisions with events not yet sent, oldest first (p is present only then)',
  },
  {
    collection: 'revisions',
    name: 'by_event_id',
    key: { ids: 1 },
    serves: 'OutboxSource.markSent / markFailed: the revisions holding the given event ids',
  },
  {
    collection: 'revisions',
    name: 'by_aggregate',
    key: { k: 1, a: 1, v: -1 },
    serves: 'healing a current document: the latest revisions of one aggregate',
  },
  {
    collection: 'users',
    name: 'by_email',
    key: { em: 1 },
    serves: 'UserRepository.byEmail',
  },
  {
    collection: 'users',
    name: 'newest',
    key: { c: -1, _id: -1 },
    serves: 'UserRepository.list: newest first',
  },
  {
    collection: 'listings',
    name: 'by_host',
    key: { h: 1, c: -1, _id: -1 },
    serves: "ListingRepository.byHost: a host's listings, newest first",
  },
  ...(['kpa', 'kpd', 'kr', 'kn'] as const).map(
    (k): IndexSpec => ({
      collection: 'listings',
      name: `search_${k}`,
      key: { [k]: 1, _id: 1 },
      serves: `ListingRepository.search sorted by ${{ kpa: 'price_asc', kpd: 'price_desc', kr: 'rating', kn: 'newest' }[k]}, every city`,
    }),
  ),
  ...(['kpa', 'kpd', 'kr', 'kn'] as const).map(
    (k): IndexSpec => ({
      collection: 'listings',
      name: `search_city_${k}`,
      key: { ck: 1, [k]: 1, _id: 1 },
      serves: `ListingRepository.search in one city sorted by ${{ kpa: 'price_asc', kpd: 'price_desc', kr: 'rating', kn: 'newest' }[k]}`,
    }),
  ),
  {
    collection: 'listings',
    name: 'search_near',
    key: { lat: 1, lng: 1 },
    serves: 'ListingRepository.search with a radius: the bounding box of the circle',
  },
  {
    collection: 'bookings',
    name: 'by_guest',
    key: { g: 1, c: -1, _id: -1 },
    serves: "BookingRepository.byGuest (newest first) and countByGuest (the guest's bookings by state)",
  },
  {
    collection: 'bookings',
    name: 'by_host',
    key: { h: 1, c: -1, _id: -1 },
    serves: 'BookingRepository.byHost: newest first',
  },
  {
    collection: 'bookings',
    name: 'by_listing',
    key: { l: 1, ci: 1 },
    serves: 'BookingRepository.byListing: stays of a listing overlapping a range',
  },
  {
    collection: 'bookings',
    name: 'due',
    key: { d: 1, _id: 1 },
    serves: 'BookingRepository.due: timers due by now, earliest first (d is absent without a timer)',
  },
  {
    collection: 'payments',
    name: 'by_provider_ref',
    key: { pv: 1, pr: 1 },
    serves: 'PaymentRepository.byProviderRef (webhooks)',
  },
  {
    collection: 'payments',
    name: 'by_booking',
    key: { b: 1 },
    serves: 'PaymentRepository.byBooking',
  },
  {
    collection: 'payments',
    name: 'by_payer',
    key: { pp: 1, c: -1, _id: -1 },
    serves: 'PaymentRepository.byPayer: newest first',
  },
  {
    collection: 'reviews',
    name: 'by_booking',
    key: { b: 1 },
    serves: 'ReviewRepository.byBooking, and saveAll reading the group it extends',
  },
  {
    collection: 'reviews',
    name: 'by_listing',
    key: { l: 1, dir: 1, c: -1, _id: -1 },
    serves: 'ReviewRepository.byListing: guest → listing reviews, newest first',
  },
  {
    collection: 'reviews',
    name: 'by_subject',
    key: { subj: 1, c: -1, _id: -1 },
    serves: 'ReviewRepository.bySubject: newest first',
  },
  {
    collection: 'reviews',
    name: 'reveal_due',
    key: { ur: 1, w: 1, _id: 1 },
    serves: 'ReviewRepository.revealDue: unrevealed reviews by window end',
  },
  {
    collection: 'wishlists',
    name: 'by_user',
    key: { u: 1, at: -1, l: -1 },
    serves: "WishlistRepository.list: a user's entries, newest first",
  },
  {
    collection: 'guestProfiles',
    name: 'by_owner',
    key: { o: 1 },
    serves: 'GuestProfileRepository.byOwner',
  },
  {
    collection: 'calendar',
    name: 'by_listing_night',
    key: { l: 1, n: 1 },
    serves:
      "AvailabilityStore.calendar / freeForStay / hold / move: a listing's unit count, and the overrides and claims of a range of nights",
  },
  {
    collection: 'calendar',
    name: 'hold_key',
    key: { hk: 1 },
    unique: true,
    sparse: true,
    serves:
      'AvailabilityStore.hold: one hold key per (listing, booking), so a repeated hold is refused by its insert',
  },
  {
    collection: 'calendar',
    name: 'by_booking',
    key: { l: 1, b: 1 },
    serves: "AvailabilityStore.allocation / confirm / release / extendHold: one booking's claims and marker",
  },
  {
    collection: 'payoutAccounts',
    name: 'by_host',
    key: { h: 1, cu: 1 },
    serves: "PayoutLedger.accountsOf: a host's accounts by currency",
  },
  {
    collection: 'payoutAccounts',
    name: 'due',
    key: { d: 1, _id: 1 },
    serves: 'PayoutLedger.due: accounts whose dueAt has come, earliest first (d is absent when never)',
  },
  {
    collection: 'ledgerEntries',
    name: 'by_account',
    key: { a: 1, q: 1 },
    serves: "PayoutLedger.entries: an account's entries in seq order",
  },
  {
    collection: 'ledgerEntries',
    name: 'by_booking',
    key: { b: 1, q: 1, _id: 1 },
    serves: 'PayoutLedger.entriesOfBooking: the entries about a booking (b is absent without one)',
  },
  {
    collection: 'payouts',
    name: 'by_host',
    key: { h: 1, c: -1, _id: -1 },
    serves: "PayoutLedger.payoutsOf: a host's payouts, newest first",
  },
  {
    collection: 'payouts',
    name: 'pending',
    key: { pe: 1, _id: 1 },
    serves: 'PayoutLedger.pending: pending payouts, oldest first (pe is present only while pending)',
  },
  {
    collection: 'payouts',
    name: 'pending_of_host',
    key: { h: 1, pe: 1, _id: 1 },
    serves: "PayoutLedger.pendingOf: a host's pending payouts, oldest first",
  },
]

/** Every document of these collections has a string `_id`. */
export interface StoredDocument extends Document {
  _id: string
}

/** The collections of one database. */
export type Collections = { readonly [K in CollectionKey]: Collection<StoredDocument> }

export const collectionsOf = (db: Db): Collections =>
  Object.fromEntries(
    Object.entries(collectionNames).map(([k, name]) => [k, db.collection(name)]),
  ) as unknown as Collections

/**
 * Creates the indexes a collection lacks; idempotent, so it runs at every start. It lists the
 * existing ones first and creates only the missing (FerretDB 1.24 fails on re-creating an existing
 * compound index), and refuses an index that exists under a declared name with other keys.
 */
export const ensureIndexes = async (db: Db): Promise<void> => {
  const byCollection = new Map<CollectionKey, IndexSpec[]>()
  for (const spec of indexSpecs) {
    const list = byCollection.get(spec.collection) ?? []
    list.push(spec)
    byCollection.set(spec.collection, list)
  }
  for (const [key, specs] of byCollection) {
    const name = collectionNames[key]
    const collection = db.collection(name)
    try {
      const existing = await collection
        .listIndexes()
        .toArray()
        .catch((e: unknown) => {
          // A collection that does not exist yet has no indexes.
          if (e instanceof MongoServerError && e.code === 26) return []
          throw e
        })
      const byName = new Map(existing.map((i) => [String(i.name), i]))
      const missing = specs.filter((s) => {
        const found = byName.get(s.name)
        if (found === undefined) return true
        if (
          JSON.stringify(found.key) !== JSON.stringify(s.key) ||
          Boolean(found.unique) !== Boolean(s.unique)
        )
          throw new Error(`index ${name}.${s.name} exists with another definition: ${JSON.stringify(found)}`)
        return false
      })
      if (missing.length > 0)
        await collection.createIndexes(
          missing.map((s) => ({
            key: { ...s.key },
            name: s.name,
            ...(s.unique ? { unique: true } : {}),
            ...(s.sparse ? { sparse: true } : {}),
          })),
        )
    } catch (cause) {
      throw new MongoCommandFailed({ operation: `createIndexes on ${name}`, cause })
    }
  }
}
