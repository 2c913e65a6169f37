import { type Caller, userCaller } from '../../core/application/support/caller.js'
import type { Listing } from '../../core/domain/listings/listing.js'
import type { ListingId, UserId } from '../../core/domain/shared/ids.js'
import type { InMemoryEngine } from '../composition/in-memory-engine.js'
import { type City, generateListing, pickCity } from './catalog.js'
import type { Rng } from './rng.js'

export interface SimHost {
  readonly id: UserId
  readonly caller: Caller
  /** How reliably this host answers requests (0-1) and how rarely they cancel. */
  readonly diligence: number
}

export interface SimGuest {
  readonly id: UserId
  readonly caller: Caller
  /** How harshly this guest rates, added to a listing's quality. */
  readonly bias: number
}

export interface SimListing {
  readonly id: ListingId
  readonly host: number
  readonly city: City
  readonly quality: number
  readonly units: number
  readonly listing: Listing
}

export interface Marketplace {
  readonly hosts: readonly SimHost[]
  readonly guests: readonly SimGuest[]
  readonly listings: readonly SimListing[]
}

export interface MarketplaceSize {
  readonly listings: number
  readonly guests: number
  /** Listings per host on average (default 2.5); a few hosts run many. */
  readonly listingsPerHost?: number
  /** Years whose high seasons get season prices. */
  readonly years: { readonly first: number; readonly last: number }
}

/** A password long enough for the rules; hashing cost is the engine's `passwordHashCost`. */
const PASSWORD = 'simulated passphrase'

/**
 * Registers hosts and guests and creates and activates listings through the real use cases.
 * Sequential on purpose: ids are handed out in call order, so the same seed builds the same
 * marketplace. About one host per 2.5 listings by default; a few hosts run many (hotels, agencies).
 */
export const buildMarketplace = async (
  engine: InMemoryEngine,
  rng: Rng,
  size: MarketplaceSize,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<Marketplace> => {
  const { run, useCases: uc } = engine
  const hostCount = Math.max(1, Math.ceil(size.listings / (size.listingsPerHost ?? 2.5)))
  const total = hostCount + size.guests + size.listings
  let done = 0
  const step = () => {
    done++
    if (done % 1_000 === 0) onProgress(done, total)
  }

  const hosts: SimHost[] = []
  for (let i = 0; i < hostCount; i++) {
    const u = await run(
      uc.registerUser.execute({
        email: `host${i}@sim.innkeeper.example`,
        password: PASSWORD,
        name: `Host ${i}`,
        roles: ['host'],
      }),
    )
    const caller = userCaller(u.id, u.roles)
    // Nine hosts in ten have a payout account from the start; the others' balances wait for one.
    if (i % 10 !== 9) await run(uc.updateProfile.execute(caller, { payoutAccountId: `acct_sim${i}` }))
    hosts.push({ id: u.id, caller, diligence: 0.75 + rng.float() * 0.25 })
    step()
  }
  const guests: SimGuest[] = []
  for (let i = 0; i < size.guests; i++) {
    const u = await run(
      uc.registerUser.execute({
        email: `guest${i}@sim.innkeeper.example`,
        password: PASSWORD,
        name: `Guest ${i}`,
      }),
    )
    guests.push({ id: u.id, caller: userCaller(u.id, u.roles), bias: rng.normal() * 0.5 })
    step()
  }

  const listings: SimListing[] = []
  for (let i = 0; i < size.listings; i++) {
    // Skewed ownership: most hosts have one or two listings, some have many.
    const host = i < hostCount ? i : Math.floor(hostCount * rng.float() ** 2)
    const g = generateListing(rng, pickCity(rng), i, size.years)
    const caller = hosts[host]!.caller
    const draft = await run(uc.createListing.execute(caller, g.input))
    const listing = await run(uc.activateListing.execute(caller, draft.id))
    listings.push({ id: listing.id, host, city: g.city, quality: g.quality, units: listing.units, listing })
    step()
  }
  onProgress(total, total)
  return { hosts, guests, listings }
}
