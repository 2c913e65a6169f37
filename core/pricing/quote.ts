import type { PricingRules } from '../listings/listing.js'
import { type LocalDate, nightsOf, type Stay, weekday } from '../shared/dates.js'
import type { ListingId } from '../shared/ids.js'
import { applyBasisPoints, type Currency, sumAmounts } from '../shared/money.js'

export type LineCode =
  | 'nights'
  | 'weekly_discount'
  | 'monthly_discount'
  | 'cleaning_fee'
  | 'extra_guest_fee'
  | 'service_fee'
  | 'occupancy_tax'
  | 'host_commission'

/** One line of a quote. `amount` is what the line adds (negative for discounts and commission). */
export interface LineItem {
  readonly code: LineCode
  readonly quantity: number
  readonly unitAmount: number
  readonly amount: number
}

/** The price of one night before discounts, and where it came from. */
export interface NightPrice {
  readonly date: LocalDate
  readonly amount: number
  readonly source: 'base' | 'weekend' | 'season' | 'override'
  readonly surgeBp: number | null
}

/** What the calendar says about one night's price (from the AvailabilityStore). */
export interface NightPricing {
  readonly priceOverride: number | null
  /** Surge factor in basis points: 12_500 = ×1.25. */
  readonly surgeBp: number | null
}

export interface Quote {
  readonly listingId: ListingId
  readonly stay: Stay
  readonly guests: number
  readonly currency: Currency
  readonly nights: readonly NightPrice[]
  /** What the guest pays: nights, discount, fees, service fee, tax. */
  readonly guestLines: readonly LineItem[]
  /** What the host earns: nights, discount, fees, minus commission. */
  readonly hostLines: readonly LineItem[]
  readonly guestTotal: number
  readonly hostPayout: number
  /** Platform revenue: the guest service fee plus the host commission. */
  readonly platformFee: number
  readonly tax: number
}

/** The nightly price before surge: per-date override > season > weekend > base. */
export const basePriceOf = (
  rules: PricingRules,
  date: LocalDate,
  pricing: NightPricing | undefined,
): { amount: number; source: NightPrice['source'] } => {
  if (pricing?.priceOverride != null) return { amount: pricing.priceOverride, source: 'override' }
  const season = rules.seasons.find((s) => s.from <= date && date < s.to)
  if (season) return { amount: season.nightly, source: 'season' }
  if (rules.weekendNightly !== null && rules.weekendDays.includes(weekday(date)))
    return { amount: rules.weekendNightly, source: 'weekend' }
  return { amount: rules.baseNightly, source: 'base' }
}

export const priceNight = (
  rules: PricingRules,
  date: LocalDate,
  pricing: NightPricing | undefined,
): NightPrice => {
  const base = basePriceOf(rules, date, pricing)
  const surgeBp = pricing?.surgeBp ?? null
  const amount = surgeBp === null ? base.amount : applyBasisPoints(base.amount, surgeBp)
  return { date, amount, source: base.source, surgeBp }
}

const line = (
  code: LineCode,
  quantity: number,
  unitAmount: number,
  amount = quantity * unitAmount,
): LineItem => ({
  code,
  quantity,
  unitAmount,
  amount,
})

/**
 * Prices a stay. Pure and server-authoritative: the same rules and calendar give the same quote.
 * Nights of equal price share a line; each percentage is rounded once, on its own line; totals are
 * sums of lines. Weekly (≥ 7 nights) and monthly (≥ 28 nights) discounts do not stack: monthly wins.
 */
export const quoteStay = (input: {
  readonly listingId: ListingId
  readonly currency: Currency
  readonly rules: PricingRules
  readonly stay: Stay
  readonly guests: number
  readonly calendar: ReadonlyMap<LocalDate, NightPricing>
}): Quote => {
  const { rules, stay, guests } = input
  const nights = nightsOf(stay).map((d) => priceNight(rules, d, input.calendar.get(d)))
  const n = nights.length

  const accommodation: LineItem[] = []
  const byPrice = new Map<number, number>()
  for (const night of nights) byPrice.set(night.amount, (byPrice.get(night.amount) ?? 0) + 1)
  for (const [unit, qty] of [...byPrice].sort((a, b) => a[0] - b[0]))
    accommodation.push(line('nights', qty, unit))
  const nightsSubtotal = sumAmounts(accommodation.map((l) => l.amount))

  if (n >= 28 && rules.monthlyDiscountBp > 0) {
    const d = applyBasisPoints(nightsSubtotal, rules.monthlyDiscountBp)
    accommodation.push(line('monthly_discount', 1, -d))
  } else if (n >= 7 && rules.weeklyDiscountBp > 0) {
    const d = applyBasisPoints(nightsSubtotal, rules.weeklyDiscountBp)
    accommodation.push(line('weekly_discount', 1, -d))
  }
  if (rules.cleaningFee > 0) accommodation.push(line('cleaning_fee', 1, rules.cleaningFee))
  const extra = Math.max(0, guests - rules.extraGuestThreshold)
  if (extra > 0 && rules.extraGuestFee > 0)
    accommodation.push(line('extra_guest_fee', extra * n, rules.extraGuestFee))

  const subtotal = sumAmounts(accommodation.map((l) => l.amount))
  const serviceFee = applyBasisPoints(subtotal, rules.serviceFeeBp)
  const tax = applyBasisPoints(subtotal, rules.taxBp)
  const commission = applyBasisPoints(subtotal, rules.commissionBp)

  const guestLines = [...accommodation]
  if (serviceFee > 0) guestLines.push(line('service_fee', 1, serviceFee))
  if (tax > 0) guestLines.push(line('occupancy_tax', 1, tax))
  const hostLines = [...accommodation]
  if (commission > 0) hostLines.push(line('host_commission', 1, -commission))

  return {
    listingId: input.listingId,
    stay,
    guests,
    currency: input.currency,
    nights,
    guestLines,
    hostLines,
    guestTotal: sumAmounts(guestLines.map((l) => l.amount)),
    hostPayout: sumAmounts(hostLines.map((l) => l.amount)),
    platformFee: serviceFee + commission,
    tax,
  }
}

/** The accommodation part (nights after discount) of a quote: what cancellation tiers refund a share of. */
export const nightsAmount = (q: Quote): number =>
  sumAmounts(
    q.guestLines
      .filter((l) => l.code === 'nights' || l.code === 'weekly_discount' || l.code === 'monthly_discount')
      .map((l) => l.amount),
  )
/** Fees that a tier may or may not refund: cleaning, extra guests, service fee. */
export const feesAmount = (q: Quote): number =>
  sumAmounts(
    q.guestLines
      .filter((l) => l.code === 'cleaning_fee' || l.code === 'extra_guest_fee' || l.code === 'service_fee')
      .map((l) => l.amount),
  )
