import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as Engine from '../../engine.js'
import type * as Core from '../../index.js'

const root = resolve(import.meta.dirname, '../..')
// Inside node_modules/.cache so the built files resolve `effect` and `inversify` from the project,
// and nothing the typechecker or linter looks at ever sees them.
const cacheDir = join(root, 'node_modules', '.cache')
let outDir = ''
let api: typeof Core & typeof Engine

beforeAll(async () => {
  execFileSync('mkdir', ['-p', cacheDir])
  outDir = mkdtempSync(join(cacheDir, 'innkeeper-exports-'))
  execFileSync('npm', ['run', '--silent', 'build', '--', '--outDir', outDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const load = async (f: string) => (await import(pathToFileURL(join(outDir, f)).href)) as object
  api = { ...(await load('index.js')), ...(await load('engine.js')) } as typeof Core & typeof Engine
}, 60_000)

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true })
})

describe('the built package (npm run build)', () => {
  it('emits index.js and engine.js with their declaration files', () => {
    expect(existsSync(join(outDir, 'index.js'))).toBe(true)
    expect(existsSync(join(outDir, 'index.d.ts'))).toBe(true)
    const dts = readFileSync(join(outDir, 'index.d.ts'), 'utf8')
    expect(dts).toContain('request-booking.js')
    const engineDts = readFileSync(join(outDir, 'engine.d.ts'), 'utf8')
    expect(engineDts).toContain('createInMemoryEngine')
    expect(engineDts).toContain('promiseFacade')
  })

  it('emits a declaration file for every entry of the exports map', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, string | { types: string; default: string }>
    }
    for (const [name, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue
      const rel = (p: string) => p.replace(/^\.\/dist\//, '')
      expect(existsSync(join(outDir, rel(target.default))), `${name} → ${target.default}`).toBe(true)
      expect(existsSync(join(outDir, rel(target.types))), `${name} → ${target.types}`).toBe(true)
    }
  })

  /** The packages a built entry's whole static module graph imports (node: builtins aside). */
  const packagesOf = (entry: string): { modules: number; packages: string[] } => {
    const bare = new Set<string>()
    const seen = new Set<string>()
    const visit = (file: string) => {
      if (seen.has(file)) return
      seen.add(file)
      const src = readFileSync(file, 'utf8')
      for (const m of src.matchAll(
        /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*'([^']+)'|import\s*'([^']+)'/g,
      )) {
        const spec = (m[1] ?? m[2])!
        if (spec.startsWith('.')) visit(join(file, '..', spec))
        else if (!spec.startsWith('node:')) bare.add(spec.split('/')[0]!)
      }
    }
    visit(join(outDir, entry))
    return { modules: seen.size, packages: [...bare].sort() }
  }

  it('the core entry (index.js) and its whole module graph import no package but effect', () => {
    const core = packagesOf('index.js')
    expect(core.modules).toBeGreaterThan(50)
    expect(core.packages).toEqual(['effect'])
  })

  it('the events entry (schemas, envelope, AsyncAPI) loads no broker client: effect only', () => {
    expect(packagesOf('events.js').packages).toEqual(['effect'])
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
