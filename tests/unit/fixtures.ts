import type { PricingRules } from '../../core/domain/listings/listing.js'
import { type NightPricing, quoteStay } from '../../core/domain/pricing/quote.js'
import { type LocalDate, localDate, type Stay } from '../../core/domain/shared/dates.js'
import { asId, type ListingId } from '../../core/domain/shared/ids.js'
import { type Currency, currency } from '../../core/domain/shared/money.js'

export const USD: Currency = currency('USD')
export const LISTING: ListingId = asId('listing', 'lst_test')

/** No fees, no discounts: every night at `baseNightly`. */
export const plainRules = (overrides: Partial<PricingRules> = {}): PricingRules => ({
  baseNightly: 10_000,
  weekendNightly: null,
  weekendDays: [5, 6],
  seasons: [],
  weeklyDiscountBp: 0,
  monthlyDiscountBp: 0,
  cleaningFee: 0,
  extraGuestFee: 0,
  extraGuestThreshold: 99,
  serviceFeeBp: 0,
  commissionBp: 0,
  taxBp: 0,
  ...overrides,
})

export const stayOf = (checkIn: string, checkOut: string): Stay => ({
  checkIn: localDate(checkIn),
  checkOut: localDate(checkOut),
})

export const calendarOf = (entries: Record<string, Partial<NightPricing>> = {}) =>
  new Map<LocalDate, NightPricing>(
    Object.entries(entries).map(([date, p]) => [
      localDate(date),
      { priceOverride: p.priceOverride ?? null, surgeBp: p.surgeBp ?? null },
    ]),
  )

export const quote = (
  rules: PricingRules,
  stay: Stay,
  guests = 1,
  calendar: ReadonlyMap<LocalDate, NightPricing> = new Map(),
) => quoteStay({ listingId: LISTING, currency: USD, rules, stay, guests, calendar })
