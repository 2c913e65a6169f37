import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Effect, Result, Schema } from 'effect'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultRateLimits, type RateLimitSettings } from '../../adapters/http/index.js'
import { defineRoute } from '../../adapters/http/route.js'
import { loadApiConfig } from '../../apps/api/config.js'
import { startApiServer } from '../../apps/api/server.js'
import { createInMemoryEngine } from '../../apps/composition/in-memory-engine.js'
import { listingBody, PASSWORD, startTestApi, T0, type TestApi } from './support/api.js'
import { startCustomApp } from './support/custom-app.js'
import { killTree } from './support/processes.js'

/*
 * Issue 3, operations: health and readiness probes, Prometheus metrics, the OpenAPI document and a
 * docs UI served from this server, request ids, security headers and CORS, the size, type and rate
 * limits, 500s that carry a request id and nothing else, configuration validation, production mode
 * and graceful shutdown.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const PROBLEM = /^application\/problem\+json/
/** What must never appear in a response: stack frames, source paths, library internals. */
const LEAKS = [/\bat [\w.<>]+ \(/, /\.ts:\d+/, /node_modules/, /\bError:/, /koa|jose|effect\//i]
const expectNoLeak = (text: string) => {
  for (const re of LEAKS) expect(text, `leaks ${re}`).not.toMatch(re)
}

const pendingBooking = async (api: TestApi, hostKey: string, guestKey: string) => {
  const host = await api.account(hostKey, ['guest', 'host'])
  const guest = await api.account(guestKey)
  const created = await api.request('POST', '/api/v1/listings', { token: host.token, body: listingBody() })
  expect(created.status, created.text).toBe(201)
  const listingId: string = created.json.id
  expect(
    (await api.request('POST', `/api/v1/listings/${listingId}/activate`, { token: host.token })).status,
  ).toBe(200)
  const booking = await api.request('POST', '/api/v1/bookings', {
    token: guest.token,
    body: { listing_id: listingId, check_in: '2026-02-10', check_out: '2026-02-13', guests: 2 },
  })
  expect(booking.status, booking.text).toBe(201)
  return { host, guest, listingId, bookingId: booking.json.id as string }
}

describe('operations endpoints: health, metrics, OpenAPI, docs', () => {
  let api: TestApi
  beforeAll(async () => {
    api = await startTestApi()
  })
  afterAll(() => api.close())

  it('/health/live and /health/ready answer 200 with a JSON status', async () => {
    const live = await api.request('GET', '/health/live')
    expect([live.status, live.json]).toEqual([200, { status: 'ok' }])
    const ready = await api.request('GET', '/health/ready')
    expect([ready.status, ready.json]).toEqual([200, { status: 'ready' }])
    expect(ready.headers.get('content-type')).toMatch(/^application\/json/)
  })

  it('/metrics is Prometheus text: request counts and latency histograms by route template, booking and payment counters', async () => {
    const { bookingId, guest, listingId } = await pendingBooking(api, 'm-host', 'm-guest')
    const pay = await api.request('POST', `/api/v1/bookings/${bookingId}/checkout`, {
      token: guest.token,
      body: { auto_confirm: true },
    })
    expect(pay.json?.booking?.state, pay.text).toBe('confirmed')
    await api.request('GET', `/api/v1/listings/${listingId}`)
    await api.advance(0) // the background turn relays the outbox: the counters count published events
    const res = await fetch(`${api.server.metricsUrl}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    expect(text).toContain('# TYPE http_requests_total counter')
    expect(text).toContain('# TYPE http_request_duration_seconds histogram')
    expect(text).toMatch(
      /http_requests_total\{method="GET",route="\/api\/v1\/listings\/\{id\}",status="200"\} [1-9]/,
    )
    expect(text).toMatch(
      /http_requests_total\{method="POST",route="\/api\/v1\/bookings",status="201"\} [1-9]/,
    )
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/api\/v1\/listings\/\{id\}"\} [1-9]/,
    )
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/bookings"\} [1-9]/,
    )
    expect(text).toMatch(/innkeeper_bookings_total\{event="requested"\} [1-9]/)
    expect(text).toMatch(/innkeeper_bookings_total\{event="confirmed"\} [1-9]/)
    expect(text).toMatch(/innkeeper_payments_total\{event="created"\} [1-9]/)
    expect(text).toMatch(/innkeeper_payments_total\{event="captured"\} [1-9]/)
    // Labels are route templates, never concrete ids.
    expect(text).not.toContain(listingId)
    expect(text).toContain('process_cpu_seconds_total')
  })

  it('metric labels stay bounded: requests refused before their handler (415, 405, 404) are labelled by template', async () => {
    const marks = ['zzMARKa1', 'zzMARKb2', 'zzMARKc3']
    const r415 = await api.request('POST', `/api/v1/listings/${marks[0]}/activate`, {
      raw: 'x',
      headers: { 'content-type': 'text/plain' },
    })
    expect(r415.status).toBe(415)
    const r405 = await api.request('PUT', `/api/v1/listings/${marks[1]}`, { unchecked: true })
    expect(r405.status).toBe(405)
    const r404 = await api.request('GET', `/api/v1/${marks[2]}`, { unchecked: true })
    expect(r404.status).toBe(404)
    const text = await (await fetch(`${api.server.metricsUrl}/metrics`)).text()
    for (const m of marks) expect(text).not.toContain(m)
    expect(text).toMatch(
      /http_requests_total\{method="POST",route="\/api\/v1\/listings\/\{id\}\/activate",status="415"\} 1/,
    )
    expect(text).toMatch(
      /http_requests_total\{method="PUT",route="\/api\/v1\/listings\/\{id\}",status="405"\} 1/,
    )
    expect(text).toMatch(/http_requests_total\{method="GET",route="unmatched",status="404"\} [1-9]/)
  })

  it('/openapi.json is served as JSON (OpenAPI 3.1)', async () => {
    const res = await api.request('GET', '/openapi.json')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.json.openapi).toBe('3.1.0')
    expect(Object.keys(res.json.paths).length).toBeGreaterThan(30)
  })

  it('/docs is served locally: the page, its scripts and styles come from this server, never a CDN', async () => {
    const page = await api.request('GET', '/docs')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    const refs = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string)
    expect(refs.length).toBeGreaterThanOrEqual(4)
    expect(page.text).not.toMatch(/https?:\/\//)
    expect(page.text).not.toMatch(/<script>(?!<\/script>)/) // no inline script (the CSP forbids them)
    for (const ref of refs) {
      expect(ref, 'same-origin path').toMatch(/^\/docs\/[A-Za-z0-9._-]+$/)
      const asset = await api.request('GET', ref)
      expect(asset.status, ref).toBe(200)
      const type = asset.headers.get('content-type') ?? ''
      if (ref.endsWith('.js')) expect(type, ref).toMatch(/javascript/)
      if (ref.endsWith('.css')) expect(type, ref).toMatch(/^text\/css/)
    }
    const bundle = await api.request('GET', '/docs/swagger-ui-bundle.js')
    expect(bundle.text.length).toBeGreaterThan(100_000)
    expect(bundle.text).toContain('SwaggerUIBundle')
    const init = await api.request('GET', '/docs/docs-init.js')
    expect(init.text).toContain("url: '/openapi.json'")
    const csp = page.headers.get('content-security-policy') ?? ''
    expect(csp).toMatch(/script-src 'self'(;|$)/)
    expect(csp).toMatch(/default-src 'self'/)
  })

  it('/docs serves only its own assets: other files and traversal attempts are 404 problems', async () => {
    for (const path of [
      '/docs/package.json',
      '/docs/index.html',
      '/docs/..%2Fpackage.json',
      '/docs/%2e%2e%2f%2e%2e%2fpackage.json',
      '/docs/swagger-ui.css.map',
    ]) {
      const res = await api.request('GET', path)
      expect(res.status, path).toBe(404)
      expect(res.headers.get('content-type'), path).toMatch(PROBLEM)
    }
  })

  it('every response above matched the OpenAPI document', () => {
    expect(api.violations).toEqual([])
  })
})

describe('readiness reflects the backing services', () => {
  it('503 when the readiness check says no, or throws', async () => {
    for (const ready of [async () => false, async () => Promise.reject(new Error('redis down'))]) {
      const app = await startCustomApp([], { ready })
      try {
        const res = await fetch(`${app.url}/health/ready`)
        expect(res.status).toBe(503)
        expect(await res.json()).toEqual({ status: 'unavailable' })
        expect((await fetch(`${app.url}/health/live`)).status).toBe(200)
      } finally {
        await app.close()
      }
    }
  })
})

describe('request ids, security headers, CORS', () => {
  let api: TestApi
  let cors: TestApi
  let anyOrigin: TestApi
  beforeAll(async () => {
    api = await startTestApi()
    cors = await startTestApi({
      env: { INNKEEPER_CORS_ORIGINS: 'https://app.example.com, https://admin.example.com' },
    })
    anyOrigin = await startTestApi({ env: { INNKEEPER_CORS_ORIGINS: '*' } })
  })
  afterAll(async () => {
    await api.close()
    await cors.close()
    await anyOrigin.close()
  })

  it('a well-formed X-Request-Id is echoed in the header and in problem bodies', async () => {
    const res = await api.request('GET', '/api/v1/users/me', {
      headers: { 'x-request-id': 'trace-1234.abc:9' },
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('x-request-id')).toBe('trace-1234.abc:9')
    expect(res.json.request_id).toBe('trace-1234.abc:9')
    const ok = await api.request('GET', '/health/live', { headers: { 'x-request-id': 'probe-7' } })
    expect(ok.headers.get('x-request-id')).toBe('probe-7')
  })

  it('a missing or malformed X-Request-Id is replaced by a fresh UUID (no header injection, no huge ids)', async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    const seen = new Set<string>()
    for (const given of [undefined, 'has space', 'x'.repeat(129), '<script>', 'a/b', 'semi;colon']) {
      const res = await api.request('GET', '/api/v1/listings/nope', {
        headers: given === undefined ? {} : { 'x-request-id': given },
      })
      const id = res.headers.get('x-request-id') ?? ''
      expect(id, String(given)).toMatch(uuid)
      expect(res.json.request_id).toBe(id)
      seen.add(id)
    }
    expect(seen.size).toBe(6)
  })

  it('security headers are set on API, operations and docs responses; nothing advertises the framework', async () => {
    for (const path of ['/api/v1/listings', '/health/live', '/docs', '/api/v1/nope']) {
      const res = await api.request('GET', path, { unchecked: true })
      const h = res.headers
      expect(h.get('x-content-type-options'), path).toBe('nosniff')
      expect(h.get('x-frame-options'), path).toBe('SAMEORIGIN')
      expect(h.get('strict-transport-security'), path).toMatch(/max-age=\d+/)
      expect(h.get('referrer-policy'), path).toBe('no-referrer')
      expect(h.get('content-security-policy'), path).toContain("default-src 'self'")
      expect(h.get('cross-origin-opener-policy'), path).toBe('same-origin')
      expect(h.get('x-powered-by'), path).toBeNull()
      expect(h.get('server'), path).toBeNull()
    }
  })

  it('CORS is off by default: no Access-Control headers, even for a preflight', async () => {
    const res = await api.request('GET', '/api/v1/listings', {
      headers: { origin: 'https://app.example.com' },
    })
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    const pre = await fetch(`${api.url}/api/v1/bookings`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    })
    expect(pre.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('INNKEEPER_CORS_ORIGINS: listed origins are allowed (preflight included), others get no CORS headers', async () => {
    const res = await cors.request('GET', '/api/v1/listings', {
      headers: { origin: 'https://admin.example.com' },
    })
    expect(res.headers.get('access-control-allow-origin')).toBe('https://admin.example.com')
    // Issue 15: a browser client can read every response header the OpenAPI document declares
    // (Idempotent-Replayed and Location were missing), except the CORS-safelisted ones.
    const exposed = (res.headers.get('access-control-expose-headers') ?? '')
      .toLowerCase()
      .split(',')
      .map((h) => h.trim())
    const doc = (await (await fetch(`${cors.url}/openapi.json`)).json()) as {
      components: { headers: Record<string, unknown> }
    }
    const declared = Object.keys(doc.components.headers).map((h) => h.toLowerCase())
    expect(declared).toEqual(expect.arrayContaining(['idempotent-replayed', 'location', 'retry-after']))
    const safelisted = new Set([
      'cache-control',
      'content-language',
      'content-type',
      'expires',
      'last-modified',
    ])
    for (const h of declared.filter((d) => !safelisted.has(d))) expect(exposed, h).toContain(h)
    const pre = await fetch(`${cors.url}/api/v1/bookings`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, idempotency-key',
      },
    })
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST')
    const allowed = (pre.headers.get('access-control-allow-headers') ?? '').toLowerCase()
    for (const h of ['authorization', 'content-type', 'idempotency-key']) expect(allowed).toContain(h)
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull()

    const evil = await cors.request('GET', '/api/v1/listings', {
      headers: { origin: 'https://evil.example.com' },
    })
    expect(evil.status).toBe(200)
    expect(evil.headers.get('access-control-allow-origin')).toBeNull()
    const evilPre = await fetch(`${cors.url}/api/v1/bookings`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    })
    expect(evilPre.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('INNKEEPER_CORS_ORIGINS=* allows any origin, without credentials', async () => {
    const res = await anyOrigin.request('GET', '/api/v1/listings', {
      headers: { origin: 'https://x.example' },
    })
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('access-control-allow-credentials')).toBeNull()
  })

  it('every response above matched the OpenAPI document', () => {
    expect([...api.violations, ...cors.violations, ...anyOrigin.violations]).toEqual([])
  })
})

describe('request limits: 413, 415, 400 for unknown fields, 405', () => {
  let api: TestApi
  let small: TestApi
  beforeAll(async () => {
    api = await startTestApi()
    small = await startTestApi({ env: { INNKEEPER_BODY_LIMIT: '1kb' } })
  })
  afterAll(async () => {
    await api.close()
    await small.close()
  })

  const register = (extra: Record<string, unknown> = {}) => ({
    email: 'big@e2e.example',
    password: PASSWORD,
    name: 'Big',
    roles: ['guest'],
    ...extra,
  })

  it('a body over the limit (100kb by default) is 413, with a Content-Length or chunked', async () => {
    const big = JSON.stringify(register({ name: 'x'.repeat(150_000) }))
    const res = await api.request('POST', '/api/v1/auth/register', {
      raw: big,
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(413)
    expect(res.headers.get('content-type')).toMatch(PROBLEM)
    expect(res.json.code).toBe('payload_too_large')
    expect(res.json.request_id).toBe(res.headers.get('x-request-id'))

    const bytes = new TextEncoder().encode(big)
    const chunked = await fetch(`${api.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < bytes.length; i += 16_384) c.enqueue(bytes.subarray(i, i + 16_384))
          c.close()
        },
      }),
      duplex: 'half',
    } as RequestInit)
    expect(chunked.status).toBe(413)
    expect(chunked.headers.get('content-type')).toMatch(PROBLEM)
  })

  it('INNKEEPER_BODY_LIMIT sets the limit (1kb here): 2kb is 413, a normal body still passes', async () => {
    const res = await small.request('POST', '/api/v1/auth/register', {
      body: register({ name: 'y'.repeat(2_000) }),
    })
    expect(res.status).toBe(413)
    expect(res.json.detail).toContain('1kb')
    const ok = await small.request('POST', '/api/v1/auth/register', { body: register() })
    expect(ok.status, ok.text).toBe(201)
  })

  it('a body that is not JSON is 415, whatever the route, before any authentication', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'text/json',
    ]) {
      const res = await api.request('POST', '/api/v1/auth/register', {
        raw: 'email=a',
        headers: { 'content-type': type },
      })
      expect(res.status, type).toBe(415)
      expect(res.headers.get('content-type'), type).toMatch(PROBLEM)
      expect(res.json.code, type).toBe('unsupported_media_type')
    }
    // No content type at all, on a route that needs a token: refused for its body first.
    const bare = await fetch(`${api.url}/api/v1/bookings`, {
      method: 'POST',
      body: new Uint8Array([123, 125]),
    })
    expect(bare.status).toBe(415)
  })

  it('every +json media type is read as JSON (a body it accepts is never dropped); any charset is read as UTF-8', async () => {
    let n = 0
    for (const type of [
      'application/json; charset=utf-8',
      'application/merge-patch+json',
      'application/vnd.api+json',
      'application/json; charset=klingon',
    ]) {
      const res = await api.request('POST', '/api/v1/auth/register', {
        raw: JSON.stringify(register({ email: `type${n++}@e2e.example`, name: 'Zoë' })),
        headers: { 'content-type': type },
      })
      expect(res.status, `${type}: ${res.text}`).toBe(201)
      expect(res.json.name, type).toBe('Zoë')
    }
  })

  it('unknown fields are rejected with 400 and a detail per field (nested ones and camelCase ones too)', async () => {
    const res = await api.request('POST', '/api/v1/auth/register', {
      body: register({ email: 'unk@e2e.example', is_admin: true, roles: ['guest'] }),
    })
    expect(res.status).toBe(400)
    expect(res.json.code).toBe('validation_failed')
    expect(res.json.errors).toEqual([expect.objectContaining({ path: 'is_admin' })])
    const camel = await api.request('POST', '/api/v1/auth/register', {
      body: register({ email: 'unk2@e2e.example', profileBio: 'x' }),
    })
    expect(camel.status).toBe(400)
    expect(camel.json.errors).toEqual([
      { path: 'profile_bio', message: 'Unknown field (fields are snake_case)' },
    ])
    const host = await api.account('limits-host', ['guest', 'host'])
    const nested = await api.request('POST', '/api/v1/listings', {
      token: host.token,
      body: listingBody({ pricing: { base_nightly: 100, secret_discount: 100 } }),
    })
    expect(nested.status).toBe(400)
    expect((nested.json.errors as { path: string }[]).map((e) => e.path)).toContain('pricing.secret_discount')
  })

  it('bodies the routes read themselves (checkout, decline) get the same field issues and unknown-field refusals', async () => {
    const host = await api.account('rb-host', ['guest', 'host'])
    const guest = await api.account('rb-guest')
    const created = await api.request('POST', '/api/v1/listings', {
      token: host.token,
      body: listingBody({ booking_mode: 'request' }),
    })
    await api.request('POST', `/api/v1/listings/${created.json.id}/activate`, { token: host.token })
    const booking = await api.request('POST', '/api/v1/bookings', {
      token: guest.token,
      body: { listing_id: created.json.id, check_in: '2026-02-10', check_out: '2026-02-12', guests: 1 },
    })
    const id: string = booking.json.id
    const pathsOf = (r: { json: { errors?: { path: string }[] } }) => (r.json.errors ?? []).map((e) => e.path)
    const badCheckout = await api.request('POST', `/api/v1/bookings/${id}/checkout`, {
      token: guest.token,
      body: { auto_confirm: 'yes' },
    })
    expect(badCheckout.status).toBe(400)
    expect(pathsOf(badCheckout)).toEqual(['auto_confirm'])
    const extra = await api.request('POST', `/api/v1/bookings/${id}/checkout`, {
      token: guest.token,
      body: { auto_confirm: true, coupon: 'FREE' },
    })
    expect(extra.status).toBe(400)
    expect(pathsOf(extra)).toEqual(['coupon'])
    const paid = await api.request('POST', `/api/v1/bookings/${id}/checkout`, {
      token: guest.token,
      body: { auto_confirm: true },
    })
    expect(paid.json.booking.state, paid.text).toBe('awaiting_host')
    for (const body of [
      { reason: { html: '<b>no</b>' } },
      { reason: 'n'.repeat(1_001) },
      { reason: 'no', extra: 1 },
    ]) {
      const res = await api.request('POST', `/api/v1/bookings/${id}/decline`, { token: host.token, body })
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400)
      expect(res.json.code).toBe('validation_failed')
    }
    // Nothing was stored: the booking still reads fine and still waits for the host.
    const after = await api.request('GET', `/api/v1/bookings/${id}`, { token: host.token })
    expect([after.status, after.json.state]).toEqual([200, 'awaiting_host'])
    const declined = await api.request('POST', `/api/v1/bookings/${id}/decline`, {
      token: host.token,
      body: { reason: 'Dates no longer work' },
    })
    expect(declined.json.state, declined.text).toBe('declined')
  })

  it('a method a path does not have is a 405 problem with Allow', async () => {
    const res = await api.request('PUT', '/api/v1/users/me/guests', { unchecked: true })
    expect(res.status).toBe(405)
    expect(res.headers.get('content-type')).toMatch(PROBLEM)
    expect(res.json.code).toBe('method_not_allowed')
    expect(res.headers.get('allow')).toContain('GET')
    expect(res.headers.get('allow')).toContain('POST')
  })

  it('every response above matched the OpenAPI document', () => {
    expect([...api.violations, ...small.violations]).toEqual([])
  })
})

describe('rate limits: 429 with Retry-After and RateLimit-* headers', () => {
  const tight: RateLimitSettings = {
    perUser: { capacity: 3, refillPerSecond: 1 },
    perIp: { capacity: 6, refillPerSecond: 1 },
  }
  let api: TestApi
  beforeAll(async () => {
    api = await startTestApi({ rateLimits: tight })
  })
  afterAll(() => api.close())

  it('per user: the burst is granted with RateLimit headers counting down, then 429 until tokens come back', async () => {
    // Register and log in on a fresh IP bucket's expense, then refill it.
    const user = await api.account('rl-user')
    await api.advance(60_000)
    const remaining: string[] = []
    for (let i = 0; i < 3; i++) {
      const res = await api.request('GET', '/api/v1/users/me', { token: user.token })
      expect(res.status).toBe(200)
      expect(res.headers.get('ratelimit-limit')).toBe('3')
      remaining.push(res.headers.get('ratelimit-remaining') ?? '')
      expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(0)
    }
    expect(remaining).toEqual(['2', '1', '0'])
    const refused = await api.request('GET', '/api/v1/users/me', { token: user.token })
    expect(refused.status).toBe(429)
    expect(refused.headers.get('content-type')).toMatch(PROBLEM)
    expect(refused.json.code).toBe('rate_limited')
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(refused.headers.get('ratelimit-remaining')).toBe('0')
    expect(refused.headers.get('ratelimit-limit')).toBe('3')
    await api.advance(Number(refused.headers.get('retry-after')) * 1000)
    expect((await api.request('GET', '/api/v1/users/me', { token: user.token })).status).toBe(200)
  })

  it('per IP: anonymous requests share the IP bucket; probes and metrics are never limited', async () => {
    await api.advance(60_000)
    const statuses: number[] = []
    // A client cannot dodge the limit by inventing X-Forwarded-For (the proxy is not trusted by default).
    for (let i = 0; i < 8; i++)
      statuses.push(
        (await api.request('GET', '/api/v1/listings', { headers: { 'x-forwarded-for': `203.0.113.${i}` } }))
          .status,
      )
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429])
    const refused = await api.request('GET', '/api/v1/listings')
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(refused.headers.get('ratelimit-limit')).toBe('6')
    for (const path of ['/health/live', '/health/ready', '/openapi.json'])
      expect((await api.request('GET', path)).status, path).toBe(200)
  })

  it('behind a trusted proxy (INNKEEPER_TRUST_PROXY) the client address comes from X-Forwarded-For', async () => {
    const proxied = await startTestApi({ rateLimits: tight, env: { INNKEEPER_TRUST_PROXY: 'true' } })
    try {
      const from = (ip: string) =>
        proxied
          .request('GET', '/api/v1/listings', { headers: { 'x-forwarded-for': ip } })
          .then((r) => r.status)
      const a: number[] = []
      for (let i = 0; i < 7; i++) a.push(await from('198.51.100.1'))
      expect(a).toEqual([200, 200, 200, 200, 200, 200, 429])
      expect(await from('198.51.100.2')).toBe(200)
      expect(proxied.violations).toEqual([])
    } finally {
      await proxied.close()
    }
  })

  it('the defaults are about 100/min per user and 1000/min per IP with a small burst', () => {
    expect(defaultRateLimits.perUser.refillPerSecond * 60).toBeCloseTo(100)
    expect(defaultRateLimits.perIp.refillPerSecond * 60).toBeCloseTo(1000)
    expect(defaultRateLimits.perUser.capacity).toBeGreaterThan(1)
    expect(defaultRateLimits.perUser.capacity).toBeLessThanOrEqual(30)
    expect(defaultRateLimits.perIp.capacity).toBeLessThanOrEqual(200)
  })

  it('every response above matched the OpenAPI document', () => {
    expect(api.violations).toEqual([])
  })
})

describe('the default limits in action (manual clock: no waiting)', () => {
  let api: TestApi
  beforeAll(async () => {
    api = await startTestApi({ rateLimits: defaultRateLimits })
  })
  afterAll(() => api.close())

  it('a user at 100 requests a minute is never refused; at 200 a minute the burst runs out', async () => {
    const user = await api.account('steady')
    await api.advance(60_000)
    let refused = 0
    for (let i = 0; i < 60; i++) {
      api.engine.adapters.clock.advance(600)
      if ((await api.request('GET', '/api/v1/users/me', { token: user.token })).status === 429) refused++
    }
    expect(refused).toBe(0)
    await api.advance(60_000)
    const statuses: number[] = []
    for (let i = 0; i < 60; i++) {
      api.engine.adapters.clock.advance(300)
      statuses.push((await api.request('GET', '/api/v1/users/me', { token: user.token })).status)
    }
    const first429 = statuses.indexOf(429)
    // 20 tokens of burst, refilled at 1 per 600 ms while spending 1 per 300 ms: about 40 requests.
    expect(first429).toBeGreaterThan(30)
    expect(first429).toBeLessThan(45)
  })

  it('every response above matched the OpenAPI document', () => {
    expect(api.violations).toEqual([])
  })
})

describe('unexpected failures: 500 problem with the request id, nothing internal', () => {
  const SECRET = 'hunter2-at-/srv/innkeeper/db.ts:42'
  const Out = Schema.Struct({ n: Schema.Int })
  const base = { tags: ['test'], auth: 'public', errors: [] } as const
  const routes = [
    defineRoute({
      ...base,
      method: 'get',
      path: '/dies',
      operationId: 'dies',
      summary: 'a use case that dies',
      success: { status: 200, description: 'never', schema: Out },
      handle: () => Effect.die(new Error(SECRET)),
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: '/throws',
      operationId: 'throws',
      summary: 'a handler that throws before it returns an effect',
      success: { status: 200, description: 'never', schema: Out },
      handle: () => {
        throw new TypeError(SECRET)
      },
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: '/bad-view',
      operationId: 'badView',
      summary: 'a reply that does not match its schema',
      success: { status: 200, description: 'never', schema: Out },
      handle: () => Effect.succeed({ value: { n: SECRET } }),
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: '/unknown-error',
      operationId: 'unknownError',
      summary: 'a failure the adapter has no status for',
      success: { status: 200, description: 'never', schema: Out },
      handle: () => Effect.fail({ code: 'flux_capacitor_melted', secret: SECRET }),
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: '/dies-idempotently',
      operationId: 'diesIdempotently',
      summary: 'an idempotent operation that dies',
      idempotent: true,
      success: { status: 200, description: 'never', schema: Out },
      handle: () => Effect.die(new Error(SECRET)),
    }),
  ]

  it('each kind of failure is a 500 problem+json whose request_id is the X-Request-Id, logged with that id', async () => {
    const app = await startCustomApp(routes)
    try {
      for (const [method, path] of [
        ['GET', '/dies'],
        ['GET', '/throws'],
        ['GET', '/bad-view'],
        ['GET', '/unknown-error'],
        ['POST', '/dies-idempotently'],
      ] as const) {
        const res = await fetch(`${app.url}/api/v1${path}`, {
          method,
          headers: { 'x-request-id': `req${path.replaceAll('/', '-')}`, 'idempotency-key': 'k1' },
        })
        const text = await res.text()
        expect(res.status, path).toBe(500)
        expect(res.headers.get('content-type'), path).toMatch(PROBLEM)
        const body = JSON.parse(text) as Record<string, unknown>
        expect(body.code, path).toBe('internal_error')
        expect(body.request_id, path).toBe(`req${path.replaceAll('/', '-')}`)
        expect(res.headers.get('x-request-id'), path).toBe(body.request_id)
        expect(Object.keys(body).sort(), path).toEqual(
          ['code', 'detail', 'instance', 'request_id', 'status', 'title', 'type'].sort(),
        )
        expect(text, path).not.toContain('hunter2')
        expectNoLeak(text)
        // The operator can find the cause from the id the client quotes.
        const logged = app.logs.filter((l) => l.requestId === body.request_id && l.level === 50)
        expect(logged.length, path).toBeGreaterThan(0)
        if (path !== '/bad-view') expect(JSON.stringify(logged), path).toContain('hunter2')
      }
      // A failed idempotent request is not replayed: the key is free again and runs again (500 again, not a stored 500).
      const again = await fetch(`${app.url}/api/v1/dies-idempotently`, {
        method: 'POST',
        headers: { 'idempotency-key': 'k1' },
      })
      expect(again.status).toBe(500)
      expect(again.headers.get('idempotent-replayed')).toBeNull()
      // And the server is still fine.
      expect((await fetch(`${app.url}/health/live`)).status).toBe(200)
    } finally {
      await app.close()
    }
  })

  it('expected errors of every kind carry no stack or internals either', async () => {
    const api = await startTestApi()
    try {
      const user = await api.account('leaky')
      const responses = [
        await api.request('POST', '/api/v1/auth/login', {
          raw: '{"email":',
          headers: { 'content-type': 'application/json' },
        }),
        await api.request('POST', '/api/v1/auth/login', { body: { email: 1, password: [] } }),
        await api.request('GET', '/api/v1/users/me', { token: 'a.b.c' }),
        await api.request('GET', '/api/v1/bookings/bk_missing', { token: user.token }),
        await api.request('POST', '/api/v1/bookings', {
          token: user.token,
          body: { listing_id: 'nope', check_in: '2026-02-30' },
        }),
        await api.request('GET', '/api/v1/listings?lat=abc&sort=evil'),
        await api.request('POST', '/api/v1/webhooks/payments/memory', {
          raw: '{}',
          headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
        }),
        await api.request('GET', '/api/v1/nothing-here', { unchecked: true }),
      ]
      for (const r of responses) {
        expect(r.status).toBeGreaterThanOrEqual(400)
        expect(r.status).toBeLessThan(500)
        expect(r.headers.get('content-type')).toMatch(PROBLEM)
        expectNoLeak(r.text)
      }
      expect(api.violations).toEqual([])
    } finally {
      await api.close()
    }
  })
})

describe('production mode', () => {
  let api: TestApi
  beforeAll(async () => {
    // Production takes real payments: the engine pays through Stripe (the stateful test server).
    // Its guests book without verifying their e-mail (the production default requires it; its own test is in security-auth).
    api = await startTestApi({
      mode: 'production',
      payments: 'stripe',
      env: { INNKEEPER_REQUIRE_VERIFIED_EMAIL: 'false' },
    })
  })
  afterAll(() => api.close())

  it('auto_confirm is refused (403) and nothing is charged; a plain checkout still works', async () => {
    const { guest, bookingId } = await pendingBooking(api, 'p-host', 'p-guest')
    const refused = await api.request('POST', `/api/v1/bookings/${bookingId}/checkout`, {
      token: guest.token,
      body: { auto_confirm: true },
    })
    expect(refused.status).toBe(403)
    expect(refused.json.code).toBe('auto_confirm_not_allowed')
    const booking = await api.request('GET', `/api/v1/bookings/${bookingId}`, { token: guest.token })
    expect(booking.json.state).toBe('pending_payment')
    expect((await api.request('GET', '/api/v1/payments', { token: guest.token })).json.items).toEqual([])
    const pay = await api.request('POST', `/api/v1/bookings/${bookingId}/checkout`, { token: guest.token })
    expect(pay.status, pay.text).toBe(200)
    expect(pay.json.booking.state).toBe('pending_payment')
    expect(typeof pay.json.client_secret).toBe('string')
  })

  it('every response above matched the OpenAPI document', () => {
    expect(api.violations).toEqual([])
  })
})

describe('configuration', () => {
  const base = {
    INNKEEPER_JWT_SECRET: 's'.repeat(32),
    INNKEEPER_PAYMENTS: 'stripe',
    INNKEEPER_STRIPE_SECRET_KEY: 'sk_live_operations0test',
    INNKEEPER_STRIPE_WEBHOOK_SECRET: 'whsec_operations0test',
  }

  it('reports every bad value by its variable name, all at once', () => {
    const r = loadApiConfig({
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      INNKEEPER_MODE: 'staging',
      INNKEEPER_JWT_SECRET: 'short',
      INNKEEPER_BODY_LIMIT: '1gb',
      INNKEEPER_RATE_LIMIT: 'maybe',
      INNKEEPER_TICK_MS: '5',
      INNKEEPER_SHUTDOWN_GRACE_MS: '10s',
      INNKEEPER_PAYMENT_WEBHOOK_SECRET: 'tiny',
    })
    expect(Result.isFailure(r)).toBe(true)
    const messages = Result.isFailure(r) ? r.failure : []
    for (const name of [
      'PORT',
      'LOG_LEVEL',
      'INNKEEPER_MODE',
      'INNKEEPER_JWT_SECRET',
      'INNKEEPER_BODY_LIMIT',
      'INNKEEPER_RATE_LIMIT',
      'INNKEEPER_TICK_MS',
      'INNKEEPER_SHUTDOWN_GRACE_MS',
      'INNKEEPER_PAYMENT_WEBHOOK_SECRET',
    ])
      expect(
        messages.some((m) => m.startsWith(`${name}:`)),
        `${name} in ${messages.join(' | ')}`,
      ).toBe(true)
  })

  it('rejects CORS entries that are not origins', () => {
    const r = loadApiConfig({ INNKEEPER_CORS_ORIGINS: 'https://ok.example, ftp://x, https://a.example/path' })
    const messages = Result.isFailure(r) ? r.failure : []
    expect(messages.filter((m) => m.startsWith('INNKEEPER_CORS_ORIGINS:'))).toHaveLength(2)
  })

  it('production refuses to start without its secrets or with the memory payment provider (INNKEEPER_MODE or NODE_ENV); development generates a JWT secret', () => {
    for (const env of [{ INNKEEPER_MODE: 'production' }, { NODE_ENV: 'production' }]) {
      const r = loadApiConfig(env)
      const messages = Result.isFailure(r) ? r.failure : []
      expect(messages.some((m) => m.startsWith('INNKEEPER_JWT_SECRET:'))).toBe(true)
      expect(messages.some((m) => m.startsWith('INNKEEPER_PAYMENTS:'))).toBe(true)
    }
    const prod = loadApiConfig({ INNKEEPER_MODE: 'production', ...base })
    expect(Result.isSuccess(prod) && prod.success.mode).toBe('production')
    expect(Result.isSuccess(prod) && prod.success.seed).toBe(false)
    const dev = loadApiConfig({})
    expect(Result.isSuccess(dev) && dev.success.jwtSecretGenerated).toBe(true)
    expect(Result.isSuccess(dev) && dev.success.jwt.secret.length).toBeGreaterThanOrEqual(32)
  })

  it('good values are read: port, CORS list, body limit, switches', () => {
    const r = loadApiConfig({
      PORT: '8080',
      INNKEEPER_CORS_ORIGINS: 'https://a.example, https://b.example',
      INNKEEPER_BODY_LIMIT: '2mb',
      INNKEEPER_RATE_LIMIT: 'off',
      INNKEEPER_TRUST_PROXY: 'yes',
      INNKEEPER_TICK_MS: '1000',
    })
    if (!Result.isSuccess(r)) throw new Error(r.failure.join('; '))
    expect(r.success).toMatchObject({
      port: 8080,
      corsOrigins: ['https://a.example', 'https://b.example'],
      bodyLimit: '2mb',
      rateLimit: false,
      trustProxy: 1,
      tickMs: 1000,
    })
  })

  const runMain = (env: Record<string, string>, untilListening: boolean) =>
    new Promise<{ code: number | null; stdout: string; stderr: string; url: string | undefined }>(
      (resolve, reject) => {
        const clean = Object.fromEntries(
          Object.entries(process.env).filter(
            ([k]) => !k.startsWith('INNKEEPER_') && k !== 'NODE_ENV' && k !== 'PORT',
          ),
        )
        // `npm start` itself: the script, and npm handing SIGTERM on to the server.
        const child = spawn('npm', ['start', '--silent'], {
          cwd: ROOT,
          env: { ...clean, LOG_LEVEL: 'silent', ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        })
        let stdout = ''
        let stderr = ''
        let url: string | undefined
        const killer = setTimeout(() => killTree(child), 30_000)
        child.stdout.on('data', async (d: Buffer) => {
          stdout += d.toString()
          // Only a whole URL: a chunk may end in the middle of it.
          const m = /listening on (http:\/\/\S+)\s/.exec(stdout)
          if (untilListening && m && url === undefined) {
            url = m[1]
            try {
              const ready = await fetch(`${url}/health/ready`)
              stdout += `\nREADY ${ready.status}\n`
            } finally {
              child.kill('SIGTERM')
            }
          }
        })
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString()
        })
        child.on('error', reject)
        child.on('exit', (code) => {
          clearTimeout(killer)
          resolve({ code, stdout, stderr, url })
        })
      },
    )

  // The two processes start side by side (tsx and the module graph take seconds to load).
  it.concurrent('npm start in production without secrets exits 2 naming each missing variable', async () => {
    const r = await runMain({ INNKEEPER_MODE: 'production', PORT: '0' }, false)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('invalid configuration')
    expect(r.stderr).toContain('INNKEEPER_JWT_SECRET')
    expect(r.stderr).toContain('INNKEEPER_PAYMENTS')
    expect(r.stdout).not.toContain('listening')
  })

  it.concurrent('npm start in production with its secrets serves, and SIGTERM stops it cleanly (exit 0)', async () => {
    const r = await runMain({ INNKEEPER_MODE: 'production', PORT: '0', ...base }, true)
    expect(r.stdout).toContain('READY 200')
    expect(r.stdout).not.toContain('demo accounts')
    expect(r.code).toBe(0)
  })
})

describe('graceful shutdown', () => {
  /** A server whose password checks wait at a gate once it is on (a login in flight, held). */
  const gatedServer = async (env: Record<string, string> = {}) => {
    let gateOn = false
    let release: () => void = () => {}
    let entered: () => void = () => {}
    const hasEntered = new Promise<void>((r) => {
      entered = r
    })
    const gate = new Promise<void>((r) => {
      release = r
    })
    const engine = createInMemoryEngine({
      start: T0,
      idNamespace: 'shutdown',
      passwordHashCost: 2 ** 10,
      decorate: (port, adapter) => {
        if (port !== 'PasswordHasher') return adapter
        const hasher = adapter as unknown as { verify: (...a: unknown[]) => Effect.Effect<boolean> }
        const verify = hasher.verify.bind(hasher)
        return Object.assign(Object.create(adapter), {
          verify: (...a: unknown[]) =>
            gateOn
              ? Effect.andThen(
                  Effect.promise(() => {
                    entered()
                    return gate
                  }),
                  verify(...a),
                )
              : verify(...a),
        }) as typeof adapter
      },
    })
    const loaded = loadApiConfig({
      PORT: '0',
      LOG_LEVEL: 'silent',
      INNKEEPER_JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
      INNKEEPER_SEED: 'false',
      ...env,
    })
    if (!Result.isSuccess(loaded)) throw new Error(loaded.failure.join('; '))
    const server = await startApiServer({
      config: loaded.success,
      engine,
      background: false,
      rateLimits: false,
      loginLimits: false,
    })
    const reg = await fetch(`${server.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'late@e2e.example', password: PASSWORD, name: 'Late', roles: ['guest'] }),
    })
    expect(reg.status).toBe(201)
    gateOn = true
    const login = () =>
      fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'late@e2e.example', password: PASSWORD }),
      })
    return { server, hasEntered, release, login }
  }

  it('close() stops accepting connections but lets a request in flight finish', async () => {
    const { server, hasEntered, release, login } = await gatedServer()
    const inFlight = login()
    await hasEntered
    let closed = false
    const closing = server.shutdown().then((report) => {
      closed = true
      return report
    })
    // New connections are refused while the old request is still running.
    const refused = await fetch(`${server.url}/health/live`).then(
      (r) => `answered ${r.status}`,
      (e: unknown) => String((e as { cause?: { code?: string } }).cause?.code),
    )
    expect(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET']).toContain(refused)
    expect(closed).toBe(false)
    release()
    const res = await inFlight
    expect(res.status).toBe(200)
    // It ends its connection with the answer, so close() does not wait for a keep-alive timeout.
    expect(res.headers.get('connection')).toBe('close')
    expect(((await res.json()) as { access_token?: string }).access_token).toBeTruthy()
    expect(await closing).toMatchObject({ drained: 1, cut: 0 })
    expect(closed).toBe(true)
  })

  it('close() ends the connections left once INNKEEPER_SHUTDOWN_GRACE_MS has passed, and reports the request it cut', async () => {
    const { server, hasEntered, release, login } = await gatedServer({ INNKEEPER_SHUTDOWN_GRACE_MS: '200' })
    const inFlight = login().then(
      (r) => `answered ${r.status}`,
      () => 'cut',
    )
    await hasEntered
    const report = await server.shutdown()
    expect(report).toMatchObject({ drained: 1, cut: 1 })
    expect(await inFlight).toBe('cut')
    release()
  })
})
