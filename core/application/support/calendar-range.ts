import { Effect } from 'effect'
import { daysBetween, type LocalDate } from '../../domain/shared/dates.js'
import { ValidationFailed } from '../../domain/shared/errors.js'

export const MAX_CALENDAR_DAYS = 731

/** The range rule in words, for the OpenAPI document (JSON Schema cannot compare two fields). */
export const CALENDAR_RANGE_RULE = `First night not included: after from, at most ${MAX_CALENDAR_DAYS} nights later`

/** A calendar range [from, to): at least one night, at most MAX_CALENDAR_DAYS. */
export const checkRange = (from: string, to: string): Effect.Effect<void, ValidationFailed> => {
  const span = daysBetween(from as LocalDate, to as LocalDate)
  if (span <= 0)
    return Effect.fail(new ValidationFailed({ issues: [{ path: 'to', message: 'must be after from' }] }))
  if (span > MAX_CALENDAR_DAYS)
    return Effect.fail(
      new ValidationFailed({
        issues: [{ path: 'to', message: `at most ${MAX_CALENDAR_DAYS} nights at once` }],
      }),
    )
  return Effect.void
}
