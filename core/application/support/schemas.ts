import { Schema } from 'effect'
import { parseLocalDate } from '../../domain/shared/dates.js'
import { CURRENCY_PATTERN } from '../../domain/shared/money.js'
import { cleanText, type TextKind } from '../../domain/shared/text.js'

/** Reusable field schemas for use-case inputs; the HTTP adapter derives its OpenAPI from these. */

/**
 * Text with something in it: names, titles, cities, ids. Single-line unless `lines` says
 * `multi_line`; never control or bidi-override characters (`cleanText`).
 */
export const NonBlank = (max: number, lines: Exclude<TextKind, 'email'> = 'single_line') =>
  Schema.String.check(
    Schema.isMinLength(1),
    Schema.isMaxLength(max),
    Schema.isPattern(/\S/),
    cleanText(lines),
  )
/** Text that may be empty (a caption, a description …), with the same character rule as NonBlank. */
export const BoundedString = (max: number, lines: Exclude<TextKind, 'email'> = 'single_line') =>
  Schema.String.check(Schema.isMaxLength(max), cleanText(lines))
export const NonNegativeInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
export const PositiveInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
/** An amount in minor units: a non-negative safe integer. */
export const Amount = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 1_000_000_000 }))
/** Basis points, 0 to 100 %. */
export const BasisPoints = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 10_000 }))
export const LocalDateString = Schema.String.check(
  Schema.makeFilter((s: string) => parseLocalDate(s) !== undefined || 'Expected a real date as YYYY-MM-DD'),
)
export const CurrencyCode = Schema.String.check(Schema.isPattern(CURRENCY_PATTERN))
export const Weekday = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 6 }))
export const Email = Schema.String.check(
  Schema.isMaxLength(254),
  Schema.isPattern(/^[^\s@]+@[^\s@]+\.[^\s@]+$/),
  cleanText('email'),
)
export const Url = Schema.String.check(Schema.isMaxLength(2048), Schema.isPattern(/^https?:\/\/\S+$/))
export const Guests = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 100 }))
