import type { Quote } from '../pricing/quote.js'
import { applyBasisPoints, sumAmounts } from '../shared/money.js'
import { HOUR, type Instant } from '../shared/time.js'

/**
 * A cancellation policy is data: tiers of (time before check-in, refund share of the nights, fees
 * refunded?). The first tier whose `minHoursBefore` the cancellation still meets applies; past
 * every tier nothing of the nights or fees is refunded.
 */
export interface RefundTier {
  readonly minHoursBefore: number
  /** Share of the nights refunded, in basis points (10_000 = 100 %). */
  readonly nightsRefundBp: number
  /** Whether cleaning, extra-guest and service fees are refunded too. */
  readonly feesRefunded: boolean
}

export interface CancellationPolicy {
  readonly name: CancellationPolicyName
  /** Sorted by `minHoursBefore`, largest first. */
  readonly tiers: readonly RefundTier[]
}

export const cancellationPolicyNames = [
  'flexible',
  'moderate',
  'firm',
  'strict',
  'non_refundable',
  '48h',
] as const
export type CancellationPolicyName = (typeof cancellationPolicyNames)[number]

const full = (hours: number): RefundTier => ({
  minHoursBefore: hours,
  nightsRefundBp: 10_000,
  feesRefunded: true,
})
const half = (hours: number): RefundTier => ({
  minHoursBefore: hours,
  nightsRefundBp: 5_000,
  feesRefunded: false,
})

export const cancellationPolicies: Readonly<Record<CancellationPolicyName, CancellationPolicy>> = {
  flexible: { name: 'flexible', tiers: [full(24)] },
  moderate: { name: 'moderate', tiers: [full(5 * 24)] },
  firm: { name: 'firm', tiers: [full(30 * 24), half(7 * 24)] },
  strict: { name: 'strict', tiers: [half(7 * 24)] },
  non_refundable: { name: 'non_refundable', tiers: [] },
  '48h': { name: '48h', tiers: [full(48)] },
}

export type Canceller = 'guest' | 'host' | 'admin' | 'system'

export interface RefundBreakdown {
  readonly nights: number
  readonly fees: number
  readonly tax: number
  /** What is refunded: the sum of the parts, never more than `paid`. */
  readonly total: number
  /** The tier that applied, or null (host/admin/system cancellation or no tier met). */
  readonly tier: RefundTier | null
  readonly fullRefund: boolean
}

const sumCodes = (q: Quote, codes: readonly string[]): number =>
  sumAmounts(q.guestLines.filter((l) => codes.includes(l.code)).map((l) => l.amount))

/**
 * What a cancellation refunds. A guest gets the tier's share; a host, admin or the system (a
 * declined or expired request) refunds everything. The refund never exceeds `paid` (the net amount
 * captured and not yet refunded).
 */
export const computeRefund = (input: {
  readonly quote: Quote
  readonly policy: CancellationPolicy
  readonly cancelledBy: Canceller
  readonly cancelledAt: Instant
  readonly checkInAt: Instant
  readonly paid: number
}): RefundBreakdown => {
  const { quote, paid } = input
  const nightsTotal = sumCodes(quote, ['nights', 'weekly_discount', 'monthly_discount'])
  const taxableFees = sumCodes(quote, ['cleaning_fee', 'extra_guest_fee'])
  const serviceFee = sumCodes(quote, ['service_fee'])
  const cap = (n: number) => Math.max(0, Math.min(n, paid))

  if (input.cancelledBy !== 'guest') {
    const total = cap(quote.guestTotal)
    return {
      nights: nightsTotal,
      fees: taxableFees + serviceFee,
      tax: quote.tax,
      total,
      tier: null,
      fullRefund: true,
    }
  }
  const msBefore = input.checkInAt - input.cancelledAt
  const tier = input.policy.tiers.find((t) => msBefore >= t.minHoursBefore * HOUR) ?? null
  if (tier === null) return { nights: 0, fees: 0, tax: 0, total: 0, tier: null, fullRefund: false }

  const nights = applyBasisPoints(nightsTotal, tier.nightsRefundBp)
  const fees = tier.feesRefunded ? taxableFees + serviceFee : 0
  const refundedTaxable = nights + (tier.feesRefunded ? taxableFees : 0)
  const taxable = nightsTotal + taxableFees
  const tax = taxable === 0 ? 0 : Math.round((quote.tax * refundedTaxable) / taxable)
  const total = cap(nights + fees + tax)
  return { nights, fees, tax, total, tier, fullRefund: total === quote.guestTotal }
}
