import { Effect, Option } from 'effect'
import { userCaller } from '../../core/application/support/caller.js'
import type { CreateListingInput } from '../../core/application/support/listing-input.js'
import type { UserId } from '../../core/domain/shared/ids.js'
import type { Role } from '../../core/domain/users/user.js'
import type { InMemoryEngine } from '../composition/in-memory-engine.js'
import { catalog, type HostKey } from '../demo/catalog.js'

export const DEMO_PASSWORD = 'innkeeper-demo-password'

export interface DemoAccount {
  readonly email: string
  readonly password: string
  readonly roles: readonly Role[]
}

export interface SeedReport {
  readonly accounts: readonly DemoAccount[]
  readonly listings: number
  readonly cities: readonly string[]
}

/**
 * Grants a role to a stored account. Admins are never self-registered: the operator grants the role
 * from the composition root (this module), never through the API.
 */
export const grantRole = (engine: InMemoryEngine, userId: UserId, role: Role): Promise<void> =>
  Effect.runPromise(
    Effect.gen(function* () {
      const users = engine.deps.users
      const found = yield* users.byId(userId)
      if (Option.isNone(found)) return yield* Effect.die(new Error(`no user ${userId}`))
      const u = found.value
      if (u.roles.includes(role)) return
      yield* Effect.orDie(users.save({ ...u, roles: [...u.roles, role], version: u.version + 1 }, []))
    }),
  )

/** More cities, so the demo's search has somewhere to go besides the catalogue's three. */
const extraCities = [
  {
    city: 'Barcelona',
    country: 'ES',
    lat: 41.3874,
    lng: 2.1686,
    timezone: 'Europe/Madrid',
    currency: 'EUR',
    scale: 1,
  },
  {
    city: 'Berlin',
    country: 'DE',
    lat: 52.52,
    lng: 13.405,
    timezone: 'Europe/Berlin',
    currency: 'EUR',
    scale: 1,
  },
  {
    city: 'Mexico City',
    country: 'MX',
    lat: 19.4326,
    lng: -99.1332,
    timezone: 'America/Mexico_City',
    currency: 'USD',
    scale: 0.8,
  },
] as const

const variant = (e: CreateListingInput, i: number, c: (typeof extraCities)[number]): CreateListingInput => ({
  ...e,
  title: `${e.title.split(' with ')[0]} — ${c.city} ${i + 1}`,
  location: {
    address: `${10 + i} Demo Street`,
    city: c.city,
    country: c.country,
    lat: c.lat + ((i % 5) - 2) * 0.01,
    lng: c.lng + (Math.floor(i / 5) - 1) * 0.01,
    timezone: c.timezone,
  },
  currency: c.currency,
  pricing: {
    ...e.pricing,
    // Prices of the catalogue's JPY listings are in yen; bring every variant to cents of its currency.
    baseNightly: Math.max(
      3_000,
      Math.round(
        ((e.currency === 'JPY' ? e.pricing.baseNightly / 1.6 : e.pricing.baseNightly) *
          c.scale *
          (0.85 + (i % 4) * 0.1)) /
          100,
      ) * 100,
    ),
    weekendNightly: null,
    seasons: [],
    ...(e.currency === 'JPY' && e.pricing.cleaningFee !== undefined
      ? { cleaningFee: Math.round(e.pricing.cleaningFee / 1.6) }
      : {}),
  },
})

/**
 * Demo data for `npm start`: an admin, three hosts, a guest, and 48 active listings in six cities
 * (the demo catalogue plus variants) with varied prices, units, policies and booking modes.
 */
export const seedDemo = async (engine: InMemoryEngine): Promise<SeedReport> => {
  const uc = engine.promises
  const register = async (key: string, name: string, roles: ('guest' | 'host')[]) => {
    const email = `${key}@innkeeper.example`
    const u = await uc.registerUser({ email, password: DEMO_PASSWORD, name, roles })
    return { id: u.id, email, roles: u.roles }
  }
  // Registrations hash passwords (scrypt at OWASP cost): run them side by side.
  const [ana, ben, carla, guest, admin] = await Promise.all([
    register('ana', 'Ana Ribeiro', ['guest', 'host']),
    register('ben', 'Ben Okafor', ['guest', 'host']),
    register('carla', 'Carla Núñez', ['guest', 'host']),
    register('guest', 'Gus Guest', ['guest']),
    register('admin', 'Olga (operations)', ['guest']),
  ])
  const hosts: Record<HostKey | 'carla', Awaited<ReturnType<typeof register>>> = { ana, ben, carla }
  // Where the demo hosts' payouts go (the in-memory payout provider takes any `acct_…`).
  for (const [key, h] of Object.entries(hosts))
    await uc.updateProfile(userCaller(h.id, h.roles), { payoutAccountId: `acct_demo${key}` })
  await grantRole(engine, admin.id, 'admin')

  const create = async (hostId: UserId, input: CreateListingInput) => {
    const caller = userCaller(hostId, ['guest', 'host'])
    const l = await uc.createListing(caller, input)
    await uc.activateListing(caller, l.id)
  }
  let count = 0
  for (const entry of catalog) {
    await create(hosts[entry.host].id, entry.input)
    count++
  }
  for (const [ci, c] of extraCities.entries())
    for (const [i, entry] of catalog.entries()) {
      await create(hosts.carla.id, variant(entry.input, i + ci, c))
      count++
    }
  const cities = [
    ...new Set([...catalog.map((e) => e.input.location.city), ...extraCities.map((c) => c.city)]),
  ]
  return {
    accounts: [
      { email: guest.email, password: DEMO_PASSWORD, roles: guest.roles },
      { email: hosts.ana.email, password: DEMO_PASSWORD, roles: hosts.ana.roles },
      { email: hosts.ben.email, password: DEMO_PASSWORD, roles: hosts.ben.roles },
      { email: hosts.carla.email, password: DEMO_PASSWORD, roles: hosts.carla.roles },
      { email: admin.email, password: DEMO_PASSWORD, roles: [...admin.roles, 'admin'] },
    ],
    listings: count,
    cities,
  }
}
