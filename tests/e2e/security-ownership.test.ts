import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BookingId } from '../../core/domain/shared/ids.js'
import {
  type Account,
  type HttpResponse,
  listingBody,
  runEffect,
  startTestApi,
  type TestApi,
} from './support/api.js'
import { type DocOperation, fillPath, type OpenApiDoc, operationsOf } from './support/operations.js'

/*
 * Issue 3, ownership: for every operation whose path names a resource, a signed-in stranger (a guest
 * and host, not an admin) gets 403 or 404 for someone else's resource, exactly what they get for an
 * id that does not exist (so existence does not leak), the answer carries none of the resource's
 * data, and the resource is unchanged afterwards. The list of operations comes from the served
 * OpenAPI document: a new route with an id cannot be added without a case here.
 *
 * A few operations are public by design (a user's public profile, an active listing's calendar and
 * reviews): there the stranger gets the public view, and the test checks that none of the owner's
 * private data (e-mail, phone, held and booked counts, unrevealed review text) is in it.
 */

const PROBLEM = /^application\/problem\+json/
const MARK = {
  ownerEmail: 'owner-guest@e2e.example',
  ownerPhone: '+351912345678',
  draftTitle: 'Zq draft title only the host may see',
  guestName: 'Zq saved guest name',
  guestEmail: 'zq-saved-guest@e2e.example',
  reviewComment: 'Zq review text hidden until revealed',
  stayGuests: 3,
}
const SECRETS = [
  MARK.ownerEmail,
  MARK.ownerPhone,
  MARK.draftTitle,
  MARK.guestName,
  MARK.guestEmail,
  MARK.reviewComment,
]

interface World {
  host: Account
  owner: Account
  admin: Account
  stranger: Account
  activeListing: string
  draftListing: string
  pendingBooking: string
  confirmedBooking: string
  completedBooking: string
  payment: string
  review: string
  savedGuest: string
}

type Target = { readonly label: string; readonly params: Record<string, string> }

interface Case {
  /** The owners' resources the stranger tries, each by its path parameters. */
  readonly targets: (w: World) => Target[]
  /** For the same operation on ids that exist for nobody. */
  readonly missing: Record<string, string>
  readonly query?: string
  readonly body?: unknown
  readonly raw?: string
  /**
   * `denied`: 403/404, the same as for a missing id. `public`: the public view (200) without private
   * data. `own`: the route acts on the caller's own data (the path names a listing); any answer below
   * 500 is fine, the owner's data must not change. `signed`: the path names no resource and a token
   * grants nothing; only the provider's signature counts, and a forged event is a 400.
   */
  readonly kind: 'denied' | 'public' | 'own' | 'signed'
}

const BOOKING = (w: World): Target[] => [
  { label: 'pending booking', params: { id: w.pendingBooking } },
  { label: 'confirmed booking', params: { id: w.confirmedBooking } },
  { label: 'completed booking', params: { id: w.completedBooking } },
]
const LISTINGS = (w: World): Target[] => [
  { label: 'draft listing', params: { id: w.draftListing } },
  { label: 'active listing', params: { id: w.activeListing } },
]
const DRAFT = (w: World): Target[] => [{ label: 'draft listing', params: { id: w.draftListing } }]
const NO_ID = { id: 'zz_missing_000001' }

/** Every operation of the document with a path parameter, keyed by operationId. */
const CASES: Record<string, Case> = {
  addToWishlist: {
    kind: 'denied',
    targets: (w) => [{ label: 'draft listing', params: { listing_id: w.draftListing } }],
    missing: { listing_id: 'zz_missing_000001' },
  },
  removeFromWishlist: {
    kind: 'own',
    targets: (w) => [{ label: "listing in the owner's wishlist", params: { listing_id: w.activeListing } }],
    missing: { listing_id: 'zz_missing_000001' },
  },
  deleteGuest: {
    kind: 'denied',
    targets: (w) => [{ label: 'saved guest', params: { id: w.savedGuest } }],
    missing: NO_ID,
  },
  getUser: {
    kind: 'public',
    targets: (w) => [{ label: 'owner', params: { id: w.owner.id } }],
    missing: NO_ID,
  },
  listUserReviews: {
    kind: 'public',
    targets: (w) => [
      { label: 'owner', params: { id: w.owner.id } },
      { label: 'host', params: { id: w.host.id } },
    ],
    missing: NO_ID,
  },
  getListing: { kind: 'denied', targets: DRAFT, missing: NO_ID },
  updateListing: { kind: 'denied', targets: LISTINGS, missing: NO_ID, body: { title: 'Taken over' } },
  archiveListing: { kind: 'denied', targets: LISTINGS, missing: NO_ID },
  activateListing: { kind: 'denied', targets: DRAFT, missing: NO_ID },
  deactivateListing: { kind: 'denied', targets: LISTINGS, missing: NO_ID },
  getCalendar: { kind: 'denied', targets: DRAFT, missing: NO_ID, query: '?from=2026-02-01&to=2026-03-01' },
  setCalendar: {
    kind: 'denied',
    targets: LISTINGS,
    missing: NO_ID,
    body: { from: '2026-02-01', to: '2026-03-01', blocked: true },
  },
  quoteStay: {
    kind: 'denied',
    targets: DRAFT,
    missing: NO_ID,
    query: '?check_in=2026-04-01&check_out=2026-04-03&guests=1',
  },
  listListingReviews: { kind: 'denied', targets: DRAFT, missing: NO_ID },
  getBooking: { kind: 'denied', targets: BOOKING, missing: NO_ID },
  modifyBooking: { kind: 'denied', targets: BOOKING, missing: NO_ID, body: { guests: 1 } },
  cancelBooking: { kind: 'denied', targets: BOOKING, missing: NO_ID, body: { reason: 'not mine' } },
  acceptBooking: { kind: 'denied', targets: BOOKING, missing: NO_ID },
  declineBooking: { kind: 'denied', targets: BOOKING, missing: NO_ID, body: { reason: 'not mine' } },
  checkout: { kind: 'denied', targets: BOOKING, missing: NO_ID, body: { auto_confirm: true } },
  postReview: {
    kind: 'denied',
    targets: BOOKING,
    missing: NO_ID,
    body: { rating: 1, comment: 'fake review' },
  },
  getPayment: {
    kind: 'denied',
    targets: (w) => [{ label: 'payment', params: { id: w.payment } }],
    missing: NO_ID,
  },
  paymentWebhook: {
    kind: 'signed',
    targets: () => [{ label: 'forged event', params: { provider: 'memory' } }],
    missing: { provider: 'zz-nobody' },
    raw: JSON.stringify({ id: 'evt_forged', type: 'payment_intent.succeeded', data: { amount: 1 } }),
  },
  respondToReview: {
    kind: 'denied',
    targets: (w) => [{ label: 'review', params: { id: w.review } }],
    missing: NO_ID,
    body: { comment: 'fake response' },
  },
  suspendUser: {
    kind: 'denied',
    targets: (w) => [{ label: 'owner', params: { id: w.owner.id } }],
    missing: NO_ID,
    body: { reason: 'x' },
  },
  reinstateUser: {
    kind: 'denied',
    targets: (w) => [{ label: 'owner', params: { id: w.owner.id } }],
    missing: NO_ID,
    body: { reason: 'x' },
  },
  hideReview: {
    kind: 'denied',
    targets: (w) => [{ label: 'review', params: { id: w.review } }],
    missing: NO_ID,
    body: { reason: 'x' },
  },
}

/** Public reads of an active listing, where the stranger gets the public view. */
const PUBLIC_LISTING_READS: Record<string, { query?: string }> = {
  getCalendar: { query: '?from=2026-01-01&to=2026-04-01' },
  listListingReviews: {},
  getListing: {},
}

describe('ownership: a stranger’s token on every route that takes an id', () => {
  let api: TestApi
  let doc: OpenApiDoc
  let w: World
  let idOps: DocOperation[]

  const call = (
    o: DocOperation,
    c: Case,
    params: Record<string, string>,
    token: string,
  ): Promise<HttpResponse> =>
    api.request(o.method.toUpperCase(), `${fillPath(o.path, params)}${c.query ?? ''}`, {
      token,
      ...(c.raw !== undefined
        ? { raw: c.raw, headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' } }
        : c.body !== undefined
          ? { body: c.body }
          : {}),
    })

  beforeAll(async () => {
    api = await startTestApi()
    doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as OpenApiDoc
    idOps = operationsOf(doc).filter((o) => o.pathParams.length > 0)

    const host = await api.account('own-host', ['guest', 'host'])
    const owner = await api.account('owner-guest')
    const admin = await api.account('own-admin', ['guest', 'admin'])
    const ok = (r: HttpResponse, status: number, what: string) => {
      if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.text}`)
      return r.json
    }
    ok(
      await api.request('PATCH', '/api/v1/users/me', {
        token: owner.token,
        body: { phone: MARK.ownerPhone },
      }),
      200,
      'phone',
    )
    const active = ok(
      await api.request('POST', '/api/v1/listings', { token: host.token, body: listingBody() }),
      201,
      'listing',
    )
    ok(
      await api.request('POST', `/api/v1/listings/${active.id}/activate`, { token: host.token }),
      200,
      'activate',
    )
    const draft = ok(
      await api.request('POST', '/api/v1/listings', {
        token: host.token,
        body: listingBody({ title: MARK.draftTitle }),
      }),
      201,
      'draft',
    )
    ok(
      await api.request('PUT', `/api/v1/users/me/wishlist/${active.id}`, { token: owner.token }),
      204,
      'wishlist',
    )
    const saved = ok(
      await api.request('POST', '/api/v1/users/me/guests', {
        token: owner.token,
        body: { name: MARK.guestName, email: MARK.guestEmail, age_group: 'adult' },
      }),
      201,
      'saved guest',
    )
    const book = async (token: string, checkIn: string, checkOut: string) =>
      ok(
        await api.request('POST', '/api/v1/bookings', {
          token,
          body: { listing_id: active.id, check_in: checkIn, check_out: checkOut, guests: MARK.stayGuests },
        }),
        201,
        `booking ${checkIn}`,
      )
    // A stay that completes, with a review the host has not answered (hidden: double-blind).
    const done = await book(owner.token, '2026-01-07', '2026-01-09')
    const paid = ok(
      await api.request('POST', `/api/v1/bookings/${done.id}/checkout`, {
        token: owner.token,
        body: { auto_confirm: true },
      }),
      200,
      'pay',
    )
    await api.advance(5 * 24 * 3600 * 1000)
    await api.advance(1000)
    const fresh = async (a: Account): Promise<Account> => ({
      ...a,
      token: (await api.login(a.email)).json.access_token,
    })
    const [host2, owner2, admin2] = [await fresh(host), await fresh(owner), await fresh(admin)]
    const completed = ok(
      await api.request('GET', `/api/v1/bookings/${done.id}`, { token: owner2.token }),
      200,
      'done',
    )
    if (completed.state !== 'completed') throw new Error(`stay is ${completed.state}`)
    const review = ok(
      await api.request('POST', `/api/v1/bookings/${done.id}/reviews`, {
        token: owner2.token,
        body: { rating: 5, comment: MARK.reviewComment },
      }),
      201,
      'review',
    )
    const pending = await book(owner2.token, '2026-02-10', '2026-02-13')
    const confirmed = await book(owner2.token, '2026-03-01', '2026-03-04')
    ok(
      await api.request('POST', `/api/v1/bookings/${confirmed.id}/checkout`, {
        token: owner2.token,
        body: { auto_confirm: true },
      }),
      200,
      'pay 2',
    )
    const stranger = await api.account('stranger', ['guest', 'host'])
    w = {
      host: host2,
      owner: owner2,
      admin: admin2,
      stranger,
      activeListing: active.id,
      draftListing: draft.id,
      pendingBooking: pending.id,
      confirmedBooking: confirmed.id,
      completedBooking: done.id,
      payment: paid.payment.id,
      review: review.id,
      savedGuest: saved.id,
    }
  })
  afterAll(() => api.close())

  it('the table covers exactly the operations of the OpenAPI document that take a path parameter', () => {
    expect(idOps.length).toBeGreaterThanOrEqual(25)
    expect(Object.keys(CASES).sort()).toEqual(idOps.map((o) => o.op.operationId).sort())
  })

  it('the owners see their own data (so the refusals below are about who asks, not about broken fixtures)', async () => {
    expect(
      (await api.request('GET', `/api/v1/bookings/${w.pendingBooking}`, { token: w.owner.token })).status,
    ).toBe(200)
    expect(
      (await api.request('GET', `/api/v1/bookings/${w.confirmedBooking}`, { token: w.host.token })).json
        .state,
    ).toBe('confirmed')
    expect((await api.request('GET', `/api/v1/payments/${w.payment}`, { token: w.owner.token })).status).toBe(
      200,
    )
    const draft = await api.request('GET', `/api/v1/listings/${w.draftListing}`, { token: w.host.token })
    expect(draft.json.title).toBe(MARK.draftTitle)
    const mine = await api.request('GET', '/api/v1/users/me/guests', { token: w.owner.token })
    expect(mine.json.items.map((g: { id: string }) => g.id)).toEqual([w.savedGuest])
    const review = await api.request('GET', `/api/v1/users/${w.host.id}/reviews`, { token: w.owner.token })
    expect(review.status).toBe(200)
  })

  it('every operation with an id: 403/404 for the stranger, the same as for a missing id, and none of the data', async () => {
    let calls = 0
    for (const o of idOps) {
      const c = CASES[o.op.operationId]
      if (!c) continue
      const name = `${o.op.operationId} (${o.method.toUpperCase()} ${o.path})`
      const absent = await call(o, c, c.missing, w.stranger.token)
      for (const t of c.targets(w)) {
        const res = await call(o, c, t.params, w.stranger.token)
        calls++
        const why = `${name} on the ${t.label}: ${res.status} ${res.text.slice(0, 300)}`
        expect.soft(res.status, why).toBeLessThan(500)
        for (const s of SECRETS) expect.soft(res.text, `${why} leaks ${s}`).not.toContain(s)
        if (c.kind === 'denied') {
          expect.soft([403, 404], why).toContain(res.status)
          expect.soft(res.headers.get('content-type'), why).toMatch(PROBLEM)
          // Someone else's resource and no resource at all look the same.
          expect
            .soft(
              `${res.status} ${res.json?.code}`,
              `${why} vs missing ${absent.status} ${absent.json?.code}`,
            )
            .toBe(`${absent.status} ${absent.json?.code}`)
        } else if (c.kind === 'signed') {
          expect.soft(res.status, why).toBe(400)
          expect.soft(res.json?.code, why).toBe('invalid_provider_event')
        } else if (c.kind === 'public') {
          expect.soft(res.status, why).toBe(200)
          expect.soft(JSON.stringify(res.json), why).not.toMatch(/"(email|phone|status|roles)"/)
        }
      }
    }
    expect(calls).toBeGreaterThanOrEqual(40)
  })

  it('public reads of an active listing give the stranger the public view only: no held or booked counts, no hidden review', async () => {
    for (const [operationId, extra] of Object.entries(PUBLIC_LISTING_READS)) {
      const o = idOps.find((x) => x.op.operationId === operationId)
      if (!o) throw new Error(`no ${operationId}`)
      const res = await api.request(
        'GET',
        `${fillPath(o.path, { id: w.activeListing })}${extra.query ?? ''}`,
        {
          token: w.stranger.token,
        },
      )
      expect(res.status, operationId).toBe(200)
      for (const s of SECRETS) expect(res.text, operationId).not.toContain(s)
      expect(res.text, operationId).not.toMatch(/"(held|booked)"/)
    }
    // The host does see held and booked counts (so the check above is not vacuous).
    const host = await api.request(
      'GET',
      `/api/v1/listings/${w.activeListing}/calendar?from=2026-01-01&to=2026-04-01`,
      {
        token: w.host.token,
      },
    )
    expect(host.text).toMatch(/"booked":1/)
  })

  it('ids in bodies and queries are held to the same rule', async () => {
    const t = w.stranger.token
    // Overwriting someone's saved guest by naming its id.
    const overwrite = await api.request('POST', '/api/v1/users/me/guests', {
      token: t,
      body: { id: w.savedGuest, name: 'Mallory', age_group: 'adult' },
    })
    expect([403, 404]).toContain(overwrite.status)
    // Booking a draft listing: 404 as for a missing id, so a draft's existence does not leak.
    const draftBooking = await api.request('POST', '/api/v1/bookings', {
      token: t,
      body: { listing_id: w.draftListing, check_in: '2026-05-01', check_out: '2026-05-03', guests: 1 },
    })
    expect(draftBooking.status).toBe(404)
    expect(draftBooking.json.code).toBe('listing_not_found')
    expect(draftBooking.text).not.toContain(MARK.draftTitle)
    expect(
      (await runEffect(api.engine.adapters.bookings.byGuest(w.stranger.id, { limit: 10, cursor: null })))
        .items,
    ).toEqual([])
    // Another host's report, by listing or by host.
    const byListing = await api.request(
      'GET',
      `/api/v1/host/reports?from=2026-01-01&to=2026-04-01&listing_id=${w.activeListing}`,
      {
        token: t,
      },
    )
    expect([403, 404]).toContain(byListing.status)
    const byHost = await api.request(
      'GET',
      `/api/v1/host/reports?from=2026-01-01&to=2026-04-01&host_id=${w.host.id}`,
      {
        token: t,
      },
    )
    expect([403, 404]).toContain(byHost.status)
    // Lists are the caller's own: nothing of the owner's shows up.
    for (const path of [
      '/api/v1/bookings',
      '/api/v1/host/bookings',
      '/api/v1/payments',
      '/api/v1/users/me/wishlist',
      '/api/v1/users/me/guests',
    ]) {
      const res = await api.request('GET', path, { token: t })
      expect(res.status, path).toBe(200)
      expect(res.json.items, path).toEqual([])
    }
    const admin = await api.request('GET', '/api/v1/admin/users', { token: t })
    expect(admin.status).toBe(403)
    expect(admin.text).not.toContain(MARK.ownerEmail)
  })

  it('after all that, the owners’ resources are exactly as they were', async () => {
    const get = (path: string, token: string) => api.request('GET', path, { token })
    expect((await get(`/api/v1/bookings/${w.pendingBooking}`, w.owner.token)).json).toMatchObject({
      state: 'pending_payment',
      guests: MARK.stayGuests,
    })
    expect((await get(`/api/v1/bookings/${w.confirmedBooking}`, w.owner.token)).json).toMatchObject({
      state: 'confirmed',
      guests: MARK.stayGuests,
    })
    expect((await get(`/api/v1/bookings/${w.completedBooking}`, w.owner.token)).json.state).toBe('completed')
    expect((await get(`/api/v1/listings/${w.draftListing}`, w.host.token)).json).toMatchObject({
      status: 'draft',
      title: MARK.draftTitle,
    })
    const active = (await get(`/api/v1/listings/${w.activeListing}`, w.host.token)).json
    expect(active).toMatchObject({ status: 'active', title: listingBody().title })
    const calendar = await get(
      `/api/v1/listings/${w.activeListing}/calendar?from=2026-02-01&to=2026-03-01`,
      w.host.token,
    )
    expect(calendar.json.nights.some((n: { blocked: boolean }) => n.blocked)).toBe(false)
    const guests = (await get('/api/v1/users/me/guests', w.owner.token)).json.items
    expect(guests).toEqual([expect.objectContaining({ id: w.savedGuest, name: MARK.guestName })])
    const wishlist = (await get('/api/v1/users/me/wishlist', w.owner.token)).json.items
    expect(wishlist.map((i: { listing_id: string }) => i.listing_id)).toEqual([w.activeListing])
    const me = (await get('/api/v1/users/me', w.owner.token)).json
    expect(me.status).toBe('active')
    // The review: no response, not hidden, its text intact; the stranger posted none on any booking.
    const stored = await runEffect(api.engine.adapters.reviews.byBooking(w.completedBooking as BookingId))
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({ comment: MARK.reviewComment, response: null, hidden: false })
    for (const id of [w.pendingBooking, w.confirmedBooking])
      expect(await runEffect(api.engine.adapters.reviews.byBooking(id as BookingId))).toEqual([])
    expect((await get(`/api/v1/payments/${w.payment}`, w.owner.token)).json.status).toBe('captured')
    expect((await get('/api/v1/bookings', w.stranger.token)).json.items).toEqual([])
  })

  it('every response above matched the OpenAPI document', () => {
    expect(api.violations).toEqual([])
  })
})
