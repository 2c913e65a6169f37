import type { Brand } from './brand.js'

/** ISO 4217 code, upper-case, three letters. */
export type Currency = Brand<string, 'Currency'>

/** Money in integer minor units (cents for USD, yen for JPY). Never floats. */
export interface Money {
  readonly amount: number
  readonly currency: Currency
}

export const CURRENCY_PATTERN = /^[A-Z]{3}$/
export const parseCurrency = (raw: string): Currency | undefined =>
  CURRENCY_PATTERN.test(raw) ? (raw as Currency) : undefined
export const currency = (raw: string): Currency => {
  const c = parseCurrency(raw)
  if (!c) throw new RangeError(`not an ISO 4217 currency code: ${raw}`)
  return c
}

export const money = (amount: number, cur: Currency): Money => {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`money must be integer minor units, got ${amount}`)
  return { amount, currency: cur }
}
export const zero = (cur: Currency): Money => ({ amount: 0, currency: cur })

/**
 * The one rounding rule of innkeeper: a percentage (in basis points, 1 bp = 0.01 %) of an integer
 * amount, rounded half away from zero to a whole minor unit. Applied per line item; totals are sums.
 */
export const applyBasisPoints = (amount: number, bp: number): number => {
  const exact = (amount * bp) / 10_000
  return Math.sign(exact) * Math.round(Math.abs(exact))
}

export const sumAmounts = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0)
