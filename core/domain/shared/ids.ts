import type { Brand } from './brand.js'

export type UserId = Brand<string, 'UserId'>
export type ListingId = Brand<string, 'ListingId'>
export type BookingId = Brand<string, 'BookingId'>
export type PaymentId = Brand<string, 'PaymentId'>
export type RefundId = Brand<string, 'RefundId'>
export type ReviewId = Brand<string, 'ReviewId'>
export type EventId = Brand<string, 'EventId'>
export type GuestProfileId = Brand<string, 'GuestProfileId'>
export type PayoutId = Brand<string, 'PayoutId'>
export type LedgerEntryId = Brand<string, 'LedgerEntryId'>

/** The kinds of id the IdGenerator port hands out; each id starts with its kind's prefix. */
export const idPrefixes = {
  user: 'usr',
  listing: 'lst',
  booking: 'bkg',
  payment: 'pay',
  refund: 'rfd',
  review: 'rev',
  event: 'evt',
  guestProfile: 'gpr',
  token: 'tok',
  /** A sign-in session: one refresh-token family. */
  session: 'ses',
  /** One settlement's claim on a booking's money (see `settleBooking`). */
  settlement: 'stl',
  /** A transfer of a host's payable balance to their payout account. */
  payout: 'po',
  /** One line of a host's payout ledger (earning, adjustment, payout, reversal). */
  ledgerEntry: 'lge',
} as const
export type IdKind = keyof typeof idPrefixes

export interface IdOf {
  user: UserId
  listing: ListingId
  booking: BookingId
  payment: PaymentId
  refund: RefundId
  review: ReviewId
  event: EventId
  guestProfile: GuestProfileId
  token: string
  session: string
  settlement: string
  payout: PayoutId
  ledgerEntry: LedgerEntryId
}

/** Trusts an id that arrives from outside (HTTP path, storage): lookups decide whether it exists. */
export const asId = <K extends IdKind>(_kind: K, raw: string): IdOf[K] => raw as IdOf[K]
