import { Result } from 'effect'
import type { Brand } from './brand.js'
import { type Instant, instant } from './time.js'

/** A calendar date with no time zone, `YYYY-MM-DD`. A night is named by the date it starts on. */
export type LocalDate = Brand<string, 'LocalDate'>

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/

// Days from civil (Howard Hinnant's algorithm): exact integer arithmetic, no Date, no time zone.
export const toEpochDay = (d: LocalDate): number => {
  const y0 = Number(d.slice(0, 4))
  const m = Number(d.slice(5, 7))
  const day = Number(d.slice(8, 10))
  const y = m <= 2 ? y0 - 1 : y0
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

export const fromEpochDay = (z0: number): LocalDate => {
  const z = z0 + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp + (mp < 10 ? 3 : -9)
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0)
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` as LocalDate
}

/** Parses `YYYY-MM-DD` and rejects impossible dates such as 2025-02-30. */
export const parseLocalDate = (raw: string): LocalDate | undefined => {
  const m = PATTERN.exec(raw)
  if (!m) return undefined
  const year = Number(m[1])
  if (year < 1900 || year > 2999) return undefined
  const candidate = raw as LocalDate
  return fromEpochDay(toEpochDay(candidate)) === candidate ? candidate : undefined
}

export const localDate = (raw: string): LocalDate => {
  const d = parseLocalDate(raw)
  if (d === undefined) throw new RangeError(`not a valid YYYY-MM-DD date: ${raw}`)
  return d
}

export const addDays = (d: LocalDate, n: number): LocalDate => fromEpochDay(toEpochDay(d) + n)
export const daysBetween = (from: LocalDate, to: LocalDate): number => toEpochDay(to) - toEpochDay(from)
/** 0 = Sunday … 6 = Saturday. */
export const weekday = (d: LocalDate): number => (((toEpochDay(d) + 4) % 7) + 7) % 7
export const compareDates = (a: LocalDate, b: LocalDate): number => (a < b ? -1 : a > b ? 1 : 0)

/** A stay: the half-open range of nights `[checkIn, checkOut)`. */
export interface Stay {
  readonly checkIn: LocalDate
  readonly checkOut: LocalDate
}

export type StayError = {
  readonly reason: 'invalid_date' | 'check_out_not_after_check_in'
  readonly field: string
}

export const makeStay = (checkIn: string, checkOut: string): Result.Result<Stay, StayError> => {
  const ci = parseLocalDate(checkIn)
  if (!ci) return Result.fail({ reason: 'invalid_date', field: 'check_in' })
  const co = parseLocalDate(checkOut)
  if (!co) return Result.fail({ reason: 'invalid_date', field: 'check_out' })
  if (co <= ci) return Result.fail({ reason: 'check_out_not_after_check_in', field: 'check_out' })
  return Result.succeed({ checkIn: ci, checkOut: co })
}

export const nightCount = (s: Stay): number => daysBetween(s.checkIn, s.checkOut)

/** Every night of the stay, in order: checkIn, checkIn+1, …, checkOut-1. */
export const nightsOf = (s: Stay): LocalDate[] => {
  const out: LocalDate[] = []
  const start = toEpochDay(s.checkIn)
  const end = toEpochDay(s.checkOut)
  for (let d = start; d < end; d++) out.push(fromEpochDay(d))
  return out
}

export const staysOverlap = (a: Stay, b: Stay): boolean => a.checkIn < b.checkOut && b.checkIn < a.checkOut
export const stayContains = (s: Stay, night: LocalDate): boolean => s.checkIn <= night && night < s.checkOut

// ---- time zones: local wall-clock time in an IANA zone <-> Instant (Intl only, no node:*) ----

const formatters = new Map<string, Intl.DateTimeFormat>()
const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(timeZone, f)
  }
  return f
}

export const isValidTimeZone = (tz: string): boolean => {
  try {
    formatterFor(tz)
    return true
  } catch {
    return false
  }
}

/** The zone's offset from UTC, in ms, at the given instant, read from Intl (slow: ~10 µs). */
const offsetExact = (t: number, timeZone: string): number => {
  const parts = formatterFor(timeZone).formatToParts(new Date(t))
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0)
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  // Floor to the whole second the formatter shows (`%` truncates toward zero, wrong before 1970).
  return asUtc - (t - (((t % 1000) + 1000) % 1000))
}

const HOUR_MS = 3_600_000
/** Offsets by zone and hour: an hour whose first and last millisecond share an offset keeps it. */
const hourOffsets = new Map<string, number>()
const MAX_CACHED_HOURS = 50_000

/**
 * The zone's offset at `t`. Cached per whole UTC hour when the offset is the same at both ends of
 * the hour (every hour but those holding a change), so quoting and booking do not format dates
 * through Intl on every call; hours with a change are computed exactly every time.
 */
export const offsetAt = (t: number, timeZone: string): number => {
  const hour = Math.floor(t / HOUR_MS)
  const key = `${timeZone}|${hour}`
  const cached = hourOffsets.get(key)
  if (cached !== undefined) return cached
  const start = offsetExact(hour * HOUR_MS, timeZone)
  if (start !== offsetExact(hour * HOUR_MS + HOUR_MS - 1, timeZone)) return offsetExact(t, timeZone)
  if (hourOffsets.size >= MAX_CACHED_HOURS) hourOffsets.clear()
  hourOffsets.set(key, start)
  return start
}

/**
 * The instant at which the local wall-clock time `date hour:minute` happens in `timeZone`.
 * Around DST changes it behaves like Temporal's `compatible` disambiguation, in every zone: a time
 * that happens twice (clocks set back) gives the earlier instant; a time that never happens
 * (clocks set forward) is moved forward by the length of the gap (02:30 → 03:30).
 */
export const zonedInstant = (date: LocalDate, hour: number, minute: number, timeZone: string): Instant => {
  const wall = toEpochDay(date) * 86_400_000 + hour * 3_600_000 + minute * 60_000
  // The offsets a day either side bracket the change, if any, near this wall time.
  const before = offsetAt(wall - 86_400_000, timeZone)
  const after = offsetAt(wall + 86_400_000, timeZone)
  const valid = [wall - before, wall - after].filter((t) => t + offsetAt(t, timeZone) === wall)
  return instant(valid.length > 0 ? Math.min(...valid) : wall - before)
}

/** The local calendar date in `timeZone` at instant `t`. */
export const localDateAt = (t: Instant, timeZone: string): LocalDate =>
  fromEpochDay(Math.floor((t + offsetAt(t, timeZone)) / 86_400_000))
