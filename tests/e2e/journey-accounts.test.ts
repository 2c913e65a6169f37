import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Account, startTestApi, type TestApi } from './support/api.js'
import {
  activeListing,
  expectProblem,
  expectStatus,
  MINUTE,
  requestBooking,
  sentTo,
  signIn,
} from './support/journey.js'

/*
 * Accounts over HTTP: e-mail verification, refresh-token rotation and reuse detection, logout, password
 * reset (the token reaches the user only through the Notifier port), idempotency keys, the public
 * profile, saved guests and the wishlist.
 */

const tokenOf = (api: TestApi, email: string, template: 'email_verification' | 'password_reset'): string => {
  const sent = sentTo(api, email, template)
  const token = sent.at(-1)?.data.token
  if (typeof token !== 'string') throw new Error(`no ${template} token sent to ${email}`)
  return token
}

describe('journey: accounts, sessions, idempotency and what a user keeps', () => {
  let api: TestApi
  let host: Account
  let listingId: string
  beforeAll(async () => {
    api = await startTestApi()
    host = await api.account('a-host', ['guest', 'host'])
    listingId = (await activeListing(api, host)).id
  })
  afterAll(() => api.close())

  it('verify-email: the token sent at registration verifies once; resend sends a fresh one', async () => {
    const ana = await api.account('ana')
    const first = tokenOf(api, ana.email, 'email_verification')
    // The token is only in the e-mail: the registration response and /users/me do not carry it.
    const me = await api.request('GET', '/api/v1/users/me', { token: ana.token })
    expectStatus(me, 200)
    expect(me.json).toMatchObject({ email: ana.email, email_verified: false })
    expect(me.text).not.toContain(first)

    expectProblem(
      await api.request('POST', '/api/v1/auth/verify-email', { body: { token: `${first}x` } }),
      400,
      'verification_token_invalid',
    )
    const resend = await api.request('POST', '/api/v1/auth/verify-email/resend', { token: ana.token })
    expectStatus(resend, 202)
    const second = tokenOf(api, ana.email, 'email_verification')
    expect(second).not.toBe(first)
    const verified = await api.request('POST', '/api/v1/auth/verify-email', { body: { token: second } })
    expectStatus(verified, 200)
    expect(verified.json).toMatchObject({ id: ana.id, email_verified: true })
    // Single use.
    expectProblem(
      await api.request('POST', '/api/v1/auth/verify-email', { body: { token: second } }),
      400,
      'verification_token_invalid',
    )
    expect((await api.request('GET', '/api/v1/users/me', { token: ana.token })).json.email_verified).toBe(
      true,
    )
  })

  it('refresh rotates the token; presenting a rotated one again revokes the whole family', async () => {
    const bo = await api.account('bo')
    const r1 = await api.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: bo.refreshToken } })
    expectStatus(r1, 200)
    expect(r1.json.refresh_token).not.toBe(bo.refreshToken)
    expect(r1.json.user.id).toBe(bo.id)
    expectStatus(await api.request('GET', '/api/v1/users/me', { token: r1.json.access_token }), 200)

    const r2 = await api.request('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: r1.json.refresh_token },
    })
    expectStatus(r2, 200)
    // The first token again: reuse detected, the family (with the newest token) is revoked.
    expectProblem(
      await api.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: bo.refreshToken } }),
      401,
      'refresh_token_reused',
    )
    const newest = await api.request('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: r2.json.refresh_token },
    })
    expect(newest.status).toBe(401)
    expect(['refresh_token_invalid', 'refresh_token_reused']).toContain(newest.json.code)
    // A new login opens a new family.
    expectStatus(await api.login(bo.email), 200)
  })

  it('an access token lasts 15 minutes on the server clock; refresh gets a new one', async () => {
    const cy = await api.account('cy')
    await api.advance(15 * MINUTE - 1000)
    expectStatus(await api.request('GET', '/api/v1/users/me', { token: cy.token }), 200)
    await api.advance(1000)
    const expired = await api.request('GET', '/api/v1/users/me', { token: cy.token })
    expectProblem(expired, 401, 'unauthorized')
    expect(expired.headers.get('www-authenticate')).toMatch(/^Bearer /)
    const refreshed = await api.request('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: cy.refreshToken },
    })
    expectStatus(refreshed, 200)
    expect(refreshed.json.expires_in).toBe(900)
    expectStatus(await api.request('GET', '/api/v1/users/me', { token: refreshed.json.access_token }), 200)
    host = await signIn(api, host)
  })

  it('logout revokes the refresh token; another session of the same user stays signed in', async () => {
    const di = await api.account('di')
    const other = await signIn(api, di)
    const out = await api.request('POST', '/api/v1/auth/logout', {
      token: di.token,
      body: { refresh_token: di.refreshToken },
    })
    expectStatus(out, 204)
    expect(out.text).toBe('')
    expect(
      (await api.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: di.refreshToken } }))
        .status,
    ).toBe(401)
    expectStatus(
      await api.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: other.refreshToken } }),
      200,
    )
    // Logging out needs a signed-in caller.
    expectProblem(
      await api.request('POST', '/api/v1/auth/logout', { body: { refresh_token: other.refreshToken } }),
      401,
      'unauthorized',
    )
  })

  it('password reset: 202 for any e-mail, the token only in the e-mail, single use, every old session revoked', async () => {
    const ed = await api.account('ed')
    const before = api.engine.adapters.notifier.sent().length
    // An unknown address gets the same answer, and nothing is sent.
    const unknown = await api.request('POST', '/api/v1/auth/password-reset', {
      body: { email: 'nobody@e2e.example' },
    })
    expectStatus(unknown, 202)
    expect(api.engine.adapters.notifier.sent()).toHaveLength(before)

    const asked = await api.request('POST', '/api/v1/auth/password-reset', { body: { email: ed.email } })
    expectStatus(asked, 202)
    expect(asked.text).toBe('')
    const token = tokenOf(api, ed.email, 'password_reset')

    const newPassword = 'a brand new passphrase'
    expectProblem(
      await api.request('POST', '/api/v1/auth/password-reset/confirm', {
        body: { token: `${token}0`, new_password: newPassword },
      }),
      400,
      'reset_token_invalid',
    )
    const done = await api.request('POST', '/api/v1/auth/password-reset/confirm', {
      body: { token, new_password: newPassword },
    })
    expectStatus(done, 204)
    // Old refresh tokens are revoked; the old password no longer works; the new one does.
    const stale = await api.request('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: ed.refreshToken },
    })
    expect(stale.status).toBe(401)
    expect(['refresh_token_invalid', 'refresh_token_reused']).toContain(stale.json.code)
    expectProblem(await api.login(ed.email), 401, 'invalid_credentials')
    expectStatus(await api.login(ed.email, newPassword), 200)
    // The token was single use.
    expectProblem(
      await api.request('POST', '/api/v1/auth/password-reset/confirm', {
        body: { token, new_password: 'yet another passphrase' },
      }),
      400,
      'reset_token_invalid',
    )
    // A wrong password and an unknown e-mail answer alike.
    const wrong = await api.login(ed.email, 'not the password at all')
    const nobody = await api.login('nobody@e2e.example', 'not the password at all')
    expect([wrong.status, wrong.json.code]).toEqual([nobody.status, nobody.json.code])
  })

  it('idempotency: same key and body replay status and body; another body is 422; keys are per user', async () => {
    const fay = await api.account('fay')
    const gus = await api.account('gus')
    const stay = { checkIn: '2026-06-01', checkOut: '2026-06-03' }
    const first = await requestBooking(api, fay, listingId, stay, 'fay-key-1')
    expectStatus(first, 201)
    expect(first.headers.get('idempotent-replayed')).toBeNull()
    const again = await requestBooking(api, fay, listingId, stay, 'fay-key-1')
    expectStatus(again, 201)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(again.json).toEqual(first.json)
    // The same meaning in another key order is the same body.
    const reordered = await api.request('POST', '/api/v1/bookings', {
      token: fay.token,
      headers: { 'idempotency-key': 'fay-key-1', 'content-type': 'application/json' },
      raw: JSON.stringify({
        guests: 2,
        check_out: stay.checkOut,
        check_in: stay.checkIn,
        listing_id: listingId,
      }),
    })
    expectStatus(reordered, 201)
    expect(reordered.json.id).toBe(first.json.id)

    const other = await requestBooking(api, fay, listingId, { ...stay, guests: 3 }, 'fay-key-1')
    expectProblem(other, 422, 'idempotency_key_reused')

    // A failure replays too: the same nights under a new key conflict, and the replay says the same.
    const conflict = await requestBooking(api, gus, listingId, stay, 'fay-key-1')
    expectProblem(conflict, 409, 'nights_unavailable')
    const conflictAgain = await requestBooking(api, gus, listingId, stay, 'fay-key-1')
    expectProblem(conflictAgain, 409, 'nights_unavailable')
    expect(conflictAgain.headers.get('idempotent-replayed')).toBe('true')
    expect(conflictAgain.json.nights).toEqual(conflict.json.nights)

    // Checkout honours its own key: one payment, replayed.
    const pay1 = await api.request('POST', `/api/v1/bookings/${first.json.id}/checkout`, {
      token: fay.token,
      headers: { 'idempotency-key': 'fay-pay-1' },
    })
    expectStatus(pay1, 200)
    const pay2 = await api.request('POST', `/api/v1/bookings/${first.json.id}/checkout`, {
      token: fay.token,
      headers: { 'idempotency-key': 'fay-pay-1' },
    })
    expectStatus(pay2, 200)
    expect(pay2.headers.get('idempotent-replayed')).toBe('true')
    expect(pay2.json).toEqual(pay1.json)
    const pays = await api.request('GET', '/api/v1/payments', { token: fay.token })
    expect(pays.json.items).toHaveLength(1)

    const mine = await api.request('GET', '/api/v1/bookings', { token: fay.token })
    expect(mine.json.items).toHaveLength(1)
    // A key that is not printable ASCII is refused before anything runs.
    expectProblem(await requestBooking(api, fay, listingId, stay, 'clé'), 400, 'validation_failed')
  })

  it('GET /users/{id}: the public profile, with no e-mail; an unknown id is 404', async () => {
    const patched = await api.request('PATCH', '/api/v1/users/me', {
      token: host.token,
      body: { name: 'Hélène', bio: 'Lisbon host', languages: ['pt', 'en'] },
    })
    expectStatus(patched, 200)
    expect(patched.json).toMatchObject({
      name: 'Hélène',
      profile: { bio: 'Lisbon host', languages: ['pt', 'en'] },
    })
    const pub = await api.request('GET', `/api/v1/users/${host.id}`)
    expectStatus(pub, 200)
    expect(pub.json).toMatchObject({ id: host.id, name: 'Hélène', bio: 'Lisbon host', is_host: true })
    expect(pub.json).not.toHaveProperty('email')
    expect(pub.text).not.toContain(host.email)
    expect(pub.text).not.toContain('e2e.example')
    expectProblem(await api.request('GET', '/api/v1/users/usr_nope'), 404, 'user_not_found')
  })

  it('saved guests: create, list, update by id, delete; someone else’s is 404', async () => {
    const hal = await api.account('hal')
    const ivy = await api.account('ivy')
    const saved = await api.request('POST', '/api/v1/users/me/guests', {
      token: hal.token,
      body: { name: 'Kid', age_group: 'child' },
    })
    expectStatus(saved, 201)
    expect(saved.json).toMatchObject({ name: 'Kid', age_group: 'child', email: null })
    const partner = await api.request('POST', '/api/v1/users/me/guests', {
      token: hal.token,
      body: { name: 'Partner', age_group: 'adult', email: 'partner@e2e.example' },
    })
    expectStatus(partner, 201)
    const updated = await api.request('POST', '/api/v1/users/me/guests', {
      token: hal.token,
      body: { id: saved.json.id, name: 'Kid', age_group: 'infant' },
    })
    expect(updated.json).toMatchObject({ id: saved.json.id, age_group: 'infant' })
    const list = await api.request('GET', '/api/v1/users/me/guests', { token: hal.token })
    expectStatus(list, 200)
    expect(
      list.json.items.map((g: { name: string; age_group: string }) => [g.name, g.age_group]).sort(),
    ).toEqual([
      ['Kid', 'infant'],
      ['Partner', 'adult'],
    ])
    expect((await api.request('GET', '/api/v1/users/me/guests', { token: ivy.token })).json.items).toEqual([])
    expectProblem(
      await api.request('DELETE', `/api/v1/users/me/guests/${saved.json.id}`, { token: ivy.token }),
      404,
      'guest_profile_not_found',
    )
    expectStatus(
      await api.request('DELETE', `/api/v1/users/me/guests/${saved.json.id}`, { token: hal.token }),
      204,
    )
    expectProblem(
      await api.request('DELETE', `/api/v1/users/me/guests/${saved.json.id}`, { token: hal.token }),
      404,
      'guest_profile_not_found',
    )
    expect(
      (await api.request('GET', '/api/v1/users/me/guests', { token: hal.token })).json.items,
    ).toHaveLength(1)
    expectProblem(
      await api.request('POST', '/api/v1/users/me/guests', {
        token: hal.token,
        body: { name: 'X', age_group: 'elder' },
      }),
      400,
      'validation_failed',
    )
  })

  it('wishlist: save (idempotent), list with the listing, remove (idempotent); an unknown listing is 404', async () => {
    const jo = await api.account('jo')
    const second = (await activeListing(api, host, { title: 'Second flat' })).id
    expectStatus(await api.request('PUT', `/api/v1/users/me/wishlist/${listingId}`, { token: jo.token }), 204)
    expectStatus(await api.request('PUT', `/api/v1/users/me/wishlist/${second}`, { token: jo.token }), 204)
    expectStatus(await api.request('PUT', `/api/v1/users/me/wishlist/${listingId}`, { token: jo.token }), 204)
    const list = await api.request('GET', '/api/v1/users/me/wishlist', { token: jo.token })
    expectStatus(list, 200)
    expect(list.json.items.map((i: { listing_id: string }) => i.listing_id).sort()).toEqual(
      [listingId, second].sort(),
    )
    expect(list.json.items.find((i: { listing_id: string }) => i.listing_id === second).listing.title).toBe(
      'Second flat',
    )
    // Cursor pagination: one item a page.
    const page1 = await api.request('GET', '/api/v1/users/me/wishlist?limit=1', { token: jo.token })
    expect(page1.json.items).toHaveLength(1)
    expect(page1.json.next_cursor).toEqual(expect.any(String))
    const page2 = await api.request(
      'GET',
      `/api/v1/users/me/wishlist?limit=1&cursor=${encodeURIComponent(page1.json.next_cursor)}`,
      {
        token: jo.token,
      },
    )
    expectStatus(page2, 200)
    expect(page2.json.items).toHaveLength(1)
    expect(page2.json.items[0].listing_id).not.toBe(page1.json.items[0].listing_id)

    expectStatus(await api.request('DELETE', `/api/v1/users/me/wishlist/${second}`, { token: jo.token }), 204)
    expectStatus(await api.request('DELETE', `/api/v1/users/me/wishlist/${second}`, { token: jo.token }), 204)
    const after = await api.request('GET', '/api/v1/users/me/wishlist', { token: jo.token })
    expect(after.json.items.map((i: { listing_id: string }) => i.listing_id)).toEqual([listingId])
    expectProblem(
      await api.request('PUT', '/api/v1/users/me/wishlist/lst_missing', { token: jo.token }),
      404,
      'listing_not_found',
    )
    // Only signed-in users have a wishlist.
    expectProblem(await api.request('GET', '/api/v1/users/me/wishlist'), 401, 'unauthorized')
  })

  it('every response matched the OpenAPI document', () => {
    expect(api.violations).toEqual([])
  })
})
