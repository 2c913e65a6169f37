import { expect } from 'vitest'
import { type Account, type HttpResponse, listingBody, PASSWORD, type TestApi } from './api.js'

/*
 * Steps the journey suites share, each one HTTP call (or a few) through the real app. They assert the
 * status of every call they make, so a journey fails at the step that broke, with the body in the message.
 */

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

/** Asserts a status, showing the body when it differs. */
export const expectStatus = (res: HttpResponse, status: number): void => {
  expect(res.status, `${res.status} ${res.text}`).toBe(status)
}

/** Asserts an RFC 9457 problem with its status and stable `code`. */
export const expectProblem = (res: HttpResponse, status: number, code: string): void => {
  expectStatus(res, status)
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/problem\+json/)
  expect(res.json.code).toBe(code)
  expect(res.json.status).toBe(status)
}

/**
 * Signs the account in again: access tokens live 15 minutes on the engine's clock, so a journey that
 * moves the clock by days needs fresh ones.
 */
export const signIn = async (api: TestApi, account: Account, password = PASSWORD): Promise<Account> => {
  const res = await api.login(account.email, password)
  expectStatus(res, 200)
  return { ...account, token: res.json.access_token, refreshToken: res.json.refresh_token }
}

/** Creates a listing as `host` and activates it; returns the active listing's view. */
export const activeListing = async (
  api: TestApi,
  host: Account,
  overrides: Record<string, unknown> = {},
): Promise<Record<string, unknown> & { id: string }> => {
  const created = await api.request('POST', '/api/v1/listings', {
    token: host.token,
    body: listingBody(overrides),
  })
  expectStatus(created, 201)
  const activated = await api.request('POST', `/api/v1/listings/${created.json.id}/activate`, {
    token: host.token,
  })
  expectStatus(activated, 200)
  expect(activated.json.status).toBe('active')
  return activated.json
}

export interface StayRequest {
  readonly checkIn: string
  readonly checkOut: string
  readonly guests?: number
}

/** `POST /bookings`; the caller asserts the outcome. */
export const requestBooking = (
  api: TestApi,
  guest: Account,
  listingId: string,
  stay: StayRequest,
  idempotencyKey?: string,
): Promise<HttpResponse> =>
  api.request('POST', '/api/v1/bookings', {
    token: guest.token,
    ...(idempotencyKey === undefined ? {} : { headers: { 'idempotency-key': idempotencyKey } }),
    body: {
      listing_id: listingId,
      check_in: stay.checkIn,
      check_out: stay.checkOut,
      guests: stay.guests ?? 2,
    },
  })

/**
 * Books and pays with the development shortcut (`auto_confirm`); returns the booking after payment.
 * The in-memory provider confirms it in the same call; with Stripe the booking follows its webhook.
 */
export const bookAndPay = async (
  api: TestApi,
  guest: Account,
  listingId: string,
  stay: StayRequest,
): Promise<Record<string, unknown> & { id: string; state: string }> => {
  const booked = await requestBooking(api, guest, listingId, stay)
  expectStatus(booked, 201)
  const paid = await api.request('POST', `/api/v1/bookings/${booked.json.id}/checkout`, {
    token: guest.token,
    body: { auto_confirm: true },
  })
  expectStatus(paid, 200)
  if (api.payments.provider === 'memory') return paid.json.booking
  for (const w of await api.payments.deliver()) expectStatus(w, 200)
  return getBooking(api, guest, booked.json.id)
}

/**
 * Delivers every webhook the provider has pending over real HTTP, as the provider would (raw body,
 * `stripe-signature` header). Returns the responses, in order.
 */
export const deliverWebhooks = (api: TestApi): Promise<HttpResponse[]> => api.payments.deliver()

/**
 * Pays over HTTP the way a client and the provider would: `checkout` (no shortcut), the payer confirms
 * with the provider, and the provider's signed webhooks arrive at the webhook endpoint.
 */
export const payOverHttp = async (
  api: TestApi,
  guest: Account,
  bookingId: string,
  outcome: 'succeed' | 'fail' = 'succeed',
): Promise<{ checkout: HttpResponse; webhooks: HttpResponse[] }> => {
  const checkout = await api.request('POST', `/api/v1/bookings/${bookingId}/checkout`, { token: guest.token })
  expectStatus(checkout, 200)
  await api.payments.confirm(checkout.json.payment.provider_ref, outcome)
  const webhooks = await deliverWebhooks(api)
  for (const w of webhooks) expectStatus(w, 200)
  return { checkout, webhooks }
}

/** `GET /bookings/{id}` as `who`, asserting 200. */
export const getBooking = async (
  api: TestApi,
  who: Account,
  bookingId: string,
): Promise<Record<string, unknown> & { id: string; state: string }> => {
  const res = await api.request('GET', `/api/v1/bookings/${bookingId}`, { token: who.token })
  expectStatus(res, 200)
  return res.json
}

/** The notifications the engine sent to an address with a template, newest last. */
export const sentTo = (api: TestApi, email: string, template: string) =>
  api.engine.adapters.notifier.sentTo(email).filter((n) => n.template === template)

/** Moves the engine's clock to an instant (never backwards) and runs the background loop once. */
export const advanceTo = async (api: TestApi, at: number): Promise<void> => {
  const now = api.engine.adapters.clock.now()
  if (at < now) throw new Error(`cannot move the clock back from ${new Date(now).toISOString()}`)
  await api.advance(at - now)
}
