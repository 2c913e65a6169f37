import type { PricingRules } from '../listings/listing.js'
import { type LocalDate, nightsOf, type Stay, weekday } from '../shared/dates.js'
import type { ListingId } from '../shared/ids.js'
import { applyBasisPoints, type Currency, sumAmounts } from '../shared/money.js'

/** Every kind of quote line (one list: stores and views read it from here). */
export const lineCodes = [
  'nights',
  'weekly_discount',
  'monthly_discount',
  'cleaning_fee',
  'extra_guest_fee',
  'service_fee',
  'occupancy_tax',
  'host_commission',
] as const
export type LineCode = (typeof lineCodes)[number]

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
  const override = pricing?.priceOverride
  const n = nightPriceOf(
    rules,
    date,
    weekday(date),
    override == null ? undefined : { priceOverride: override, surgeBp: null },
  )
  return { amount: n.amount, source: n.source }
}

/** The first season holding the date (a loop, not `find`: no closure per night). */
const seasonOf = (rules: PricingRules, date: LocalDate): PricingRules['seasons'][number] | undefined => {
  const seasons = rules.seasons
  for (let i = 0; i < seasons.length; i++) {
    const s = seasons[i]!
    if (s.from <= date && date < s.to) return s
  }
  return undefined
}

/**
 * One night's price, `day` being the date's weekday (0 = Sunday): the base price (per-date override
 * > season > weekend > base), then the surge. The one rule `priceNight`, `basePriceOf` and quotes share.
 */
const nightPriceOf = (
  rules: PricingRules,
  date: LocalDate,
  day: number,
  pricing: NightPricing | undefined,
): NightPrice => {
  let base: number
  let source: NightPrice['source']
  const override = pricing?.priceOverride
  if (override != null) {
    base = override
    source = 'override'
  } else {
    const season = seasonOf(rules, date)
    if (season !== undefined) {
      base = season.nightly
      source = 'season'
    } else if (rules.weekendNightly !== null && rules.weekendDays.includes(day)) {
      base = rules.weekendNightly
      source = 'weekend'
    } else {
      base = rules.baseNightly
      source = 'base'
    }
  }
  const surgeBp = pricing?.surgeBp ?? null
  const amount = surgeBp === null ? base : applyBasisPoints(base, surgeBp)
  return { date, amount, source, surgeBp }
}

export const priceNight = (
  rules: PricingRules,
  date: LocalDate,
  pricing: NightPricing | undefined,
): NightPrice => nightPriceOf(rules, date, weekday(date), pricing)

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

/** A night of a stay with what the calendar says about its price (a `NightState` is one). */
export interface DatedNightPricing extends NightPricing {
  readonly date: LocalDate
}

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
  const dates = nightsOf(input.stay)
  const nights: NightPrice[] = new Array(dates.length)
  const day0 = dates.length === 0 ? 0 : weekday(input.stay.checkIn)
  for (let i = 0; i < dates.length; i++) {
    const date = dates[i]!
    nights[i] = nightPriceOf(input.rules, date, (day0 + i) % 7, input.calendar.get(date))
  }
  return quoteOf(input, nights)
}

/**
 * `quoteStay` for a stay whose calendar nights are at hand, in order, one per night of the stay
 * (what `AvailabilityStore.calendar` returns): the same rules and the same quote, without a map of
 * the calendar or the night dates made again. Searches price each hit this way.
 */
export const quoteCalendarNights = (input: {
  readonly listingId: ListingId
  readonly currency: Currency
  readonly rules: PricingRules
  readonly stay: Stay
  readonly guests: number
  readonly nights: readonly DatedNightPricing[]
}): Quote => {
  const calendar = input.nights
  const nights: NightPrice[] = new Array(calendar.length)
  const day0 = calendar.length === 0 ? 0 : weekday(input.stay.checkIn)
  for (let i = 0; i < calendar.length; i++) {
    const n = calendar[i]!
    nights[i] = nightPriceOf(input.rules, n.date, (day0 + i) % 7, n)
  }
  return quoteOf(input, nights)
}

/** The average nightly price of the nights (rounded): what a search's price range applies to. */
export const averageNightly = (nights: readonly NightPrice[]): number => {
  let sum = 0
  for (let i = 0; i < nights.length; i++) sum += nights[i]!.amount
  return Math.round(sum / Math.max(1, nights.length))
}

const sumLines = (lines: readonly LineItem[]): number => {
  let sum = 0
  for (let i = 0; i < lines.length; i++) sum += lines[i]!.amount
  return sum
}

/** The quote of priced nights: lines, discounts, fees, service fee, tax, commission, totals. */
const quoteOf = (
  input: {
    readonly listingId: ListingId
    readonly currency: Currency
    readonly rules: PricingRules
    readonly stay: Stay
    readonly guests: number
  },
  nights: readonly NightPrice[],
): Quote => {
  const { rules, stay, guests } = input
  const n = nights.length

  // Nights of equal price share a line, cheapest first: each pass takes the next price up and
  // counts its nights (a stay has few distinct prices; no map, no sort).
  const accommodation: LineItem[] = []
  let below = Number.NEGATIVE_INFINITY
  while (true) {
    let unit = Number.POSITIVE_INFINITY
    let qty = 0
    for (let i = 0; i < n; i++) {
      const amount = nights[i]!.amount
      if (amount <= below) continue
      if (amount < unit) {
        unit = amount
        qty = 1
      } else if (amount === unit) qty++
    }
    if (qty === 0) break
    accommodation.push(line('nights', qty, unit))
    below = unit
  }
  const nightsSubtotal = sumLines(accommodation)

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

  const subtotal = sumLines(accommodation)
  const serviceFee = applyBasisPoints(subtotal, rules.serviceFeeBp)
  const tax = applyBasisPoints(subtotal, rules.taxBp)
  const commission = applyBasisPoints(subtotal, rules.commissionBp)

  // Sized up front: the accommodation lines, then the service fee and the tax if any.
  const guestLines: LineItem[] = new Array(
    accommodation.length + (serviceFee > 0 ? 1 : 0) + (tax > 0 ? 1 : 0),
  )
  let g = 0
  for (; g < accommodation.length; g++) guestLines[g] = accommodation[g]!
  if (serviceFee > 0) guestLines[g++] = line('service_fee', 1, serviceFee)
  if (tax > 0) guestLines[g++] = line('occupancy_tax', 1, tax)
  const hostLines = accommodation
  if (commission > 0) hostLines.push(line('host_commission', 1, -commission))

  return {
    listingId: input.listingId,
    stay,
    guests,
    currency: input.currency,
    nights,
    guestLines,
    hostLines,
    guestTotal: sumLines(guestLines),
    hostPayout: sumLines(hostLines),
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
