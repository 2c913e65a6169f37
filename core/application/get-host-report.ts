import { Effect, Schema } from 'effect'
import type { Page } from '../../ports/pagination.js'
import type { Listing } from '../domain/listings/listing.js'
import { type HostReport as HostReportData, hostReport } from '../domain/reports/host-report.js'
import { daysBetween, type LocalDate } from '../domain/shared/dates.js'
import { Forbidden, ListingNotFound, ValidationFailed } from '../domain/shared/errors.js'
import { asId, type UserId } from '../domain/shared/ids.js'
import { decodeInput } from '../domain/shared/validation.js'
import { type Caller, isAdmin, requireRole } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { findListing } from './support/load.js'
import { LocalDateString, NonBlank } from './support/schemas.js'

/** Longest report period, in nights. */
export const MAX_REPORT_NIGHTS = 366

export const HostReportInput = Schema.Struct({
  /** First night of the period. */
  from: LocalDateString,
  /** First night after the period (half-open). */
  to: LocalDateString.annotate({
    description: `First night after the period: after from, at most ${MAX_REPORT_NIGHTS} nights later`,
  }),
  /** Only this listing (one of the host's). */
  listingId: Schema.optionalKey(NonBlank(64)),
  /** Admins only: report on another host's listings. */
  hostId: Schema.optionalKey(NonBlank(64)),
})
export type HostReportInput = typeof HostReportInput.Type

const invalid = (path: string, message: string) => new ValidationFailed({ issues: [{ path, message }] })

/**
 * A host's bookings, occupancy, revenue and payouts per listing over `[from, to)` (at most 366
 * nights). Hosts see their own listings; an admin may name any host or listing. Another host's
 * listing is `ListingNotFound` to a host.
 */
export class GetHostReport {
  constructor(private readonly deps: Pick<CoreDeps, 'listings' | 'bookings'>) {}

  execute(
    caller: Caller,
    raw: typeof HostReportInput.Encoded,
  ): Effect.Effect<HostReportData, ValidationFailed | Forbidden | ListingNotFound> {
    const { listings, bookings } = this.deps
    return Effect.gen(function* () {
      const me = yield* requireRole(caller, 'host')
      const admin = isAdmin(caller)
      const input = yield* decodeInput(HostReportInput, raw)
      const period = { from: input.from as LocalDate, to: input.to as LocalDate }
      const nights = daysBetween(period.from, period.to)
      if (nights <= 0) return yield* Effect.fail(invalid('to', 'must be after from'))
      if (nights > MAX_REPORT_NIGHTS)
        return yield* Effect.fail(invalid('to', `a report covers at most ${MAX_REPORT_NIGHTS} nights`))
      if (input.hostId !== undefined && input.hostId !== me.userId && !admin)
        return yield* Effect.fail(new Forbidden({ reason: 'only an admin may report on another host' }))
      const hostId: UserId = input.hostId !== undefined ? asId('user', input.hostId) : me.userId

      let selected: Listing[]
      if (input.listingId !== undefined) {
        const listing = yield* findListing(listings, asId('listing', input.listingId))
        const mayRead = admin
          ? input.hostId === undefined || listing.hostId === hostId
          : listing.hostId === hostId
        if (!mayRead) return yield* Effect.fail(new ListingNotFound({ listingId: listing.id }))
        selected = [listing]
      } else {
        selected = []
        let cursor: string | null = null
        do {
          const page: Page<Listing> = yield* listings.byHost(hostId, { limit: 100, cursor })
          selected.push(...page.items)
          cursor = page.nextCursor
        } while (cursor !== null)
      }
      const found = yield* Effect.forEach(selected, (l) => bookings.byListing(l.id, period.from, period.to))
      return hostReport(selected, found.flat(), period)
    })
  }
}
