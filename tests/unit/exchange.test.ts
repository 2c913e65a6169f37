import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FIXED_RATE_TABLE, InMemoryExchangeRates } from '../../adapters/memory/in-memory-exchange-rates.js'
import { compareWorth, convertAmount, type RateTable, worthIn } from '../../core/domain/shared/exchange.js'
import type { Currency } from '../../core/domain/shared/money.js'

/*
 * Issue 15 item 4: amounts in different currencies are compared only after an exact conversion
 * (rates are ratios of whole numbers), rounded once, half away from zero (innkeeper's one rule).
 */
const table: RateTable = {
  asOf: '2026-01-01',
  base: 'EUR' as Currency,
  rates: {
    EUR: { numerator: 1, denominator: 1 },
    USD: { numerator: 92, denominator: 100 },
    JPY: { numerator: 61, denominator: 100 },
  },
}

describe('convertAmount: exact ratios, one rounding, half away from zero', () => {
  it('converts through the base and rounds half away from zero', () => {
    expect(convertAmount(table, 10_000, 'USD', 'EUR')).toBe(9_200)
    expect(convertAmount(table, 1, 'USD', 'EUR')).toBe(1) // 0.92 → 1
    expect(convertAmount(table, 50, 'JPY', 'EUR')).toBe(31) // 30.5 → 31 (half away from zero)
    expect(convertAmount(table, 150, 'EUR', 'JPY')).toBe(246) // 245.9… → 246
    expect(convertAmount(table, 9_200, 'EUR', 'USD')).toBe(10_000)
    expect(convertAmount(table, 123, 'USD', 'USD')).toBe(123)
  })

  it('is undefined for a currency the table lacks', () => {
    expect(convertAmount(table, 100, 'XTS', 'EUR')).toBeUndefined()
    expect(convertAmount(table, 100, 'EUR', 'XTS')).toBeUndefined()
  })

  it('is exact for amounts past 2^53 / rate (big integers inside, no float drift)', () => {
    // 9e15 × 92 overflows a double's exact integers; the result is still the exact rounding.
    expect(convertAmount(table, 9_000_000_000_000_000, 'USD', 'EUR')).toBe(8_280_000_000_000_000)
  })

  it('property: monotone, and compareWorth orders like the exact values', () => {
    const cur = fc.constantFrom('EUR', 'USD', 'JPY')
    fc.assert(
      fc.property(
        fc.nat({ max: 10_000_000 }),
        fc.nat({ max: 10_000_000 }),
        cur,
        cur,
        cur,
        (a, b, x, y, to) => {
          const lo = Math.min(a, b)
          const hi = Math.max(a, b)
          expect(convertAmount(table, lo, x, to)!).toBeLessThanOrEqual(convertAmount(table, hi, x, to)!)
          const c = compareWorth(table, { amount: a, currency: x }, { amount: b, currency: y })
          // Worth compared exactly: a converted (rounded) order never contradicts it.
          if (c < 0)
            expect(convertAmount(table, a, x, to)!).toBeLessThanOrEqual(convertAmount(table, b, y, to)!)
          if (x === y) expect(Math.sign(c)).toBe(Math.sign(a - b))
          const w = worthIn(table, a, x, y)
          expect(w.floor).toBeLessThanOrEqual(w.ceil)
          expect(w.exact).toBe(w.floor === w.ceil)
          expect(
            compareWorth(table, { amount: w.floor, currency: y }, { amount: a, currency: x }),
          ).toBeLessThanOrEqual(0)
          expect(
            compareWorth(table, { amount: w.ceil, currency: y }, { amount: a, currency: x }),
          ).toBeGreaterThanOrEqual(0)
        },
      ),
      { numRuns: 2_000 },
    )
  })
})

describe('InMemoryExchangeRates: a fixed table, checked', () => {
  it('serves the fixed table, EUR as base at 1/1, every rate positive whole numbers', () => {
    expect(FIXED_RATE_TABLE.rates.EUR).toEqual({ numerator: 1, denominator: 1 })
    expect(() => new InMemoryExchangeRates()).not.toThrow()
  })
  it('refuses a table with a zero or fractional rate, or without its base at 1/1', () => {
    const bad = (rates: RateTable['rates']) => () => new InMemoryExchangeRates({ ...table, rates })
    expect(bad({ ...table.rates, USD: { numerator: 0, denominator: 1 } })).toThrow(/USD/)
    expect(bad({ ...table.rates, USD: { numerator: 0.5, denominator: 1 } })).toThrow(/USD/)
    expect(bad({ USD: { numerator: 1, denominator: 1 } })).toThrow(/base/)
  })
})
