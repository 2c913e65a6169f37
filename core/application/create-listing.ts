import { Effect } from 'effect'
import { newEvent } from '../domain/events/events.js'
import {
  defaultRestrictions,
  emptyRating,
  type Listing,
  type PricingRules,
  type StayRestrictions,
} from '../domain/listings/listing.js'
import type { LocalDate } from '../domain/shared/dates.js'
import { type FieldIssue, type Forbidden, ValidationFailed } from '../domain/shared/errors.js'
import type { Currency } from '../domain/shared/money.js'
import { decodeInput } from '../domain/shared/validation.js'
import { type Caller, requireRole } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { CreateListingInput, type UpdateListingInput } from './support/listing-input.js'
import { dieOnConflict } from './support/load.js'

type PricingPatch = NonNullable<UpdateListingInput['pricing']>
type RestrictionsPatch = NonNullable<UpdateListingInput['restrictions']>

export const defaultPricing = (baseNightly: number): PricingRules => ({
  baseNightly,
  weekendNightly: null,
  weekendDays: [5, 6],
  seasons: [],
  weeklyDiscountBp: 0,
  monthlyDiscountBp: 0,
  cleaningFee: 0,
  extraGuestFee: 0,
  extraGuestThreshold: 1,
  serviceFeeBp: 1_400,
  commissionBp: 300,
  taxBp: 0,
})

export const mergePricing = (base: PricingRules, p: PricingPatch): PricingRules => ({
  ...base,
  ...p,
  weekendDays: p.weekendDays ? [...new Set(p.weekendDays)] : base.weekendDays,
  seasons: p.seasons
    ? p.seasons.map((s) => ({ from: s.from as LocalDate, to: s.to as LocalDate, nightly: s.nightly }))
    : base.seasons,
})

export const mergeRestrictions = (base: StayRestrictions, r: RestrictionsPatch): StayRestrictions => ({
  ...base,
  ...r,
  checkInWeekdays: r.checkInWeekdays ? [...new Set(r.checkInWeekdays)] : base.checkInWeekdays,
  checkOutWeekdays: r.checkOutWeekdays ? [...new Set(r.checkOutWeekdays)] : base.checkOutWeekdays,
})

/** Rules that span fields, checked after the schema: a listing is never stored inconsistent. */
export const checkListingConsistency = (l: Listing): Effect.Effect<Listing, ValidationFailed> => {
  const issues: FieldIssue[] = []
  const r = l.restrictions
  if (r.minNights > r.maxNights)
    issues.push({ path: 'restrictions.minNights', message: 'must not exceed maxNights' })
  if (r.advanceNoticeDays > r.bookingWindowDays)
    issues.push({ path: 'restrictions.advanceNoticeDays', message: 'must not exceed bookingWindowDays' })
  const seasons = [...l.pricing.seasons].sort((a, b) => (a.from < b.from ? -1 : 1))
  seasons.forEach((s, i) => {
    if (s.to <= s.from) issues.push({ path: `pricing.seasons.${i}.to`, message: 'must be after from' })
    const next = seasons[i + 1]
    if (next && next.from < s.to)
      issues.push({ path: `pricing.seasons.${i}`, message: 'seasons must not overlap' })
  })
  if (l.pricing.extraGuestThreshold > l.maxGuests && l.pricing.extraGuestFee > 0)
    issues.push({
      path: 'pricing.extraGuestThreshold',
      message: 'is above maxGuests, so the fee never applies',
    })
  if (l.checkOutHour > 23 || l.checkInHour > 23) issues.push({ path: 'checkInHour', message: 'must be 0-23' })
  return issues.length === 0 ? Effect.succeed(l) : Effect.fail(new ValidationFailed({ issues }))
}

/** A host drafts a listing; it becomes bookable once activated. */
export class CreateListing {
  constructor(private readonly deps: Pick<CoreDeps, 'listings' | 'availability' | 'clock' | 'ids'>) {}

  execute(
    caller: Caller,
    raw: typeof CreateListingInput.Encoded,
  ): Effect.Effect<Listing, ValidationFailed | Forbidden> {
    const { listings, availability, clock, ids } = this.deps
    return Effect.gen(function* () {
      const host = yield* requireRole(caller, 'host')
      const input = yield* decodeInput(CreateListingInput, raw)
      const now = clock.now()
      const draft: Listing = {
        id: ids.next('listing'),
        hostId: host.userId,
        title: input.title.trim(),
        description: input.description ?? '',
        propertyType: input.propertyType,
        roomType: input.roomType,
        location: input.location,
        amenities: [...new Set(input.amenities ?? [])],
        photos: input.photos ?? [],
        maxGuests: input.maxGuests,
        units: input.units ?? 1,
        currency: input.currency as Currency,
        status: 'draft',
        bookingMode: input.bookingMode ?? 'instant',
        cancellationPolicy: input.cancellationPolicy ?? 'moderate',
        houseRules: input.houseRules ?? [],
        restrictions: mergeRestrictions(defaultRestrictions, input.restrictions ?? {}),
        pricing: mergePricing(defaultPricing(input.pricing.baseNightly), input.pricing),
        checkInHour: input.checkInHour ?? 15,
        checkOutHour: input.checkOutHour ?? 11,
        rating: emptyRating(),
        createdAt: now,
        updatedAt: now,
        version: 1,
      }
      const listing = yield* checkListingConsistency(draft)
      // Units first: a listing never exists without its inventory.
      yield* availability.setUnits(listing.id, listing.units)
      yield* dieOnConflict(
        listings.save(listing, [
          newEvent(ids, now, 'innkeeper.listing.created.v1', listing.id, {
            listingId: listing.id,
            hostId: listing.hostId,
            city: listing.location.city,
          }),
        ]),
      )
      return listing
    })
  }
}
