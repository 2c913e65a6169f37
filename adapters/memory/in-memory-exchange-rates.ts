import { Effect } from 'effect'
import { type ExchangeRate, isValidRate, type RateTable } from '../../core/domain/shared/exchange.js'
import type { Currency } from '../../core/domain/shared/money.js'
import type { ExchangeRates } from '../../ports/exchange-rates.js'

/** A rate as its ratio (see ExchangeRate). */
const r = (numerator: number, denominator: number): ExchangeRate => ({ numerator, denominator })

/**
 * A fixed table, EUR as base, in minor units (a US cent is worth 0.92 euro cents: `92/100`; a yen,
 * which has no minor unit, 0.61 euro cents: `61/100`). Illustrative rates, not market data: a
 * deployment that prices across currencies for real plugs in its own ExchangeRates adapter.
 */
export const FIXED_RATE_TABLE: RateTable = {
  asOf: '2026-01-01',
  base: 'EUR' as Currency,
  rates: {
    EUR: r(1, 1),
    USD: r(92, 100),
    GBP: r(117, 100),
    CHF: r(106, 100),
    JPY: r(61, 100),
    AUD: r(61, 100),
    CAD: r(68, 100),
    NZD: r(56, 100),
    MXN: r(54, 1000),
    ZAR: r(50, 1000),
    BRL: r(17, 100),
    SEK: r(87, 1000),
    NOK: r(85, 1000),
    DKK: r(134, 1000),
    PLN: r(23, 100),
    CZK: r(40, 1000),
    INR: r(11, 1000),
    CNY: r(127, 1000),
    HKD: r(118, 1000),
    SGD: r(69, 100),
    KRW: r(68, 1000),
  },
}

/** ExchangeRates from a fixed table in memory (FIXED_RATE_TABLE unless another is given). */
export class InMemoryExchangeRates implements ExchangeRates {
  private table: RateTable

  constructor(table: RateTable = FIXED_RATE_TABLE) {
    this.table = InMemoryExchangeRates.checked(table)
  }

  current(): Effect.Effect<RateTable> {
    return Effect.sync(() => this.table)
  }

  /** Replaces the table (tests, or a process that refreshes its rates). */
  set(table: RateTable): void {
    this.table = InMemoryExchangeRates.checked(table)
  }

  private static checked(table: RateTable): RateTable {
    for (const [c, rate] of Object.entries(table.rates))
      if (!isValidRate(rate)) throw new RangeError(`exchange rate of ${c}: positive whole numbers expected`)
    const base = table.rates[table.base]
    if (base === undefined || base.numerator !== base.denominator)
      throw new RangeError(`the base currency ${table.base} must be in the table at 1/1`)
    return table
  }
}
