import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  applyBasisPoints,
  currency,
  money,
  parseCurrency,
  sumAmounts,
} from '../../core/domain/shared/money.js'

describe('money: applyBasisPoints rounds half away from zero', () => {
  it.each([
    // amount, bp, exact, expected
    [1, 5_000, 0.5, 1],
    [3, 5_000, 1.5, 2],
    [5, 5_000, 2.5, 3],
    [-1, 5_000, -0.5, -1],
    [-5, 5_000, -2.5, -3],
    [1, -5_000, -0.5, -1],
    [10_005, 1_000, 1000.5, 1001],
    [-10_005, 1_000, -1000.5, -1001],
    [1_050, 500, 52.5, 53],
    [25, 200, 0.5, 1],
    [74_416, 1_000, 7441.6, 7442],
    [92_974, 1_175, 10924.445, 10924],
    [10_000, 10_333, 10333, 10333],
  ])('%i × %i bp = %d → %i', (amount, bp, exact, expected) => {
    expect((amount * bp) / 10_000).toBe(exact)
    expect(applyBasisPoints(amount, bp)).toBe(expected)
  })

  it('just below and above .5 round to the nearest unit', () => {
    expect(applyBasisPoints(10_004_999, 1)).toBe(1000) // 1000.4999
    expect(applyBasisPoints(10_005_001, 1)).toBe(1001) // 1000.5001
    expect(applyBasisPoints(-10_004_999, 1)).toBe(-1000)
    expect(applyBasisPoints(-10_005_001, 1)).toBe(-1001)
  })

  it('0 bp gives 0 and 10 000 bp gives the amount itself', () => {
    expect(applyBasisPoints(12_345, 0)).toBe(0)
    expect(applyBasisPoints(12_345, 10_000)).toBe(12_345)
    expect(applyBasisPoints(-12_345, 10_000)).toBe(-12_345)
  })

  it('always returns an integer, within half a unit of the exact value (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
        fc.integer({ min: -50_000, max: 50_000 }),
        (amount, bp) => {
          const r = applyBasisPoints(amount, bp)
          expect(Number.isSafeInteger(r)).toBe(true)
          expect(Math.abs(r - (amount * bp) / 10_000)).toBeLessThanOrEqual(0.5)
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('is symmetric: the share of a negative amount is minus the share of the positive one (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        (a, bp) => {
          expect(applyBasisPoints(-a, bp) + applyBasisPoints(a, bp)).toBe(0)
        },
      ),
    )
  })

  it('at an exact .5 it rounds away from zero (property over n + 0.5)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), (n) => {
        // (2n + 1) × 5000 bp = n + 0.5 exactly
        const r = applyBasisPoints(2 * n + 1, 5_000)
        expect(r).toBe(n >= 0 ? n + 1 : n)
      }),
    )
  })
})

describe('money: values', () => {
  it('money() rejects non-integer and unsafe amounts', () => {
    expect(() => money(10.5, currency('USD'))).toThrow(RangeError)
    expect(() => money(Number.MAX_SAFE_INTEGER + 1, currency('USD'))).toThrow(RangeError)
    expect(money(-3, currency('EUR'))).toEqual({ amount: -3, currency: 'EUR' })
  })

  it('currencies are three upper-case letters', () => {
    expect(parseCurrency('USD')).toBe('USD')
    expect(parseCurrency('usd')).toBeUndefined()
    expect(parseCurrency('US')).toBeUndefined()
    expect(() => currency('EURO')).toThrow(RangeError)
  })

  it('sumAmounts of nothing is 0', () => {
    expect(sumAmounts([])).toBe(0)
    expect(sumAmounts([1, -2, 3])).toBe(2)
  })
})
