import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Account, type HttpResponse, startTestApi, type TestApi } from './support/api.js'
import { activeListing, payOverHttp, requestBooking } from './support/journey.js'
import { type DocOperation, fillPath, type OpenApiDoc, operationsOf } from './support/operations.js'
import {
  inlineRefs,
  type Json,
  mutations,
  type Schema,
  SchemaChecker,
  sample,
} from './support/spec-requests.js'

/*
 * Rule (issue 15): the spec and the server agree in both directions. From the served document alone,
 * for every operation with path or query parameters, a body or an Idempotency-Key:
 * - spec-valid requests (values drawn from the schemas) are never refused as malformed: no 400
 *   `validation_failed` (or a refused JSON body); other answers (404 for ids that do not exist, 401
 *   for a made-up refresh token, 409 …) are the server's business;
 * - spec-invalid requests, each breaking exactly one declared constraint of a valid request, are
 *   refused with 400;
 * and every response matches its declared schema (Ajv with ajv-formats, through the suite's
 * response checker), with only declared headers besides the standard ones.
 * Rules one field's value places on another (a stay's check-out after its check-in) are stated in the
 * schema's description, not in JSON Schema: `crossFieldRules` below applies exactly those.
 */

const JSON_REFUSALS = new Set([
  'validation_failed',
  'malformed_json',
  'forbidden_json_key',
  'duplicate_json_key',
])

/** Headers every response may carry that the document does not declare (HTTP, CORS, helmet). */
const STANDARD_HEADERS = new Set([
  'connection',
  'content-length',
  'content-type',
  'date',
  'keep-alive',
  'transfer-encoding',
  'vary',
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
])

type Params = Record<string, Json>

const IDEMPOTENCY_KEY_OK = /^[!-~]{1,255}$/

interface Spec {
  readonly path?: Schema
  readonly query?: Schema
  readonly body?: Schema
  readonly bodyRequired: boolean
  readonly idempotencyKey?: Schema
}

/** The operation's inputs as JSON Schemas: path and query parameters as objects of their own. */
const inputsOf = (doc: OpenApiDoc, o: DocOperation): Spec => {
  const group = (where: 'path' | 'query'): Schema | undefined => {
    const ps = (o.op.parameters ?? []).filter((p) => p.in === where)
    if (ps.length === 0) return undefined
    return {
      type: 'object',
      properties: Object.fromEntries(ps.map((p) => [p.name, inlineRefs(doc, p.schema)])),
      required: ps.filter((p) => p.required === true).map((p) => p.name),
      // Operations with query parameters say that others are refused (their description).
      ...(where === 'query' ? { additionalProperties: false } : {}),
    }
  }
  const header = (o.op.parameters ?? []).find((p) => p.in === 'header' && p.name === 'Idempotency-Key')
  const media = o.op.requestBody?.content['application/json']
  return {
    ...(group('path') === undefined ? {} : { path: group('path') as Schema }),
    ...(group('query') === undefined ? {} : { query: group('query') as Schema }),
    ...(media === undefined ? {} : { body: inlineRefs(doc, media.schema) as Schema }),
    bodyRequired: o.op.requestBody?.required === true,
    ...(header === undefined ? {} : { idempotencyKey: header.schema as Schema }),
  }
}

const DAY_MS = 86_400_000
const plusDays = (date: string, n: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10)

/** Date pairs whose second is after the first, and at most a bounded span later (731, 366 nights …). */
const DATE_PAIRS: readonly (readonly [string, string])[] = [
  ['check_in', 'check_out'],
  ['from', 'to'],
]
/** Number pairs whose first is at most the second. */
const ORDERED: readonly (readonly [string, string])[] = [
  ['min_price', 'max_price'],
  ['min_nights', 'max_nights'],
  ['advance_notice_days', 'booking_window_days'],
]

/**
 * The rules between fields that the document states in its descriptions (JSON Schema cannot compare
 * two fields), applied to a generated value, each as the description says it:
 * - `to` after `from`, `check_out` after `check_in`, within the stated span; pairs go together;
 * - `min_price` ≤ `max_price`, `min_nights` ≤ `max_nights`, `advance_notice_days` ≤ `booking_window_days`;
 * - `lat` and `lng` go together, and sort `distance` needs them;
 * - seasons must not overlap (one is kept); `extra_guest_threshold` at most `max_guests`;
 * - a host reviewing the guest sends no `categories` (the caller here hosts the booking);
 * - a `cursor` is the `next_cursor` of a page of the same list (none is made up).
 */
const crossFieldRules = (operationId: string, v: Json | undefined): Json | undefined => {
  if (Array.isArray(v)) return v.map((x) => crossFieldRules(operationId, x) as Json)
  if (typeof v !== 'object' || v === null) return v
  const out: Record<string, Json> = {}
  for (const [k, x] of Object.entries(v)) out[k] = crossFieldRules(operationId, x) as Json
  for (const [a, b] of DATE_PAIRS) {
    const first = out[a]
    const second = out[b]
    if (typeof first !== 'string' && typeof second !== 'string') continue
    let start = typeof first === 'string' ? first : plusDays(second as string, -7)
    if (start > '2990-01-01' || start < '1901-01-01') start = '2026-06-01'
    out[a] = start
    out[b] = plusDays(start, 1 + (start.charCodeAt(9) % 28))
  }
  for (const [a, b] of ORDERED) {
    const x = out[a]
    const y = out[b]
    if (typeof x === 'number' && typeof y === 'number' && x > y) {
      out[a] = y
      out[b] = x
    }
  }
  if ((out.lat === undefined) !== (out.lng === undefined)) {
    out.lat ??= 0
    out.lng ??= 0
  }
  if (out.sort === 'distance' && out.lat === undefined) delete out.sort
  if (Array.isArray(out.seasons)) out.seasons = out.seasons.slice(0, 1)
  if (typeof out.extra_guest_threshold === 'number') out.extra_guest_threshold = 1
  if (operationId === 'postReview') delete out.categories
  // A cursor is only ever one the server issued for the same list.
  if (typeof out.cursor === 'string') delete out.cursor
  return out
}

/** A spec-invalid request: what it breaks, made from a valid one. */
interface Invalid {
  readonly what: string
  readonly apply: (r: Request) => Request
}

interface Request {
  readonly path: Params
  readonly query: Params
  readonly body: Json | undefined
  readonly idempotencyKey: string | undefined
}

describe('the spec and the server agree (generated requests)', () => {
  let api: TestApi
  let doc: OpenApiDoc
  let ops: DocOperation[]
  let me: Account
  const checker = new SchemaChecker()
  const ids: Record<string, string> = {}
  const counts = { valid: 0, invalid: 0, semantic400: new Map<string, number>(), notFound: 0 }
  const headerProblems: string[] = []

  beforeAll(async () => {
    // Rate limits on (too high to bite), so that their headers are sent and checked as declared.
    const generous = { capacity: 1_000_000, refillPerSecond: 1_000_000 }
    api = await startTestApi({ rateLimits: { perUser: generous, perIp: generous } })
    doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as OpenApiDoc
    ops = operationsOf(doc)
    // One caller with every role, so that role checks never stand in front of the input's, and real
    // ids, so that requests reach the checks behind their lookups.
    me = await api.account('spec-all', ['guest', 'host', 'admin'])
    const guest = await api.account('spec-guest')
    const victim = await api.account('spec-victim')
    const listing = await activeListing(api, me)
    const booking = await requestBooking(api, guest, listing.id, {
      checkIn: '2026-03-10',
      checkOut: '2026-03-12',
    })
    const { checkout } = await payOverHttp(api, guest, booking.json.id)
    Object.assign(ids, {
      listing: listing.id,
      booking: booking.json.id,
      payment: checkout.json.payment.id,
      user: guest.id,
      victim: victim.id,
    })
  }, 60_000)
  afterAll(() => api.close())

  /** A real id for the path's parameter, where one exists. */
  const realId = (o: DocOperation, name: string): string | undefined => {
    const p = o.path
    if (name === 'provider') return 'memory'
    if (name === 'listing_id' || p.includes('/listings/{id}')) return ids.listing
    if (p.includes('/bookings/{id}')) return ids.booking
    if (p.includes('/payments/{id}')) return ids.payment
    if (p.includes('/admin/users/{id}')) return ids.victim
    if (p.includes('/users/{id}')) return ids.user
    return undefined
  }

  const send = async (o: DocOperation, r: Request): Promise<HttpResponse> => {
    const qs = new URLSearchParams()
    for (const [k, v] of Object.entries(r.query))
      if (Array.isArray(v)) for (const item of v) qs.append(k, String(item))
      else if (v !== null) qs.append(k, String(v))
    const strings = Object.fromEntries(Object.entries(r.path).map(([k, v]) => [k, String(v)]))
    const url = `${fillPath(o.path, strings)}${qs.size === 0 ? '' : `?${qs}`}`
    const headers: Record<string, string> = {}
    // Each request its own key, as a client retrying nothing would send (a key reused with another
    // body is a 422 by design).
    if (r.idempotencyKey !== undefined)
      headers['idempotency-key'] = IDEMPOTENCY_KEY_OK.test(r.idempotencyKey)
        ? `${r.idempotencyKey.slice(0, 240)}-${++sent}`
        : r.idempotencyKey
    const res = await api.request(o.method.toUpperCase(), url, {
      ...(o.takesToken ? { token: me.token } : {}),
      ...(r.body === undefined ? {} : { body: r.body }),
      headers,
    })
    // Every header sent is declared for this status (or is one every HTTP response may carry).
    const declared = doc.paths[o.path]?.[o.method]?.responses[String(res.status)]?.headers ?? {}
    const known = new Set(Object.keys(declared).map((h) => h.toLowerCase()))
    for (const [h] of res.headers)
      if (!STANDARD_HEADERS.has(h) && !known.has(h))
        headerProblems.push(`${o.method} ${o.path} ${res.status}: header ${h} not declared`)
    return res
  }

  let sent = 0
  const refusedAsMalformed = (res: HttpResponse) => res.status === 400 && JSON_REFUSALS.has(res.json?.code)

  const validRequests = (o: DocOperation, s: Spec, seed: number, withRealIds: boolean): Request[] => {
    const out: Request[] = []
    for (const optionals of ['all', 'none'] as const) {
      const path = s.path === undefined ? {} : (sample(checker, s.path, seed, optionals) as Params)
      if (withRealIds)
        for (const k of Object.keys(path)) {
          const id = realId(o, k)
          if (id !== undefined) path[k] = id
        }
      const query =
        s.query === undefined
          ? {}
          : (crossFieldRules(o.op.operationId, sample(checker, s.query, seed, optionals)) as Params)
      const body =
        s.body === undefined || (optionals === 'none' && !s.bodyRequired)
          ? undefined
          : crossFieldRules(o.op.operationId, sample(checker, s.body, seed, optionals))
      const key =
        s.idempotencyKey === undefined
          ? undefined
          : (sample(checker, s.idempotencyKey, seed, 'all') as string)
      expect(path, `${o.method} ${o.path}: path sample`).toBeDefined()
      expect(query, `${o.method} ${o.path}: query sample`).toBeDefined()
      if (s.body !== undefined && s.bodyRequired)
        expect(body, `${o.method} ${o.path}: body sample`).toBeDefined()
      out.push({ path, query, body, idempotencyKey: key })
    }
    return out
  }

  const invalidRequests = (s: Spec, base: Request): Invalid[] => {
    const ms: Invalid[] = []
    if (s.path)
      // A missing or empty segment is another URL, not a bad value.
      for (const m of mutations(checker, s.path, base.path, 'path', 'text'))
        if (Object.keys(base.path).every((k) => ![undefined, ''].includes((m.value as Params)[k] as never)))
          ms.push({ ...m, apply: (r) => ({ ...r, path: m.value as Params }) })
    if (s.query)
      for (const m of mutations(checker, s.query, base.query, 'query', 'text'))
        ms.push({ ...m, apply: (r) => ({ ...r, query: m.value as Params }) })
    if (s.body && base.body !== undefined)
      for (const m of mutations(checker, s.body, base.body, 'body', 'json'))
        ms.push({ ...m, apply: (r) => ({ ...r, body: m.value }) })
    if (s.idempotencyKey)
      for (const [what, key] of [
        ['empty', ''],
        ['maxLength', 'k'.repeat(256)],
        ['pattern', 'a b'],
      ] as const) {
        expect(checker.valid(s.idempotencyKey, key), `Idempotency-Key ${what}`).toBe(false)
        ms.push({ what: `Idempotency-Key: ${what}`, apply: (r) => ({ ...r, idempotencyKey: key }) })
      }
    return ms
  }

  it('spec-invalid requests (one constraint broken each) are refused with 400', async () => {
    const disagreements: string[] = []
    let seed = 1
    for (const o of ops) {
      const s = inputsOf(doc, o)
      if (s.path === undefined && s.query === undefined && s.body === undefined) continue
      if (o.op.operationId === 'paymentWebhook' && s.body !== undefined) continue
      const [full] = validRequests(o, s, seed++, true)
      if (!full) continue
      for (const m of invalidRequests(s, full)) {
        const res = await send(o, m.apply(full))
        counts.invalid++
        if (res.status === 400) continue
        // A lookup the server makes before reading the body may answer first: refused all the same.
        if (res.status === 404 && m.what.startsWith('body')) {
          counts.notFound++
          continue
        }
        disagreements.push(
          `${o.method} ${o.path} ${m.what} → ${res.status} ${res.json?.code} ${res.json?.detail}`,
        )
      }
    }
    expect(disagreements).toEqual([])
    expect(counts.invalid).toBeGreaterThan(300)
  }, 120_000)

  it('spec-valid requests are never refused as malformed (nor fail with a 5xx)', async () => {
    const disagreements: string[] = []
    let seed = 1000
    for (const o of ops) {
      const s = inputsOf(doc, o)
      if (s.path === undefined && s.query === undefined && s.body === undefined) continue
      for (const withRealIds of [false, true, false])
        for (const r of validRequests(o, s, seed++, withRealIds)) {
          const res = await send(o, r)
          counts.valid++
          if (refusedAsMalformed(res) || res.status >= 500)
            disagreements.push(
              `${o.method} ${o.path} ${JSON.stringify(r).slice(0, 300)} → ${res.status} ${res.json?.detail}`,
            )
          else if (res.status === 400) {
            const code = String(res.json?.code)
            counts.semantic400.set(code, (counts.semantic400.get(code) ?? 0) + 1)
          }
        }
    }
    expect(disagreements).toEqual([])
    expect(counts.valid).toBeGreaterThan(100)
  }, 120_000)

  it('every response matched its declared schema, and carried only declared headers', () => {
    expect(api.violations).toEqual([])
    expect(headerProblems).toEqual([])
    console.info(
      `spec conformance: ${counts.valid} spec-valid and ${counts.invalid} spec-invalid requests; ` +
        `${counts.notFound} invalid bodies refused by a 404 first; other 400s of valid requests: ${JSON.stringify(Object.fromEntries(counts.semantic400))}`,
    )
  })
})
