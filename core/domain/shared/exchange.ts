import type { Currency } from './money.js'

/**
 * An exchange rate as an exact ratio of whole numbers: one minor unit of the currency is worth
 * `numerator / denominator` minor units of the table's base currency (with EUR as base, USD at
 * 0.92 is `92/100`: a cent is worth 0.92 euro cents; JPY at 0.0061 is `61/100`: a yen is worth 0.61
 * euro cents). Ratios, never floats: every conversion is computed exactly, then rounded once.
 */
export interface ExchangeRate {
  readonly numerator: number
  readonly denominator: number
}

/** The rates in force, each against `base`, as published at `asOf` (an ISO 8601 date or instant). */
export interface RateTable {
  readonly asOf: string
  readonly base: Currency
  /** Every currency the table converts, the base included (at 1/1). */
  readonly rates: Readonly<Record<string, ExchangeRate>>
}

/** The table's rate of a currency, or undefined when the table does not convert it. */
export const rateOf = (table: RateTable, currency: string): ExchangeRate | undefined =>
  Object.hasOwn(table.rates, currency) ? table.rates[currency] : undefined

/** Whether a rate is usable: positive safe integers. */
export const isValidRate = (r: ExchangeRate): boolean =>
  Number.isSafeInteger(r.numerator) &&
  Number.isSafeInteger(r.denominator) &&
  r.numerator > 0 &&
  r.denominator > 0

/**
 * Divides exactly and rounds half away from zero: the rule of `applyBasisPoints` (the one rounding
 * rule of innkeeper), on big integers.
 */
const divideRounded = (n: bigint, d: bigint): bigint => {
  const negative = n < 0n !== d < 0n
  const an = n < 0n ? -n : n
  const ad = d < 0n ? -d : d
  const q = (an * 2n + ad) / (2n * ad)
  return negative ? -q : q
}

/**
 * `amount` minor units of `from` in minor units of `to`: `amount × rate(from) / rate(to)`, computed
 * exactly on big integers and rounded once, half away from zero, to a whole minor unit. Undefined
 * when the table converts either currency not. Converting a currency into itself is the identity.
 * Monotone: a larger amount never converts to a smaller one.
 */
export const convertAmount = (
  table: RateTable,
  amount: number,
  from: string,
  to: string,
): number | undefined => {
  if (from === to) return amount
  const a = rateOf(table, from)
  const b = rateOf(table, to)
  if (a === undefined || b === undefined) return undefined
  const n = BigInt(amount) * BigInt(a.numerator) * BigInt(b.denominator)
  const d = BigInt(a.denominator) * BigInt(b.numerator)
  return Number(divideRounded(n, d))
}

/**
 * Orders two amounts in different currencies by their exact worth in the table's base (no
 * rounding): negative when `a` is worth less, 0 when exactly the same, positive when more. Both
 * currencies must be in the table.
 */
export const compareWorth = (
  table: RateTable,
  a: { readonly amount: number; readonly currency: string },
  b: { readonly amount: number; readonly currency: string },
): number => {
  const ra = rateOf(table, a.currency)
  const rb = rateOf(table, b.currency)
  if (ra === undefined || rb === undefined)
    throw new RangeError('compareWorth: a currency is not in the table')
  const left = BigInt(a.amount) * BigInt(ra.numerator) * BigInt(rb.denominator)
  const right = BigInt(b.amount) * BigInt(rb.numerator) * BigInt(ra.denominator)
  return left < right ? -1 : left > right ? 1 : 0
}

/**
 * What `amount` of `from` is worth in `to`, exactly, as the whole amounts around it: `floor` ≤ worth
 * ≤ `ceil`, equal (and `exact`) when the worth is a whole amount. Where a search ordered by price
 * resumes in another currency. Amounts are not negative; both currencies must be in the table.
 */
export const worthIn = (
  table: RateTable,
  amount: number,
  from: string,
  to: string,
): { readonly floor: number; readonly ceil: number; readonly exact: boolean } => {
  const a = rateOf(table, from)
  const b = rateOf(table, to)
  if (a === undefined || b === undefined) throw new RangeError('worthIn: a currency is not in the table')
  const n = BigInt(amount) * BigInt(a.numerator) * BigInt(b.denominator)
  const d = BigInt(a.denominator) * BigInt(b.numerator)
  const q = n / d
  const exact = n % d === 0n
  return { floor: Number(q), ceil: Number(exact ? q : q + 1n), exact }
}
