import type { SearchResult } from '../../core/application/search-listings.js'
import { type Caller, userCaller } from '../../core/application/support/caller.js'
import type { Booking } from '../../core/domain/bookings/booking.js'
import type { Listing } from '../../core/domain/listings/listing.js'
import type { Quote } from '../../core/domain/pricing/quote.js'
import type { BookingId } from '../../core/domain/shared/ids.js'
import { DAY, HOUR, type Instant, instant, MINUTE } from '../../core/domain/shared/time.js'
import type { Role } from '../../core/domain/users/user.js'
import { createInMemoryEngine, type InMemoryEngine } from '../composition/in-memory-engine.js'
import { catalog, type HostKey } from './catalog.js'
import { formatMoney } from './format.js'

/** Monday 2026-03-02, 09:00 UTC: when the marketplace opens. */
export const DEMO_START = instant(Date.UTC(2026, 2, 2, 9))
/** Where the script stops the clock: after every spring stay and its review window. */
export const DEMO_END = instant(Date.UTC(2026, 4, 15, 12))

export interface Person {
  readonly key: string
  readonly name: string
  readonly email: string
  readonly caller: Caller
}

/** One step of the story, for the log the demo prints. */
export interface StoryLine {
  readonly at: Instant
  readonly text: string
}

/** Everything the script did, for the summary to count and check. */
export interface ScenarioResult {
  readonly engine: InMemoryEngine
  readonly admin: Person
  readonly hosts: Readonly<Record<HostKey, Person>>
  readonly guests: readonly Person[]
  readonly listings: ReadonlyMap<string, Listing>
  readonly bookings: ReadonlyMap<string, BookingId>
  readonly search: SearchResult
  readonly firstQuote: Quote
  readonly story: readonly StoryLine[]
  /** Ticks of background work the clock went through. */
  readonly ticks: number
}

/**
 * The demo's script: a small marketplace from opening day to the reviews of its spring stays, on
 * the real core with in-memory adapters and a fake clock. Deterministic: same story, same figures.
 */
export const runScenario = async (): Promise<ScenarioResult> => {
  const engine = createInMemoryEngine({ start: DEMO_START, passwordHashCost: 1024, idNamespace: 'demo' })
  const { run, useCases: uc, adapters } = engine
  const story: StoryLine[] = []
  const say = (text: string) => story.push({ at: adapters.clock.now(), text })
  let ticks = 0
  const tick = async () => {
    ticks++
    return engine.tick()
  }

  // ---- people ----
  const register = async (key: string, name: string, roles: ('guest' | 'host')[], grant: Role[] = []) => {
    const email = `${key}@innkeeper.example`
    const u = await run(
      uc.registerUser.execute({ email, password: 'correct horse battery staple', name, roles }),
    )
    return { key, name, email, caller: userCaller(u.id, [...u.roles, ...grant]) }
  }
  const hosts = {
    ana: await register('ana', 'Ana Ribeiro', ['host']),
    ben: await register('ben', 'Ben Okafor', ['host']),
  }
  // Admins are never self-registered: the operator grants the role in the composition root.
  const admin = await register('ops', 'Olga (operations)', ['guest'], ['admin'])
  const chloe = await register('chloe', 'Chloé Martin', ['guest'])
  const dev = await register('dev', 'Dev Patel', ['guest'])
  const emi = await register('emi', 'Emi Sato', ['guest'])
  say('2 hosts, 1 admin and 3 guests registered')

  // ---- listings ----
  const listings = new Map<string, Listing>()
  for (const entry of catalog) {
    const host = hosts[entry.host].caller
    const draft = await run(uc.createListing.execute(host, entry.input))
    listings.set(entry.key, await run(uc.activateListing.execute(host, draft.id)))
  }
  const L = (key: string): Listing => {
    const l = listings.get(key)
    if (l === undefined) throw new Error(`no listing ${key}`)
    return l
  }
  say(`${listings.size} listings created and activated in Lisbon, New York and Tokyo`)

  // ---- bookings ----
  const bookings = new Map<string, BookingId>()
  const request = async (
    key: string,
    guest: Person,
    listing: string,
    checkIn: string,
    checkOut: string,
    guests = 2,
  ) => {
    const b = await run(
      uc.requestBooking.execute(guest.caller, { listingId: L(listing).id, checkIn, checkOut, guests }),
    )
    bookings.set(key, b.id)
    return b
  }
  const pay = async (
    guest: Person,
    id: BookingId,
    outcome: 'succeed' | 'fail' = 'succeed',
  ): Promise<Booking> => {
    const checkout = await run(uc.startPayment.execute(guest.caller, id))
    adapters.gateway.confirmPayment(checkout.payment.providerRef, outcome)
    await engine.deliverPaymentEvents()
    return run(uc.getBooking.execute(guest.caller, id))
  }

  // Chloé searches Lisbon for a long weekend, quotes the cheapest home and books it at once.
  const search = await run(
    uc.searchListings.execute({
      city: 'Lisbon',
      checkIn: '2026-04-10',
      checkOut: '2026-04-14',
      guests: 2,
      sort: 'price_asc',
    }),
  )
  say(`Chloé searches Lisbon 10–14 Apr for 2: ${search.items.length} listings free`)
  const firstQuote = await run(
    uc.quoteStay.execute(chloe.caller, L('alfama').id, {
      checkIn: '2026-04-10',
      checkOut: '2026-04-14',
      guests: 2,
    }),
  )
  await request('alfama', chloe, 'alfama', '2026-04-10', '2026-04-14')
  let b = await pay(chloe, bookings.get('alfama')!)
  say(`Chloé books the Alfama loft instantly and pays: ${b.state}`)

  await request('chiado', chloe, 'chiado', '2026-03-20', '2026-03-23')
  b = await pay(chloe, bookings.get('chiado')!)
  say(`Chloé also books the Chiado studio (firm policy) for 20–23 Mar: ${b.state}`)

  // Request to book: the payment is only authorized until the host answers.
  await request('belem', dev, 'belem', '2026-04-17', '2026-04-20', 5)
  b = await pay(dev, bookings.get('belem')!)
  say(`Dev asks for the Belém house for 5 guests: ${b.state}`)
  b = await run(uc.acceptBooking.execute(hosts.ana.caller, bookings.get('belem')!))
  say(`Ana accepts Dev's request; the authorization is captured: ${b.state}`)

  await request('asakusa', emi, 'asakusa', '2026-04-22', '2026-04-25')
  b = await pay(emi, bookings.get('asakusa')!)
  b = await run(uc.declineBooking.execute(hosts.ana.caller, bookings.get('asakusa')!, 'family visiting'))
  say(`Emi asks for the Asakusa house; Ana declines and the authorization is voided: ${b.state}`)
  await request('shibuya-emi', emi, 'shibuya', '2026-04-22', '2026-04-25')
  b = await pay(emi, bookings.get('shibuya-emi')!)
  await request('shibuya-dev', dev, 'shibuya', '2026-04-23', '2026-04-25', 1)
  await pay(dev, bookings.get('shibuya-dev')!)
  say(`Emi and Dev book twin rooms at the Shibuya hotel instead: ${b.state}`)

  // A card is declined; the booking waits; a second checkout goes through.
  await request('brooklyn', dev, 'brooklyn', '2026-04-06', '2026-04-13', 4)
  b = await pay(dev, bookings.get('brooklyn')!, 'fail')
  say(`Dev's card is declined for the Brooklyn brownstone (a week): ${b.state}`)
  b = await pay(dev, bookings.get('brooklyn')!)
  say(`Dev retries with another card: ${b.state}`)

  // Two guests share the Midtown hotel's five king rooms; then one stays a night longer.
  await request('midtown-emi', emi, 'midtown', '2026-04-08', '2026-04-11')
  await pay(emi, bookings.get('midtown-emi')!)
  await request('midtown-chloe', chloe, 'midtown', '2026-04-09', '2026-04-10', 1)
  await pay(chloe, bookings.get('midtown-chloe')!)
  b = await run(
    uc.modifyBooking.execute(emi.caller, bookings.get('midtown-emi')!, { checkOut: '2026-04-12' }),
  )
  say(`Emi extends her Midtown stay to 12 Apr; the difference is charged off-session: ${b.state}`)

  await request('nakameguro', dev, 'nakameguro', '2026-06-12', '2026-06-19')
  b = await pay(dev, bookings.get('nakameguro')!)
  say(`Dev books a June week at the Nakameguro cottage: ${b.state}`)

  await request('shinjuku', chloe, 'shinjuku', '2026-05-01', '2026-05-03', 1)
  say('Chloé starts booking a Shinjuku bunk and walks away without paying')
  await run(uc.addToWishlist.execute(emi.caller, { listingId: L('soho').id }))
  await run(uc.addToWishlist.execute(emi.caller, { listingId: L('alfama').id }))
  say('Emi saves the SoHo loft and the Alfama loft to her wishlist')

  // ---- the clock runs ----
  adapters.clock.advance(15 * MINUTE)
  await tick()
  adapters.clock.advance(DAY)
  await tick()
  b = await run(uc.cancelBooking.execute(chloe.caller, bookings.get('chiado')!, { reason: 'plans changed' }))
  say(
    `Chloé cancels the Chiado studio 17 days out: ${formatMoney(b.cancellation?.refundAmount ?? 0, b.quote.currency)} of ${formatMoney(b.quote.guestTotal, b.quote.currency)} refunded (firm: half the nights)`,
  )

  const dayByDay = async (until: number) => {
    while (adapters.clock.now() + DAY <= until) {
      adapters.clock.advance(DAY)
      await tick()
    }
  }
  await dayByDay(Date.UTC(2026, 3, 26, 12))
  say('Seven weeks pass: stays start on their check-in day and complete on their check-out day')

  // ---- reviews ----
  const review = async (who: Person, key: string, rating: number, comment: string, categories?: object) =>
    run(
      uc.postReview.execute(who.caller, {
        bookingId: bookings.get(key)!,
        rating,
        comment,
        ...(categories ? { categories } : {}),
      }),
    )
  await review(chloe, 'alfama', 5, 'Sunny, quiet, perfect.', { cleanliness: 5, location: 5, value: 4 })
  await review(hosts.ana, 'alfama', 5, 'A lovely guest.')
  await review(dev, 'belem', 4, 'Great for the family.', { cleanliness: 4, communication: 5 })
  await review(hosts.ana, 'belem', 5, 'Left the house spotless.')
  await review(emi, 'midtown-emi', 4, 'Central and comfortable.', { location: 5, value: 3 })
  await review(hosts.ben, 'midtown-emi', 5, 'Welcome back any time.')
  await review(dev, 'brooklyn', 3, 'Nice house, noisy street.', { location: 3 })
  say('Guests and hosts review; where both sides have, the reviews are revealed at once')
  await dayByDay(DEMO_END)
  say('The 14-day window closes: the one-sided review of the Brooklyn stay is revealed')
  // Drain what is left of the background work.
  for (let i = 0; i < 10; i++) {
    const r = await tick()
    if (r.relayed === 0 && r.due.applied === 0 && r.paymentEvents === 0 && r.revealedReviews === 0) break
  }
  adapters.clock.advance(HOUR)

  return {
    engine,
    admin,
    hosts,
    guests: [chloe, dev, emi],
    listings,
    bookings,
    search,
    firstQuote,
    story,
    ticks,
  }
}
