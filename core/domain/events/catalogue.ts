import { Result, Schema } from 'effect'
import { actors, bookingStates } from '../bookings/lifecycle.js'
import { bookingModes } from '../listings/listing.js'
import { captureMethods, paymentPurposes, paymentStatuses } from '../payments/payment.js'
import { reviewDirections } from '../reviews/review.js'
import { CURRENCY_PATTERN } from '../shared/money.js'
import { describeIssue } from '../shared/validation.js'
import type { EventType } from './events.js'

/**
 * The event catalogue: for every event type, its version, what emits it and the schema of its
 * `data`, derived from what the use cases really write to the outbox. Consumers decode with these
 * schemas; `docs/events.md` and the AsyncAPI document (apps/worker/asyncapi.ts) describe the same
 * ones. A v1 payload only ever gains fields: consumers decode without rejecting unknown keys.
 */

const Id = (what: string) => Schema.String.check(Schema.isMinLength(1)).annotate({ description: what })
const Amount = (what: string) =>
  Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)).annotate({
    description: `${what}, in minor units of \`currency\``,
  })
const Currency = Schema.String.check(Schema.isPattern(CURRENCY_PATTERN)).annotate({
  description: 'ISO 4217 currency code',
})
const LocalDate = (what: string) =>
  Schema.String.check(Schema.isPattern(/^\d{4}-\d{2}-\d{2}$/)).annotate({
    description: `${what} (YYYY-MM-DD, in the listing's time zone)`,
  })
const Text = (what: string) => Schema.String.annotate({ description: what })
const Actor = Schema.Literals(actors)
const BookingStateSchema = Schema.Literals(bookingStates)
const PaymentStatusSchema = Schema.Literals(paymentStatuses)
const Direction = Schema.Literals(reviewDirections).annotate({
  description: 'guest_to_listing: a guest reviews the stay; host_to_guest: a host reviews the guest',
})

// ---- users ----
const UserRegistered = Schema.Struct({ userId: Id('the new user'), email: Text('normalized e-mail address') })
const UserStatusChanged = Schema.Struct({
  userId: Id('the user whose status changed'),
  by: Id('the admin who changed it'),
  reason: Text('why (free text, may be empty)'),
})
/** Only the user id: the reset token travels in the e-mail, never in an event. */
const PasswordResetRequested = Schema.Struct({ userId: Id('the user who asked for a reset') })

// ---- listings ----
const ListingCreated = Schema.Struct({
  listingId: Id('the new listing (a draft)'),
  hostId: Id('its host'),
  city: Text('the city it is in'),
})
const ListingUpdated = Schema.Struct({
  listingId: Id('the listing'),
  fields: Schema.Array(Schema.String).annotate({ description: 'names of the fields the update set' }),
})
const ListingStatusChanged = Schema.Struct({ listingId: Id('the listing'), hostId: Id('its host') })
const CalendarChanged = Schema.Struct({
  listingId: Id('the listing'),
  from: LocalDate('first night changed'),
  to: LocalDate('end of the range, exclusive'),
  blocked: Schema.NullOr(Schema.Boolean).annotate({
    description: 'true: nights blocked; false: unblocked; null: blocking unchanged',
  }),
  priceOverride: Schema.NullOr(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))).annotate({
    description: 'nightly price override set for the range, minor units; null: unchanged or cleared',
  }),
  surgeBp: Schema.NullOr(Schema.Int.check(Schema.isBetween({ minimum: 5_000, maximum: 50_000 }))).annotate({
    description: 'surge factor in basis points (10000 = x1); null: unchanged or cleared',
  }),
})

// ---- bookings ----
const bookingCore = {
  bookingId: Id('the booking'),
  listingId: Id('the listing booked'),
  guestId: Id('the guest who booked'),
  hostId: Id('the host of the listing'),
  checkIn: LocalDate('first night'),
  checkOut: LocalDate('check-out day (the stay is [checkIn, checkOut))'),
  guests: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)).annotate({ description: 'number of guests' }),
  total: Amount('what the guest pays (quote total)'),
  currency: Currency,
}
const BookingRequested = Schema.Struct({
  ...bookingCore,
  bookingMode: Schema.Literals(bookingModes).annotate({
    description: 'instant: paying confirms; request: the host accepts or declines an authorized payment',
  }),
})
/** The payload of every event for a state a booking entered: enough to act without a lookup. */
const bookingState = <S extends (typeof BookingStateSchema.literals)[number]>(state: S) =>
  Schema.Struct({
    ...bookingCore,
    state: Schema.Literal(state).annotate({ description: 'the state the booking entered' }),
    paidAmount: Amount('what the guest has paid so far'),
    refundAmount: Schema.NullOr(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))).annotate({
      description: 'refund the cancellation grants, minor units; null unless cancelled',
    }),
    cancelledBy: Schema.NullOr(Actor).annotate({ description: 'who cancelled; null unless cancelled' }),
  })
const BookingModified = Schema.Struct({
  ...bookingCore,
  state: BookingStateSchema,
  paidAmount: Amount('what the guest has paid so far'),
  refundAmount: Schema.NullOr(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
  cancelledBy: Schema.NullOr(Actor),
  previousCheckIn: LocalDate('first night before the change'),
  previousCheckOut: LocalDate('check-out day before the change'),
  previousGuests: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  previousTotal: Amount('total before the change'),
})

// ---- payments ----
const PaymentCreated = Schema.Struct({
  paymentId: Id('the payment'),
  bookingId: Id('the booking it pays for'),
  amount: Amount('amount of the payment intent'),
  currency: Currency,
  captureMethod: Schema.Literals(captureMethods).annotate({
    description: 'automatic: captured at once (instant book); manual: authorized, captured on accept',
  }),
  purpose: Schema.Literals(paymentPurposes),
})
const paymentStatus = <const S extends readonly (typeof PaymentStatusSchema.literals)[number][]>(
  statuses: S,
) =>
  Schema.Struct({
    paymentId: Id('the payment'),
    bookingId: Id('the booking it pays for'),
    payerId: Id('the guest who pays'),
    status: Schema.Literals(statuses).annotate({ description: 'the status the payment reached' }),
    amount: Amount('amount of the payment intent'),
    capturedAmount: Amount('captured so far'),
    refundedAmount: Amount('refunded so far'),
    currency: Currency,
    failureReason: Schema.NullOr(Schema.String).annotate({ description: 'why the provider failed it' }),
  })

// ---- payouts ----
const SignedAmount = (what: string) =>
  Schema.Int.annotate({ description: `${what}, in signed minor units of \`currency\`` })
const Time = (what: string) =>
  Schema.String.check(Schema.isPattern(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/)).annotate({
    description: `${what} (RFC 3339, UTC)`,
  })
const ledgerEntry = {
  hostId: Id('the host whose ledger it is'),
  bookingId: Id('the booking the entry is about'),
  entryId: Id('the ledger entry'),
  seq: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)).annotate({
    description: "the entry's position in the host's account for this currency (1, 2, 3 …)",
  }),
  amount: SignedAmount('what the entry adds to the balance'),
  currency: Currency,
  payableAt: Time('from when it counts towards the payable balance'),
  entitlement: Amount('what the booking earns the host in total after this entry'),
  bookingState: BookingStateSchema.annotate({ description: 'the state of the booking when recorded' }),
}
const EarningRecorded = Schema.Struct(ledgerEntry)
const EarningAdjusted = Schema.Struct(ledgerEntry)
const payoutCore = {
  payoutId: Id('the payout'),
  hostId: Id('the host paid'),
  amount: Amount('amount transferred'),
  currency: Currency,
  destination: Id("the host's connected account at the provider"),
  provider: Id('the payout provider (memory, stripe)'),
}
const PayoutCreated = Schema.Struct(payoutCore)
const PayoutPaid = Schema.Struct({ ...payoutCore, transferRef: Id("the provider's transfer id") })
const PayoutFailed = Schema.Struct({
  ...payoutCore,
  reason: Text('why the provider refused it; the amount went back to the balance'),
})

// ---- reviews ----
const reviewCore = {
  reviewId: Id('the review'),
  bookingId: Id('the stay reviewed'),
  listingId: Id('the listing of the stay'),
  direction: Direction,
  authorId: Id('who wrote it'),
  subjectId: Id('who or what it is about (listing id or guest id)'),
}
const ReviewPosted = Schema.Struct(reviewCore)
const ReviewRevealed = Schema.Struct({
  ...reviewCore,
  rating: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 5 })).annotate({
    description: 'overall rating, 1 to 5',
  }),
})
const ReviewResponded = Schema.Struct({
  reviewId: Id('the review'),
  bookingId: Id('the stay reviewed'),
  listingId: Id('the listing of the stay'),
  responderId: Id('who responded (the reviewed party)'),
})
const ReviewHidden = Schema.Struct({
  reviewId: Id('the review'),
  listingId: Id('the listing of the stay'),
  by: Id('the admin who hid it'),
  reason: Text('why (free text, may be empty)'),
})

export interface CatalogueEntry {
  /** The aggregate the event's CloudEvents `subject` names. */
  readonly subject: 'user' | 'listing' | 'booking' | 'payment' | 'payout' | 'review'
  /** When the core emits it (docs and AsyncAPI). */
  readonly emittedWhen: string
  /** The schema of the CloudEvent's `data`. */
  readonly data: Schema.Codec<{ readonly [k: string]: unknown }, { readonly [k: string]: unknown }>
}

/** An entry, keeping the exact type of its data schema (so payload types come from it). */
const entry = <const D extends CatalogueEntry['data']>(
  subject: CatalogueEntry['subject'],
  emittedWhen: string,
  data: D,
): Omit<CatalogueEntry, 'data'> & { readonly data: D } => ({ subject, emittedWhen, data })

export const eventCatalogue = {
  'innkeeper.user.registered.v1': entry('user', 'a user registered', UserRegistered),
  'innkeeper.user.suspended.v1': entry('user', 'an admin suspended a user', UserStatusChanged),
  'innkeeper.user.reinstated.v1': entry('user', 'an admin reinstated a suspended user', UserStatusChanged),
  'innkeeper.user.password_reset_requested.v1': entry(
    'user',
    'an active user asked for a password reset (the link goes by e-mail only)',
    PasswordResetRequested,
  ),
  'innkeeper.listing.created.v1': entry('listing', 'a host created a listing (as a draft)', ListingCreated),
  'innkeeper.listing.updated.v1': entry('listing', 'a host changed a listing’s fields', ListingUpdated),
  'innkeeper.listing.activated.v1': entry(
    'listing',
    'a draft or inactive listing became bookable and searchable',
    ListingStatusChanged,
  ),
  'innkeeper.listing.deactivated.v1': entry(
    'listing',
    'an active listing stopped taking bookings',
    ListingStatusChanged,
  ),
  'innkeeper.listing.archived.v1': entry('listing', 'a listing was archived (final)', ListingStatusChanged),
  'innkeeper.listing.calendar_changed.v1': entry(
    'listing',
    'a host blocked or unblocked nights or set per-date prices or surge',
    CalendarChanged,
  ),
  'innkeeper.booking.requested.v1': entry(
    'booking',
    'a guest requested a stay: its nights are held for 15 minutes, awaiting payment',
    BookingRequested,
  ),
  'innkeeper.booking.awaiting_host.v1': entry(
    'booking',
    'the payment of a request-to-book stay was authorized: the host has 24 h to answer',
    bookingState('awaiting_host'),
  ),
  'innkeeper.booking.confirmed.v1': entry(
    'booking',
    'the payment was captured (instant book, or the host accepted): the nights are booked',
    bookingState('confirmed'),
  ),
  'innkeeper.booking.declined.v1': entry(
    'booking',
    'the host declined a request: its nights are released and the authorization voided',
    bookingState('declined'),
  ),
  'innkeeper.booking.expired.v1': entry(
    'booking',
    'a booking stayed unpaid for 15 minutes or unanswered for 24 h: its nights are released',
    bookingState('expired'),
  ),
  'innkeeper.booking.cancelled.v1': entry(
    'booking',
    'a guest, host or admin cancelled: nights released, refund per policy (`refundAmount`)',
    bookingState('cancelled'),
  ),
  'innkeeper.booking.modified.v1': entry(
    'booking',
    'the dates or guests of a booking changed (re-quoted, nights moved atomically)',
    BookingModified,
  ),
  'innkeeper.booking.started.v1': entry(
    'booking',
    'the check-in day came: the stay is in progress',
    bookingState('in_progress'),
  ),
  'innkeeper.booking.completed.v1': entry(
    'booking',
    'the check-out day came: the stay is completed and the review window opens',
    bookingState('completed'),
  ),
  'innkeeper.payment.created.v1': entry(
    'payment',
    'a payment intent was created for a booking or a modification',
    PaymentCreated,
  ),
  'innkeeper.payment.authorized.v1': entry(
    'payment',
    'the provider authorized the amount (request to book)',
    paymentStatus(['authorized']),
  ),
  'innkeeper.payment.captured.v1': entry(
    'payment',
    'the provider captured money (also sent again when the captured amount grows)',
    paymentStatus(['captured']),
  ),
  'innkeeper.payment.failed.v1': entry(
    'payment',
    'the provider failed the payment',
    paymentStatus(['failed']),
  ),
  'innkeeper.payment.voided.v1': entry(
    'payment',
    'an authorization was released without capture',
    paymentStatus(['voided']),
  ),
  'innkeeper.payment.refunded.v1': entry(
    'payment',
    'money was refunded, partly or fully (every change of `refundedAmount`)',
    paymentStatus(['partially_refunded', 'refunded']),
  ),
  'innkeeper.payout.earning_recorded.v1': entry(
    'payout',
    'a booking was confirmed: what it earns the host entered the host’s payout ledger, payable after check-in',
    EarningRecorded,
  ),
  'innkeeper.payout.earning_adjusted.v1': entry(
    'payout',
    'what a booking earns the host changed (modified, cancelled, refunded) or moved in time; negative when taken back',
    EarningAdjusted,
  ),
  'innkeeper.payout.created.v1': entry(
    'payout',
    'a host’s payable balance was taken off the ledger as a payout; the transfer is being made',
    PayoutCreated,
  ),
  'innkeeper.payout.paid.v1': entry('payout', 'the provider made the payout’s transfer', PayoutPaid),
  'innkeeper.payout.failed.v1': entry(
    'payout',
    'the provider refused the payout’s transfer for good; its amount went back to the host’s balance',
    PayoutFailed,
  ),
  'innkeeper.review.posted.v1': entry(
    'review',
    'one side reviewed a completed stay (still blind: no rating in the event)',
    ReviewPosted,
  ),
  'innkeeper.review.revealed.v1': entry(
    'review',
    'a review became visible (both sides reviewed, or the 14-day window closed)',
    ReviewRevealed,
  ),
  'innkeeper.review.responded.v1': entry(
    'review',
    'the reviewed party responded to a review',
    ReviewResponded,
  ),
  'innkeeper.review.hidden.v1': entry('review', 'an admin hid a review', ReviewHidden),
} as const satisfies { readonly [T in EventType]: CatalogueEntry }

/**
 * The payload (CloudEvent `data`) of an event of type `T`, as its catalogue schema describes it: what
 * `newEvent` accepts for that type and what a consumer reads once it has narrowed `type`.
 */
export type EventPayload<T extends EventType> = (typeof eventCatalogue)[T]['data']['Type']

/** The version number in an event type (`innkeeper.booking.confirmed.v1` → 1). */
export const versionOf = (type: EventType): number => Number(/\.v(\d+)$/.exec(type)?.[1] ?? Number.NaN)

export interface DecodeOptions {
  /** Reject fields the catalogue does not name (tests of the catalogue itself); default false. */
  readonly strict?: boolean
}

/** Decodes the `data` of an event of `type` with its catalogue schema. */
export const decodeEventData = <T extends EventType>(
  type: T,
  data: unknown,
  options: DecodeOptions = {},
): Result.Result<EventPayload<T>, string> =>
  Result.mapBoth(
    Schema.decodeUnknownResult(eventCatalogue[type].data)(data, {
      errors: 'all',
      onExcessProperty: options.strict ? 'error' : 'ignore',
    }),
    {
      onFailure: (e) => `data of ${type}: ${describeIssue(e.issue)}`,
      // The data as it came, unknown fields kept (a newer producer's), now known to fit the schema.
      onSuccess: () => data as EventPayload<T>,
    },
  )
