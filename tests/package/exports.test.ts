import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as Innkeeper from '../../index.js'

const root = resolve(import.meta.dirname, '../..')
// Inside node_modules/.cache so the built files resolve `effect` and `inversify` from the project,
// and nothing the typechecker or linter looks at ever sees them.
const cacheDir = join(root, 'node_modules', '.cache')
let outDir = ''
let api: typeof Innkeeper

beforeAll(async () => {
  execFileSync('mkdir', ['-p', cacheDir])
  outDir = mkdtempSync(join(cacheDir, 'innkeeper-exports-'))
  execFileSync('npm', ['run', '--silent', 'build', '--', '--outDir', outDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  api = (await import(pathToFileURL(join(outDir, 'index.js')).href)) as typeof Innkeeper
}, 60_000)

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true })
})

describe('the built package (npm run build)', () => {
  it('emits index.js with its declaration file index.d.ts', () => {
    expect(existsSync(join(outDir, 'index.js'))).toBe(true)
    expect(existsSync(join(outDir, 'index.d.ts'))).toBe(true)
    const dts = readFileSync(join(outDir, 'index.d.ts'), 'utf8')
    expect(dts).toContain('createInMemoryEngine')
    expect(dts).toContain('promiseFacade')
  })

  it('emits a declaration file for every entry of the exports map', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, string | { types: string; import: string }>
    }
    for (const [name, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue
      const rel = (p: string) => p.replace(/^\.\/dist\//, '')
      expect(existsSync(join(outDir, rel(target.import))), `${name} → ${target.import}`).toBe(true)
      expect(existsSync(join(outDir, rel(target.types))), `${name} → ${target.types}`).toBe(true)
    }
  })

  it('exports the core values, use case classes, input schemas, port tokens and the engine', () => {
    expect(typeof api.createInMemoryEngine).toBe('function')
    expect(typeof api.bindCore).toBe('function')
    expect(typeof api.promiseFacade).toBe('function')
    expect(typeof api.RequestBooking).toBe('function')
    expect(Object.keys(api.RequestBookingInput.fields)).toContain('listingId')
    expect(typeof api.applyBasisPoints).toBe('function')
    expect(api.applyBasisPoints(10_050, 1_000)).toBe(1_005)
    expect(typeof api.BookingRepository).toBe('symbol')
    expect(Object.keys(api.useCaseClasses)).toContain('requestBooking')
    expect(api.cancellationPolicies.firm.tiers).toHaveLength(2)
    // Host payouts: the use cases, the pure ledger rules and the ports.
    expect(typeof api.RunDuePayouts).toBe('function')
    expect(typeof api.reconcileBooking).toBe('function')
    expect(typeof api.PayoutLedger).toBe('symbol')
    expect(typeof api.PayoutGateway).toBe('symbol')
  })

  it('runs a booking through the built in-memory engine and its Promise facade', async () => {
    const engine = api.createInMemoryEngine({ start: Date.UTC(2026, 2, 1), passwordHashCost: 1024 })
    const p = engine.promises
    const reg = (name: string, roles: ('guest' | 'host')[]) =>
      p.registerUser({ email: `${name}@example.com`, password: 'correct horse battery', name, roles })
    const host = await reg('host', ['host'])
    const guest = await reg('guest', ['guest'])
    const asHost = api.userCaller(host.id, host.roles)
    const asGuest = api.userCaller(guest.id, guest.roles)
    const draft = await p.createListing(asHost, {
      title: 'Built loft',
      propertyType: 'loft',
      roomType: 'entire_place',
      location: { address: '1 A st', city: 'Lisbon', country: 'PT', lat: 38.7, lng: -9.1, timezone: 'UTC' },
      maxGuests: 2,
      currency: 'EUR',
      pricing: { baseNightly: 10_000 },
    })
    const listing = await p.activateListing(asHost, draft.id)
    const booking = await p.requestBooking(asGuest, {
      listingId: listing.id,
      checkIn: '2026-04-10',
      checkOut: '2026-04-12',
      guests: 1,
    })
    const checkout = await p.startPayment(asGuest, booking.id)
    engine.adapters.gateway.confirmPayment(checkout.payment.providerRef, 'succeed')
    await engine.deliverPaymentEvents()
    const confirmed = await p.getBooking(asGuest, booking.id)
    expect(confirmed.state).toBe('confirmed')
    expect(confirmed.paidAmount).toBe(confirmed.quote.guestTotal)
    expect(confirmed.quote.nights.map((n) => n.amount)).toEqual([10_000, 10_000])
    // The facade rejects with the typed error itself.
    const err = await p
      .requestBooking(asGuest, {
        listingId: listing.id,
        checkIn: '2026-04-11',
        checkOut: '2026-04-13',
        guests: 1,
      })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(api.NightsUnavailable)
    expect(err).toMatchObject({ _tag: 'NightsUnavailable', code: 'nights_unavailable' })
  })
})
