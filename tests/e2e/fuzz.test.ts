import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Account, type HttpResponse, listingBody, startTestApi, type TestApi } from './support/api.js'
import { type FuzzRequest, requestFor, type Sender } from './support/fuzz-arbitraries.js'
import { type DocOperation, fillPath, type OpenApiDoc, operationsOf } from './support/operations.js'

/*
 * Issue 3, fuzzing: thousands of fast-check-generated malformed requests spread over every operation
 * of the OpenAPI document (bad JSON, wrong types, huge strings, negative and enormous numbers,
 * impossible dates, unknown fields, odd content types, garbage tokens and ids). Whatever comes in,
 * the API never answers 5xx, every 4xx is an RFC 9457 problem with the request's id, no stack or
 * internals leak, every response matches the document, and the app is healthy afterwards.
 *
 * `npm test` sends at least 2,000 requests; INNKEEPER_DEEP=1 sends ten times as many.
 */

const DEEP = process.env.INNKEEPER_DEEP === '1'
const TOTAL = DEEP ? 20_000 : 2_000
const LEAKS = [/\bat [\w.<>]+ \(/, /\.ts:\d+/, /node_modules/, /\bError:/, /SchemaError|TypeError|RangeError/]

describe('fuzz: malformed requests on every operation', () => {
  let api: TestApi
  let doc: OpenApiDoc
  let ops: DocOperation[]
  const senders = new Map<Sender, string | undefined>()
  let realIds: string[] = []
  const perOperation = new Map<string, number>()
  const statuses = new Map<number, number>()
  let sent = 0

  beforeAll(async () => {
    api = await startTestApi()
    doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as OpenApiDoc
    ops = operationsOf(doc)
    // Real tokens and ids, so that some of the fuzz gets past authentication and lookups.
    const host: Account = await api.account('fz-host', ['guest', 'host'])
    const guest: Account = await api.account('fz-guest')
    const admin: Account = await api.account('fz-admin', ['guest', 'admin'])
    const listing = await api.request('POST', '/api/v1/listings', { token: host.token, body: listingBody() })
    await api.request('POST', `/api/v1/listings/${listing.json.id}/activate`, { token: host.token })
    const booking = await api.request('POST', '/api/v1/bookings', {
      token: guest.token,
      body: { listing_id: listing.json.id, check_in: '2026-02-10', check_out: '2026-02-12', guests: 1 },
    })
    const pay = await api.request('POST', `/api/v1/bookings/${booking.json.id}/checkout`, {
      token: guest.token,
    })
    senders.set('anonymous', undefined)
    senders.set('guest', guest.token)
    senders.set('host', host.token)
    senders.set('admin', admin.token)
    senders.set('garbage-token', 'eyJhbGciOiJub25lIn0.e30.')
    realIds = [listing.json.id, booking.json.id, pay.json.payment.id, host.id, guest.id, 'memory']
    expect(realIds.every((id) => typeof id === 'string' && id !== '')).toBe(true)
  })
  afterAll(() => api.close())

  const send = async (o: DocOperation, r: FuzzRequest): Promise<HttpResponse> => {
    const qs = new URLSearchParams(r.query.map(([k, v]): [string, string] => [k, v])).toString()
    const path = `${fillPath(o.path, r.path)}${qs === '' ? '' : `?${qs}`}`
    const headers: Record<string, string> = {}
    if (r.body?.contentType) headers['content-type'] = r.body.contentType
    if (r.idempotencyKey !== undefined) headers['idempotency-key'] = r.idempotencyKey
    if (r.requestId !== undefined) headers['x-request-id'] = r.requestId
    const token = senders.get(r.sender)
    // A body without a content type goes as bytes (a string body would be labelled text/plain).
    const raw = r.body === undefined ? undefined : r.body.text
    const res =
      r.body !== undefined && r.body.contentType === null
        ? await fetch(`${api.url}${path}`, {
            method: o.method.toUpperCase(),
            headers: token === undefined ? headers : { ...headers, authorization: `Bearer ${token}` },
            body: new TextEncoder().encode(r.body.text),
          }).then(async (x) => ({
            status: x.status,
            headers: x.headers,
            text: await x.text(),
            json: undefined,
          }))
        : await api.request(o.method.toUpperCase(), path, {
            ...(token === undefined ? {} : { token }),
            ...(raw === undefined ? {} : { raw }),
            headers,
          })
    sent++
    perOperation.set(o.op.operationId, (perOperation.get(o.op.operationId) ?? 0) + 1)
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
    return res
  }

  /** The rules every answer keeps, whatever was sent. */
  const check = (res: HttpResponse, r: FuzzRequest) => {
    expect(res.status, res.text.slice(0, 400)).toBeLessThan(500)
    const requestId = res.headers.get('x-request-id')
    expect(requestId).toMatch(/^[A-Za-z0-9._:-]{1,128}$/)
    if (r.requestId !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(r.requestId.trim()))
      expect(requestId).toBe(r.requestId.trim())
    for (const re of LEAKS) expect(res.text.slice(0, 20_000), `leaks ${re}`).not.toMatch(re)
    if (res.status >= 400) {
      expect(res.headers.get('content-type'), res.text.slice(0, 200)).toMatch(/^application\/problem\+json/)
      const body = JSON.parse(res.text) as Record<string, unknown>
      expect(body.status).toBe(res.status)
      expect(typeof body.code).toBe('string')
      expect(typeof body.title).toBe('string')
      expect(body.request_id).toBe(requestId)
      if (body.code === 'validation_failed') {
        expect(Array.isArray(body.errors)).toBe(true)
        for (const e of body.errors as { path: unknown; message: unknown }[]) {
          expect(typeof e.path).toBe('string')
          expect(typeof e.message).toBe('string')
        }
      }
    }
  }

  it(`at least ${TOTAL} malformed requests over every operation: never a 5xx, every error a problem+json`, async () => {
    const numRuns = Math.ceil(TOTAL / ops.length)
    for (const o of ops) {
      await fc.assert(
        fc.asyncProperty(requestFor(doc, o, realIds), async (r) => {
          const res = await send(o, r)
          check(res, r)
        }),
        { numRuns, endOnFailure: !DEEP },
      )
    }
    expect(sent).toBeGreaterThanOrEqual(TOTAL)
    expect([...perOperation.keys()].sort()).toEqual(ops.map((o) => o.op.operationId).sort())
    for (const [id, n] of perOperation) expect(n, id).toBeGreaterThanOrEqual(numRuns)
    // The fuzz exercised refusals of many kinds, and some requests got through.
    for (const s of [400, 401, 404, 413, 415]) expect(statuses.get(s) ?? 0, `status ${s}`).toBeGreaterThan(0)
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true)
  }, 240_000)

  it('every fuzzed response matched the OpenAPI document', () => {
    expect(api.violations.slice(0, 20)).toEqual([])
  })

  it('afterwards the app is healthy and serves a normal journey', async () => {
    expect((await api.request('GET', '/health/ready')).status).toBe(200)
    const host = await api.account('after-host', ['guest', 'host'])
    const guest = await api.account('after-guest')
    const created = await api.request('POST', '/api/v1/listings', { token: host.token, body: listingBody() })
    expect(created.status, created.text).toBe(201)
    expect(
      (await api.request('POST', `/api/v1/listings/${created.json.id}/activate`, { token: host.token }))
        .status,
    ).toBe(200)
    const booking = await api.request('POST', '/api/v1/bookings', {
      token: guest.token,
      body: { listing_id: created.json.id, check_in: '2026-06-01', check_out: '2026-06-04', guests: 2 },
    })
    expect(booking.status, booking.text).toBe(201)
    const pay = await api.request('POST', `/api/v1/bookings/${booking.json.id}/checkout`, {
      token: guest.token,
      body: { auto_confirm: true },
    })
    expect(pay.json.booking.state, pay.text).toBe('confirmed')
    expect(api.violations).toEqual([])
  })

  it('the metrics registry stayed bounded: one request series per route template, whatever paths were sent', async () => {
    const text = await (await fetch(`${api.server.metricsUrl}/metrics`)).text()
    const routes = new Set(
      [...text.matchAll(/^http_requests_total\{[^}]*route="([^"]*)"/gm)].map((m) => m[1]),
    )
    const known = new Set([...ops.map((o) => o.path), 'unmatched', '/openapi.json', '/health/ready'])
    expect([...routes].filter((r) => r !== undefined && !known.has(r))).toEqual([])
  })
})
