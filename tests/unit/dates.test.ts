import { Result } from 'effect'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  addDays,
  daysBetween,
  fromEpochDay,
  type LocalDate,
  localDate,
  localDateAt,
  makeStay,
  nightCount,
  nightsOf,
  offsetAt,
  parseLocalDate,
  stayContains,
  staysOverlap,
  toEpochDay,
  weekday,
  zonedInstant,
} from '../../core/domain/shared/dates.js'
import { HOUR, instant } from '../../core/domain/shared/time.js'

const d = localDate
const iso = (t: number): string => new Date(t).toISOString()
const stay = (a: string, b: string) => ({ checkIn: d(a), checkOut: d(b) })

describe('dates: epoch days', () => {
  it('1970-01-01 is epoch day 0 and days count up one per calendar day', () => {
    expect(toEpochDay(d('1970-01-01'))).toBe(0)
    expect(toEpochDay(d('1970-01-02'))).toBe(1)
    expect(toEpochDay(d('1969-12-31'))).toBe(-1)
    expect(toEpochDay(d('2000-03-01'))).toBe(11017)
  })

  it('toEpochDay(fromEpochDay(n)) round-trips over every 4-digit year, 0000-01-01 … 9999-12-31 (property)', () => {
    expect(fromEpochDay(-719_528)).toBe('0000-01-01')
    expect(fromEpochDay(2_932_896)).toBe('9999-12-31')
    fc.assert(
      fc.property(fc.integer({ min: -719_528, max: 2_932_896 }), (n) => {
        const date = fromEpochDay(n)
        expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
        expect(toEpochDay(date)).toBe(n)
      }),
      { numRuns: 2000 },
    )
  })

  it('epoch days agree with the JavaScript Date calendar (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -25_567, max: 376_000 }), (n) => {
        // -25567 = 1900-01-01, 376000 ≈ year 2999
        expect(fromEpochDay(n)).toBe(iso(n * 86_400_000).slice(0, 10))
      }),
      { numRuns: 2000 },
    )
  })

  it('addDays and daysBetween are inverse (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -25_000, max: 300_000 }),
        fc.integer({ min: -5000, max: 5000 }),
        (n, k) => {
          const a = fromEpochDay(n)
          expect(daysBetween(a, addDays(a, k))).toBe(k)
        },
      ),
    )
  })
})

describe('dates: parseLocalDate', () => {
  it.each(['2025-02-29', '2024-13-01', '2024-04-31', '2024-00-10', '2024-01-00', '2023-02-30', '1900-02-29'])(
    'rejects the impossible date %s',
    (raw) => {
      expect(parseLocalDate(raw)).toBeUndefined()
    },
  )

  it.each(['2024-02-29', '2000-02-29', '2024-04-30', '2024-12-31', '2025-01-01'])(
    'accepts the real date %s',
    (raw) => {
      expect(parseLocalDate(raw)).toBe(raw)
    },
  )

  it.each(['2024-2-29', '20240229', '2024-02-29T00:00', ' 2024-02-29', '', 'abcd-ef-gh'])(
    'rejects the malformed string %j',
    (raw) => {
      expect(parseLocalDate(raw)).toBeUndefined()
    },
  )

  it('localDate throws a RangeError on an impossible date', () => {
    expect(() => localDate('2025-02-29')).toThrow(RangeError)
  })
})

describe('dates: weekday', () => {
  it('0 = Sunday … 6 = Saturday', () => {
    expect(weekday(d('1970-01-01'))).toBe(4) // Thursday
    expect(weekday(d('2024-02-29'))).toBe(4) // Thursday
    expect(weekday(d('2025-06-01'))).toBe(0) // Sunday
    expect(weekday(d('2025-06-06'))).toBe(5) // Friday
    expect(weekday(d('2025-06-07'))).toBe(6) // Saturday
    expect(weekday(d('1969-12-28'))).toBe(0) // Sunday before the epoch
  })

  it('agrees with Date.getUTCDay over a wide range (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 400_000 }), (n) => {
        expect(weekday(fromEpochDay(n))).toBe(new Date(n * 86_400_000).getUTCDay())
      }),
    )
  })
})

describe('dates: stays', () => {
  it('nightsOf is half-open: includes check-in, excludes check-out', () => {
    expect(nightsOf(stay('2024-02-27', '2024-03-02'))).toEqual([
      '2024-02-27',
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ])
    expect(nightCount(stay('2024-02-27', '2024-03-02'))).toBe(4)
  })

  it('a one-night stay has exactly the check-in night', () => {
    expect(nightsOf(stay('2024-12-31', '2025-01-01'))).toEqual(['2024-12-31'])
  })

  it('nightsOf has nightCount nights, each one day apart (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 400 }), (n, len) => {
        const nights = nightsOf({ checkIn: fromEpochDay(n), checkOut: fromEpochDay(n + len) })
        expect(nights.length).toBe(len)
        nights.forEach((night, i) => {
          expect(toEpochDay(night)).toBe(n + i)
        })
      }),
    )
  })

  it('stays touching at check-out/check-in do not overlap; stayContains excludes check-out', () => {
    expect(staysOverlap(stay('2024-01-01', '2024-01-05'), stay('2024-01-05', '2024-01-07'))).toBe(false)
    expect(staysOverlap(stay('2024-01-01', '2024-01-05'), stay('2024-01-04', '2024-01-07'))).toBe(true)
    expect(stayContains(stay('2024-01-01', '2024-01-05'), d('2024-01-04'))).toBe(true)
    expect(stayContains(stay('2024-01-01', '2024-01-05'), d('2024-01-05'))).toBe(false)
  })

  it('makeStay succeeds for check-out after check-in', () => {
    const r = makeStay('2024-02-28', '2024-03-01')
    expect(Result.isSuccess(r) && r.success).toEqual({ checkIn: '2024-02-28', checkOut: '2024-03-01' })
  })

  it.each([
    ['2025-02-29', '2025-03-02', { reason: 'invalid_date', field: 'check_in' }],
    ['2025-03-01', '2025-02-30', { reason: 'invalid_date', field: 'check_out' }],
    ['2025-03-01', '2025-03-01', { reason: 'check_out_not_after_check_in', field: 'check_out' }],
    ['2025-03-02', '2025-03-01', { reason: 'check_out_not_after_check_in', field: 'check_out' }],
  ])('makeStay(%s, %s) fails with %j', (ci, co, err) => {
    const r = makeStay(ci, co)
    expect(Result.isFailure(r) && r.failure).toEqual(err)
  })
})

describe('dates: time zones', () => {
  const utc = (s: string): number => Date.parse(s)

  it('America/New_York: 15:00 is 20:00Z in winter and 19:00Z in summer', () => {
    expect(iso(zonedInstant(d('2024-01-15'), 15, 0, 'America/New_York'))).toBe('2024-01-15T20:00:00.000Z')
    expect(iso(zonedInstant(d('2024-07-15'), 15, 0, 'America/New_York'))).toBe('2024-07-15T19:00:00.000Z')
  })

  it('America/New_York spring-forward day (2024-03-10): hours either side of the gap', () => {
    const z = (h: number) => iso(zonedInstant(d('2024-03-10'), h, 0, 'America/New_York'))
    expect(z(0)).toBe('2024-03-10T05:00:00.000Z')
    expect(z(1)).toBe('2024-03-10T06:00:00.000Z')
    expect(z(3)).toBe('2024-03-10T07:00:00.000Z')
    expect(z(15)).toBe('2024-03-10T19:00:00.000Z')
    // the spring-forward day is 23 hours long
    const next = zonedInstant(d('2024-03-11'), 0, 0, 'America/New_York')
    expect(next - zonedInstant(d('2024-03-10'), 0, 0, 'America/New_York')).toBe(23 * HOUR)
  })

  it('a wall time inside the spring-forward gap moves forward by the gap, in every zone', () => {
    // 02:00 and 02:30 do not exist in New York on 2024-03-10: they become 03:00 and 03:30 EDT
    expect(iso(zonedInstant(d('2024-03-10'), 2, 0, 'America/New_York'))).toBe('2024-03-10T07:00:00.000Z')
    expect(iso(zonedInstant(d('2024-03-10'), 2, 30, 'America/New_York'))).toBe('2024-03-10T07:30:00.000Z')
    // 02:30 does not exist in Berlin on 2024-03-31: it becomes 03:30 CEST
    expect(iso(zonedInstant(d('2024-03-31'), 2, 30, 'Europe/Berlin'))).toBe('2024-03-31T01:30:00.000Z')
  })

  it('a wall time that happens twice (fall back) gives the earlier instant, in every zone', () => {
    // New York 2024-11-03 01:30 happens at 05:30Z (EDT) and 06:30Z (EST)
    expect(iso(zonedInstant(d('2024-11-03'), 1, 30, 'America/New_York'))).toBe('2024-11-03T05:30:00.000Z')
    // Berlin 2024-10-27 02:30 happens at 00:30Z (CEST) and 01:30Z (CET)
    expect(iso(zonedInstant(d('2024-10-27'), 2, 30, 'Europe/Berlin'))).toBe('2024-10-27T00:30:00.000Z')
    // Auckland 2024-04-07 02:30 happens at 13:30Z (NZDT) and 14:30Z (NZST)
    expect(iso(zonedInstant(d('2024-04-07'), 2, 30, 'Pacific/Auckland'))).toBe('2024-04-06T13:30:00.000Z')
  })

  it('Europe/Berlin: the fall-back day is 25 hours long, the spring-forward day 23', () => {
    const mid = (s: string) => zonedInstant(d(s), 0, 0, 'Europe/Berlin')
    expect(mid('2024-10-28') - mid('2024-10-27')).toBe(25 * HOUR)
    expect(mid('2024-04-01') - mid('2024-03-31')).toBe(23 * HOUR)
    expect(iso(zonedInstant(d('2024-03-31'), 3, 0, 'Europe/Berlin'))).toBe('2024-03-31T01:00:00.000Z')
    expect(iso(zonedInstant(d('2024-10-27'), 3, 0, 'Europe/Berlin'))).toBe('2024-10-27T02:00:00.000Z')
  })

  it('Pacific/Auckland (UTC+12/+13): local check-in is the previous UTC day', () => {
    expect(iso(zonedInstant(d('2024-01-10'), 15, 0, 'Pacific/Auckland'))).toBe('2024-01-10T02:00:00.000Z')
    expect(iso(zonedInstant(d('2024-07-10'), 9, 0, 'Pacific/Auckland'))).toBe('2024-07-09T21:00:00.000Z')
    expect(iso(zonedInstant(d('2024-09-29'), 3, 30, 'Pacific/Auckland'))).toBe('2024-09-28T14:30:00.000Z')
  })

  it('Pacific/Kiritimati (UTC+14): midnight local is 10:00Z the day before', () => {
    expect(iso(zonedInstant(d('2024-06-01'), 0, 0, 'Pacific/Kiritimati'))).toBe('2024-05-31T10:00:00.000Z')
    expect(localDateAt(instant(utc('2024-05-31T10:00:00Z')), 'Pacific/Kiritimati')).toBe('2024-06-01')
    expect(localDateAt(instant(utc('2024-05-31T09:59:59.999Z')), 'Pacific/Kiritimati')).toBe('2024-05-31')
  })

  it('localDateAt changes date exactly at local midnight across DST', () => {
    const ny = 'America/New_York'
    expect(localDateAt(instant(utc('2024-03-10T04:59:59.999Z')), ny)).toBe('2024-03-09')
    expect(localDateAt(instant(utc('2024-03-10T05:00:00Z')), ny)).toBe('2024-03-10')
    expect(localDateAt(instant(utc('2024-03-11T03:59:59.999Z')), ny)).toBe('2024-03-10')
    expect(localDateAt(instant(utc('2024-03-11T04:00:00Z')), ny)).toBe('2024-03-11')
    const be = 'Europe/Berlin'
    expect(localDateAt(instant(utc('2024-10-26T21:59:59.999Z')), be)).toBe('2024-10-26')
    expect(localDateAt(instant(utc('2024-10-26T22:00:00Z')), be)).toBe('2024-10-27')
    expect(localDateAt(instant(utc('2024-10-27T22:59:59.999Z')), be)).toBe('2024-10-27')
    expect(localDateAt(instant(utc('2024-10-27T23:00:00Z')), be)).toBe('2024-10-28')
  })

  it('localDateAt is right to the millisecond before 1970 (negative instants)', () => {
    expect(localDateAt(instant(utc('1969-12-31T00:00:00.500Z')), 'UTC')).toBe('1969-12-31')
    expect(localDateAt(instant(utc('1969-07-20T04:00:00.250Z')), 'America/New_York')).toBe('1969-07-20')
  })

  it('localDateAt in UTC is the UTC calendar date (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2_208_988_800_000, max: 32_503_680_000_000 }), (t) => {
        expect(localDateAt(instant(t), 'UTC')).toBe(iso(t).slice(0, 10))
      }),
      { numRuns: 1000 },
    )
  })

  it.each(['America/New_York', 'Europe/Berlin', 'Pacific/Auckland', 'Pacific/Kiritimati', 'Asia/Kolkata'])(
    'zonedInstant lands on the same local date, and local midnight is never before the previous one (%s, property)',
    (tz) => {
      fc.assert(
        fc.property(
          fc.integer({ min: 18_000, max: 22_000 }),
          fc.integer({ min: 0, max: 23 }),
          fc.integer({ min: 0, max: 59 }),
          (n, h, m) => {
            const date: LocalDate = fromEpochDay(n)
            const t = zonedInstant(date, h, m, tz)
            expect(localDateAt(t, tz)).toBe(date)
            expect(zonedInstant(addDays(date, 1), 0, 0, tz)).toBeGreaterThan(zonedInstant(date, 0, 0, tz))
          },
        ),
        { numRuns: 300 },
      )
    },
  )
})

describe('dates: cached zone offsets agree with Intl', () => {
  const zones = [
    'Europe/Lisbon',
    'America/New_York',
    'Australia/Lord_Howe',
    'Asia/Kathmandu',
    'America/St_Johns',
    'UTC',
  ]
  const formats = new Map<string, Intl.DateTimeFormat>()
  const reference = (t: number, timeZone: string): string => {
    let f = formats.get(timeZone)
    if (!f) {
      f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      formats.set(timeZone, f)
    }
    return f.format(new Date(t))
  }
  it('localDateAt matches a fresh Intl reading at any instant, DST changes and odd offsets included (offsets are cached per hour)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2080, 0, 1) }),
        fc.constantFrom(...zones),
        (t, tz) => {
          expect(localDateAt(t as never, tz)).toBe(reference(t, tz))
          // Twice: the second answer comes from the cache.
          expect(localDateAt(t as never, tz)).toBe(reference(t, tz))
        },
      ),
      { numRuns: 2_000 },
    )
  })
  it('offsets read from the cache equal exact Intl offsets every 15 minutes of a year, in zones that change off the hour', () => {
    // Lord Howe moves by 30 minutes at 02:00 local (15:30Z and 15:00Z): inside a UTC hour, where a
    // cache per hour would be wrong if it kept such an hour.
    const exact = new Map<string, Intl.DateTimeFormat>()
    const exactOffset = (t: number, timeZone: string): number => {
      let f = exact.get(timeZone)
      if (!f) {
        f = new Intl.DateTimeFormat('en-US', {
          timeZone,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
        })
        exact.set(timeZone, f)
      }
      const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, Number(x.value)]))
      return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - (t - (t % 1000))
    }
    for (const tz of ['Australia/Lord_Howe', 'America/St_Johns'])
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 900_000) {
        // Twice, so the second reading comes from the cache.
        expect(offsetAt(t, tz), `${tz} ${new Date(t).toISOString()}`).toBe(exactOffset(t, tz))
        expect(offsetAt(t + 899_999, tz)).toBe(exactOffset(t + 899_999, tz))
      }
  })
})
