import { Schema } from 'effect'
import { parseLocalDate } from '../../domain/shared/dates.js'
import { CURRENCY_PATTERN } from '../../domain/shared/money.js'
import { cleanShapedText, cleanText, type TextKind } from '../../domain/shared/text.js'

/**
 * Reusable field schemas for use-case inputs; the HTTP adapter derives its OpenAPI from these, so
 * every check here publishes its exact JSON Schema (issue 15: the document must state every rule the
 * server checks). Effect's own `isMinLength`/`isMaxLength` count UTF-16 units and publish only a
 * looser bound for strings, and `isPattern` publishes nothing: string fields use `isChars` and
 * `matches` instead.
 */

/** A string's length in Unicode code points: what JSON Schema's `minLength`/`maxLength` count. */
const charCount = (s: string): number => {
  let n = s.length
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--
        i++
      }
    }
  }
  return n
}

/** `min` to `max` characters (code points), published as `minLength`/`maxLength`. */
export const isChars = (min: number, max?: number) =>
  Schema.makeFilter(
    (s: string) => {
      const n = charCount(s)
      return n >= min && (max === undefined || n <= max)
    },
    {
      expected:
        max === undefined
          ? `at least ${min} characters`
          : `${min === 0 ? 'at most' : `${min} to`} ${max} characters`,
      toJsonSchema: () => ({
        ...(min > 0 ? { minLength: min } : {}),
        ...(max === undefined ? {} : { maxLength: max }),
      }),
      arbitraryConstraint: { minLength: min, ...(max === undefined ? {} : { maxLength: max }) },
    },
  )

/**
 * A pattern, published as JSON Schema `pattern`: `re` must mean the same as an ECMA-262 pattern with
 * the `u` flag (no flags, no lookbehind), which is how JSON Schema validators read it.
 */
export const matches = (re: RegExp, expected: string) =>
  Schema.isPattern(re, { expected, toJsonSchema: () => ({ pattern: re.source }) })

/**
 * An object with at least one of `keys` (a partial update that changes something), published as
 * `anyOf` of `required`; refused with `message` at the object's own path.
 */
export const isAnyKeyOf = (keys: readonly string[], message: string) =>
  Schema.makeFilter((o: object) => keys.some((k) => k in o) || message, {
    expected: message,
    toJsonSchema: () => ({ anyOf: keys.map((k) => ({ required: [k] })) }),
  })

/**
 * An id as the engine makes them (`usr_…`, `lst_…`): letters, digits, `_` and `-`. A path segment
 * such as `.` or `..` would be another URL once a client normalizes it, so ids never take that shape.
 */
export const Id = (max = 64) =>
  Schema.String.check(isChars(1, max), matches(/^[A-Za-z0-9_-]+$/, 'an id: letters, digits, _ and -'))

/**
 * Text with something in it: names, titles, cities. Single-line unless `lines` says `multi_line`;
 * never control or bidi-override characters (`cleanText`).
 */
export const NonBlank = (max: number, lines: Exclude<TextKind, 'email'> = 'single_line') =>
  Schema.String.check(isChars(1, max), cleanShapedText(lines, 'non_blank'))
/** Text that may be empty (a caption, a description …), with the same character rule as NonBlank. */
export const BoundedString = (max: number, lines: Exclude<TextKind, 'email'> = 'single_line') =>
  Schema.String.check(isChars(0, max), cleanText(lines))
export const NonNegativeInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
export const PositiveInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
/** An amount in minor units: a non-negative safe integer. */
export const Amount = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 1_000_000_000 }))
/** Basis points, 0 to 100 %. */
export const BasisPoints = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 10_000 }))
/** A calendar date, YYYY-MM-DD, of the years 1900 to 2999 (`parseLocalDate`). */
export const LocalDateString = Schema.String.check(
  Schema.makeFilter((s: string) => parseLocalDate(s) !== undefined || 'Expected a real date as YYYY-MM-DD', {
    expected: 'a real date as YYYY-MM-DD (1900 to 2999)',
    toJsonSchema: () => ({
      format: 'date',
      pattern: '^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$',
    }),
  }),
)
export const CurrencyCode = Schema.String.check(
  matches(CURRENCY_PATTERN, 'an ISO 4217 code: three capital letters'),
)
export const Weekday = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 6 }))
export const Email = Schema.String.check(isChars(0, 254), cleanShapedText('email', 'email'))
export const Url = Schema.String.check(isChars(0, 2048), matches(/^https?:\/\/\S+$/, 'an http(s) URL'))
export const Guests = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 100 }))
