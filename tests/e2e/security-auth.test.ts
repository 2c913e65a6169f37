import { base64url, decodeJwt, generateKeyPair, type JWTPayload, SignJWT, UnsecuredJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Account, listingBody, PASSWORD, startTestApi, T0, type TestApi } from './support/api.js'
import { TEST_JWT } from './support/custom-app.js'

/*
 * Issue 3, authentication: only a token the server signed itself, with HS256, for this issuer and
 * audience, unexpired on the server's clock, gets in; everything else is a 401 problem. Refresh
 * tokens rotate, and replaying a spent one revokes the whole family. Login does not tell an unknown
 * e-mail from a wrong password, and is rate-limited per account and per IP.
 */

const PROBLEM = /^application\/problem\+json/
const key = new TextEncoder().encode(TEST_JWT.secret)
const nowSeconds = (api: TestApi) => Math.floor(api.engine.adapters.clock.now() / 1000)

interface TokenSpec {
  readonly alg?: 'HS256' | 'HS384' | 'HS512'
  readonly secret?: Uint8Array
  readonly claims?: JWTPayload
  readonly iss?: string | null
  readonly aud?: string | string[] | null
  readonly sub?: string | null
  readonly iat?: number | null
  readonly exp?: number | null
  readonly nbf?: number
}

/** A token built here with jose: by default exactly what the server issues; each field can be broken. */
const forge = (api: TestApi, userId: string, spec: TokenSpec = {}): Promise<string> => {
  const now = nowSeconds(api)
  const jwt = new SignJWT({ roles: ['guest'], ...spec.claims }).setProtectedHeader({
    alg: spec.alg ?? 'HS256',
    typ: 'JWT',
  })
  const sub = spec.sub === undefined ? userId : spec.sub
  if (sub !== null) jwt.setSubject(sub)
  const iss = spec.iss === undefined ? TEST_JWT.issuer : spec.iss
  if (iss !== null) jwt.setIssuer(iss)
  const aud = spec.aud === undefined ? TEST_JWT.audience : spec.aud
  if (aud !== null) jwt.setAudience(aud)
  const iat = spec.iat === undefined ? now : spec.iat
  if (iat !== null) jwt.setIssuedAt(iat)
  const exp = spec.exp === undefined ? now + 900 : spec.exp
  if (exp !== null) jwt.setExpirationTime(exp)
  if (spec.nbf !== undefined) jwt.setNotBefore(spec.nbf)
  return jwt.sign(spec.secret ?? key)
}

const segments = (token: string) => {
  const [h, p, s] = token.split('.')
  if (h === undefined || p === undefined || s === undefined) throw new Error('not a JWS')
  return { h, p, s }
}
const encodeJson = (v: unknown) => base64url.encode(JSON.stringify(v))
const decodeJson = (seg: string) =>
  JSON.parse(new TextDecoder().decode(base64url.decode(seg))) as Record<string, unknown>

/** Routes that check a token: one that requires it, one that lists, one where it is optional. */
const probes = (listingId: string) => [
  '/api/v1/users/me',
  '/api/v1/bookings',
  `/api/v1/listings/${listingId}`,
]

describe('access tokens', () => {
  let api: TestApi
  let alice: Account
  let bob: Account
  let listingId: string
  beforeAll(async () => {
    api = await startTestApi()
    alice = await api.account('alice', ['guest', 'host'])
    bob = await api.account('bob')
    const created = await api.request('POST', '/api/v1/listings', { token: alice.token, body: listingBody() })
    listingId = created.json.id
    await api.request('POST', `/api/v1/listings/${listingId}/activate`, { token: alice.token })
  })
  afterAll(() => api.close())

  /** The token (or raw Authorization header) is refused on a required-token route, a list and an optional-token route. */
  const expect401 = async (token: string | undefined, why: string, header?: string) => {
    for (const path of probes(listingId)) {
      const res = await api.request('GET', path, {
        ...(token === undefined ? {} : { token }),
        ...(header === undefined ? {} : { headers: { authorization: header } }),
      })
      expect(res.status, `${why}: GET ${path} → ${res.text}`).toBe(401)
      expect(res.headers.get('content-type'), why).toMatch(PROBLEM)
      expect(res.json.code, why).toBe('unauthorized')
      expect(res.headers.get('www-authenticate'), why).toMatch(/^Bearer realm="innkeeper"/)
      // The answer names no user and shows no claim values or library internals.
      expect(res.text, why).not.toContain(alice.id)
      expect(res.text, why).not.toMatch(/jose|JWS|JWT[A-Z]|stack|\.ts:/)
    }
  }

  it('control: a token forged here with the right secret and claims is accepted (so the refusals below are the flaw alone)', async () => {
    const token = await forge(api, alice.id)
    const me = await api.request('GET', '/api/v1/users/me', { token })
    expect(me.status, me.text).toBe(200)
    expect(me.json.id).toBe(alice.id)
    // And the server's own token has the shape the forgery copies.
    const claims = decodeJwt(alice.token)
    expect(claims).toMatchObject({ sub: alice.id, iss: TEST_JWT.issuer, aud: TEST_JWT.audience })
    expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'roles', 'sub'])
  })

  it('missing token → 401 on user routes; an optional-token route serves the anonymous view', async () => {
    for (const path of ['/api/v1/users/me', '/api/v1/bookings']) {
      const res = await api.request('GET', path)
      expect(res.status, path).toBe(401)
      expect(res.headers.get('content-type')).toMatch(PROBLEM)
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="innkeeper"/)
    }
    const anon = await api.request('GET', `/api/v1/listings/${listingId}`)
    expect(anon.status, anon.text).toBe(200)
  })

  it('malformed Authorization headers → 401', async () => {
    for (const header of [
      'Bearer',
      'Bearer ',
      `Basic ${Buffer.from('alice:pw').toString('base64')}`,
      `Token ${alice.token}`,
      `Bearer ${alice.token} extra`,
      'Bearer not-a-jwt',
      'Bearer a.b.c',
      'Bearer ....',
      `Bearer ${'A'.repeat(8_000)}`,
    ])
      await expect401(undefined, `header ${header.slice(0, 40)}`, header)
  })

  it('expired tokens → 401: one forged with a past exp, and the real one once the server clock passes 15 minutes', async () => {
    const now = nowSeconds(api)
    await expect401(await forge(api, alice.id, { iat: now - 1000, exp: now - 1 }), 'exp in the past')
    const expired = await api.request('GET', '/api/v1/users/me', {
      token: await forge(api, alice.id, { iat: now - 1000, exp: now - 1 }),
    })
    expect(expired.json.detail).toBe('The access token has expired')
    await expect401(await forge(api, alice.id, { nbf: now + 600 }), 'not valid before a future time')

    const fresh = await api.login(bob.email)
    const token: string = fresh.json.access_token
    expect(fresh.json.expires_in).toBe(900)
    api.engine.adapters.clock.advance(14 * 60 * 1000)
    expect((await api.request('GET', '/api/v1/users/me', { token })).status).toBe(200)
    api.engine.adapters.clock.advance(60 * 1000 + 1000)
    await expect401(token, 'past its 15 minutes')
  })

  it('tampered tokens → 401: changed subject, added admin role, flipped or missing signature', async () => {
    const real = (await api.login(bob.email)).json.access_token as string
    // Used first, so the server remembers it as verified: its tampered variants must still fail.
    expect((await api.request('GET', '/api/v1/users/me', { token: real })).status).toBe(200)
    const { h, p, s } = segments(real)
    const payload = decodeJson(p)
    await expect401(
      `${h}.${encodeJson({ ...payload, sub: alice.id })}.${s}`,
      'subject swapped to another user',
    )
    await expect401(`${h}.${encodeJson({ ...payload, roles: ['guest', 'admin'] })}.${s}`, 'admin role added')
    await expect401(
      `${h}.${encodeJson({ ...payload, exp: (payload.exp as number) + 86_400 })}.${s}`,
      'expiry pushed back',
    )
    const flipped = `${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`
    await expect401(`${h}.${p}.${flipped}`, 'signature changed')
    await expect401(`${h}.${p}.`, 'signature removed')
    await expect401(`${h}.${p}`, 'two segments')
    // Signed properly, but by another secret of the same length.
    await expect401(
      await forge(api, alice.id, { secret: new TextEncoder().encode('x'.repeat(40)) }),
      'wrong secret',
    )
  })

  it('alg "none" → 401: an unsecured token, and the real token relabelled none', async () => {
    const now = nowSeconds(api)
    const unsecured = new UnsecuredJWT({ roles: ['guest', 'admin'] })
      .setSubject(alice.id)
      .setIssuer(TEST_JWT.issuer)
      .setAudience(TEST_JWT.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .encode()
    expect(unsecured.endsWith('.')).toBe(true)
    await expect401(unsecured, 'alg none, no signature')
    const { p, s } = segments(alice.token)
    for (const alg of ['none', 'None', 'NONE'])
      await expect401(`${encodeJson({ alg, typ: 'JWT' })}.${p}.${s}`, `alg ${alg} with the old signature`)
  })

  it('another algorithm → 401 even with the right secret (HS384, HS512), and an RS256 token of our own key', async () => {
    await expect401(await forge(api, alice.id, { alg: 'HS384' }), 'HS384')
    await expect401(await forge(api, alice.id, { alg: 'HS512' }), 'HS512')
    const { privateKey } = await generateKeyPair('RS256')
    const now = nowSeconds(api)
    const rs = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject(alice.id)
      .setIssuer(TEST_JWT.issuer)
      .setAudience(TEST_JWT.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .sign(privateKey)
    await expect401(rs, 'RS256')
  })

  it('wrong or missing audience or issuer, missing subject, expiry or issued-at → 401', async () => {
    await expect401(await forge(api, alice.id, { aud: 'another-api' }), 'wrong audience')
    await expect401(await forge(api, alice.id, { aud: ['another-api', 'yet-another'] }), 'wrong audiences')
    await expect401(await forge(api, alice.id, { aud: null }), 'no audience')
    await expect401(await forge(api, alice.id, { iss: 'someone-else' }), 'wrong issuer')
    await expect401(await forge(api, alice.id, { iss: null }), 'no issuer')
    await expect401(await forge(api, alice.id, { sub: null }), 'no subject')
    await expect401(await forge(api, alice.id, { sub: '' }), 'empty subject')
    await expect401(await forge(api, alice.id, { exp: null }), 'no expiry')
    await expect401(await forge(api, alice.id, { iat: null }), 'no issued-at')
    const wrongAud = await api.request('GET', '/api/v1/users/me', {
      token: await forge(api, alice.id, { aud: 'another-api' }),
    })
    expect(wrongAud.json.detail).toBe("The access token's aud claim is not accepted")
  })

  it('a valid token for a user that does not exist gets nobody’s data: 401, the token is no good (issue 16)', async () => {
    const ghost = await forge(api, 'usr_ghost_000001')
    const me = await api.request('GET', '/api/v1/users/me', { token: ghost })
    expect(me.status).toBe(401)
    expect(me.headers.get('content-type')).toMatch(PROBLEM)
    const list = await api.request('GET', '/api/v1/bookings', { token: ghost })
    expect([200, 401, 403, 404]).toContain(list.status)
    if (list.status === 200) expect(list.json.items).toEqual([])
  })

  it("a write with a token for a user that does not exist is 401 at the account check, before the route's work", async () => {
    const ghost = await forge(api, 'usr_ghost_000002')
    for (const [method, path, body] of [
      ['PATCH', '/api/v1/users/me', { name: 'Ghost' }],
      ['POST', '/api/v1/listings', listingBody()],
    ] as const) {
      const res = await api.request(method, path, { token: ghost, body })
      expect(res.status, `${method} ${path}`).toBe(401)
      expect(res.json.code).toBe('unauthorized')
    }
  })

  it('every response above matched the OpenAPI document', () => {
    expect(api.violations).toEqual([])
  })
})

describe('refresh tokens', () => {
  let api: TestApi
  beforeAll(async () => {
    api = await startTestApi()
  })
  afterAll(() => api.close())

  const refresh = (refreshToken: string) =>
    api.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: refreshToken } })

  it('rotation: each refresh returns a new pair; the new access token works', async () => {
    const acct = await api.account('rotor')
    const r1 = await refresh(acct.refreshToken)
    expect(r1.status, r1.text).toBe(200)
    expect(r1.json.refresh_token).not.toBe(acct.refreshToken)
    expect(r1.json.token_type).toBe('Bearer')
    const me = await api.request('GET', '/api/v1/users/me', { token: r1.json.access_token })
    expect(me.json.id).toBe(acct.id)
    const r2 = await refresh(r1.json.refresh_token)
    expect(r2.status).toBe(200)
  })

  it('reuse: replaying a spent refresh token is refused and revokes the whole family (the thief’s and the owner’s next tokens)', async () => {
    const acct = await api.account('victim')
    const r1 = await refresh(acct.refreshToken) // the owner rotates: R0 → R1
    const r1Token: string = r1.json.refresh_token
    const replay = await refresh(acct.refreshToken) // someone replays R0
    expect(replay.status).toBe(401)
    expect(replay.headers.get('content-type')).toMatch(PROBLEM)
    expect(replay.json.code).toBe('refresh_token_reused')
    const next = await refresh(r1Token) // R1 died with its family
    expect(next.status).toBe(401)
    expect(next.json.code).toBe('refresh_token_invalid')
    const again = await refresh(acct.refreshToken)
    expect(again.status).toBe(401)
    // Signing in again starts a new family.
    const login = await api.login(acct.email)
    expect(login.status).toBe(200)
    expect((await refresh(login.json.refresh_token)).status).toBe(200)
  })

  it('reuse in a race: two refreshes of the same token, at most one succeeds and the family ends either way', async () => {
    const acct = await api.account('racer')
    const [a, b] = await Promise.all([refresh(acct.refreshToken), refresh(acct.refreshToken)])
    const ok = [a, b].filter((r) => r.status === 200)
    expect(ok.length).toBeLessThanOrEqual(1)
    for (const r of [a, b]) if (r.status !== 200) expect(r.status).toBe(401)
    for (const r of ok) expect((await refresh(r.json.refresh_token)).status).toBe(401)
  })

  it('logout ends the family; a refresh token that is not the caller’s does not log the caller out', async () => {
    const a = await api.account('leaver')
    const b = await api.account('other')
    const out = await api.request('POST', '/api/v1/auth/logout', {
      token: a.token,
      body: { refresh_token: a.refreshToken },
    })
    expect(out.status).toBe(204)
    expect((await refresh(a.refreshToken)).status).toBe(401)
    // b presents someone else's (leaked) refresh token: refused; that token is burnt, b's own lives on.
    const c = await api.account('leaked')
    const wrong = await api.request('POST', '/api/v1/auth/logout', {
      token: b.token,
      body: { refresh_token: c.refreshToken },
    })
    expect(wrong.status).toBe(401)
    expect((await refresh(b.refreshToken)).status).toBe(200)
  })

  it('garbage refresh tokens are 400 or 401 problems, never more', async () => {
    for (const t of ['', 'x', 'a'.repeat(512), 'a'.repeat(513), '../../etc/passwd', '{"$ne":null}']) {
      const res = await refresh(t)
      expect([400, 401], t.slice(0, 20)).toContain(res.status)
      expect(res.headers.get('content-type')).toMatch(PROBLEM)
    }
    const wrongType = await api.request('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: { $ne: null } },
    })
    expect(wrongType.status).toBe(400)
  })

  it('every response above matched the OpenAPI document', () => {
    expect(api.violations).toEqual([])
  })
})

describe('login: no account enumeration', () => {
  let api: TestApi
  beforeAll(async () => {
    api = await startTestApi()
  })
  afterAll(() => api.close())

  /** What a client can compare: status, headers (names and values, except the per-request id), body without ids. */
  const observable = (r: { status: number; headers: Headers; json: Record<string, unknown> }) => ({
    status: r.status,
    headers: [...r.headers.entries()]
      .filter(([k]) => !['x-request-id', 'date', 'content-length'].includes(k))
      .sort(),
    body: { ...r.json, request_id: undefined },
  })

  it('an unknown e-mail and a wrong password get the same answer, byte for byte apart from the request id', async () => {
    const known = await api.account('known')
    const wrong = await api.login(known.email, 'not the password at all')
    const unknown = await api.login('nobody-here@e2e.example', 'not the password at all')
    expect(wrong.status).toBe(401)
    expect(wrong.json.code).toBe('invalid_credentials')
    expect(observable(unknown)).toEqual(observable(wrong))
    expect(unknown.text.length).toBe(wrong.text.length)
    // The e-mail is not echoed either.
    expect(wrong.text).not.toContain(known.email)
  })

  it('a suspended account with a wrong password looks like any wrong password', async () => {
    const admin = await api.account('root', ['guest', 'admin'])
    const sus = await api.account('suspended')
    const done = await api.request('POST', `/api/v1/admin/users/${sus.id}/suspend`, { token: admin.token })
    expect(done.status, done.text).toBe(200)
    const a = await api.login(sus.email, 'wrong password here')
    const b = await api.login('ghost@e2e.example', 'wrong password here')
    expect(observable(a)).toEqual(observable(b))
    // Only the right password learns about the suspension.
    expect((await api.login(sus.email)).status).toBe(403)
  })

  it('password reset answers 202 whether or not the e-mail has an account', async () => {
    const known = await api.account('resetter')
    const a = await api.request('POST', '/api/v1/auth/password-reset', { body: { email: known.email } })
    const b = await api.request('POST', '/api/v1/auth/password-reset', {
      body: { email: 'nobody@e2e.example' },
    })
    expect(a.status).toBe(202)
    expect(observable({ ...a, json: {} })).toEqual(observable({ ...b, json: {} }))
    expect(a.text).toBe(b.text)
  })

  it('every response above matched the OpenAPI document', () => {
    expect(api.violations).toEqual([])
  })
})

describe('login throttling (per address, and per address and account; never per account alone)', () => {
  let api: TestApi
  beforeAll(async () => {
    api = await startTestApi({
      start: T0,
      // One trusted proxy: the client address is the last X-Forwarded-For entry.
      env: { INNKEEPER_TRUST_PROXY: '1' },
      loginLimits: {
        perIp: { capacity: 12, refillPerSecond: 12 / 300 },
        perIpAccount: { freeFailures: 3, baseDelayMs: 2_000, maxDelayMs: 60_000, forgetAfterMs: 3_600_000 },
        perAccount: { capacity: 3, refillPerSecond: 3 / 300 },
      },
    })
  })
  afterAll(() => api.close())

  const loginFrom = (ip: string, email: string, password = PASSWORD) =>
    api.request('POST', '/api/v1/auth/login', {
      body: { email, password },
      headers: { 'x-forwarded-for': ip },
    })
  const expect429 = (r: { status: number; headers: Headers; json: unknown }, why: string): number => {
    expect(r.status, why).toBe(429)
    expect(r.headers.get('content-type'), why).toMatch(PROBLEM)
    expect((r.json as { code?: unknown }).code, why).toBe('too_many_login_attempts')
    const retryAfter = Number(r.headers.get('retry-after'))
    expect(retryAfter, why).toBeGreaterThanOrEqual(1)
    return retryAfter
  }

  it("a stranger's failures from address A never stop the owner's right password from address B", async () => {
    // Issue 15: 6 wrong passwords for someone's e-mail made the right one 429 from anywhere.
    const owner = await api.account('owner')
    await api.advance(300_000)
    const strangerStatuses: number[] = []
    for (let i = 0; i < 10; i++)
      strangerStatuses.push((await loginFrom('203.0.113.7', owner.email, `guess number ${i}`)).status)
    expect(strangerStatuses.slice(0, 4)).toEqual([401, 401, 401, 401])
    expect(strangerStatuses.slice(4)).toEqual(Array(6).fill(429))
    // The pair (A, owner) waits, even with the right password: A may be the attacker.
    expect429(await loginFrom('203.0.113.7', owner.email), 'the right password from the attacking address')
    // The owner from another address, in any spelling of the e-mail, signs in at once.
    expect((await loginFrom('198.51.100.20', owner.email)).status).toBe(200)
    expect((await loginFrom('198.51.100.21', ` ${owner.email.toUpperCase()} `)).status).toBe(200)
  })

  it('the same address: after its attempts are spent it gets 429 with Retry-After, whatever the account', async () => {
    await api.advance(300_000)
    const statuses: number[] = []
    for (let i = 0; i < 14; i++)
      statuses.push((await loginFrom('203.0.113.50', `spray-${i}@e2e.example`, 'Winter2026!')).status)
    expect(statuses.slice(0, 12)).toEqual(Array(12).fill(401))
    expect(statuses.slice(12)).toEqual([429, 429])
    const retryAfter = expect429(await loginFrom('203.0.113.50', 'someone-new@e2e.example'), 'address spent')
    expect(retryAfter).toBeLessThanOrEqual(25)
    // Other addresses, and other routes, are untouched.
    expect((await loginFrom('203.0.113.51', 'spray-0@e2e.example', 'Winter2026!')).status).toBe(401)
    expect((await api.request('GET', '/api/v1/listings')).status).toBe(200)
    // Time heals: after Retry-After the address may try again.
    api.engine.adapters.clock.advance(retryAfter * 1000)
    expect((await loginFrom('203.0.113.50', 'spray-0@e2e.example', 'Winter2026!')).status).toBe(401)
  })

  it('address and account: repeated failures wait a doubling delay; a success clears it', async () => {
    const victim = await api.account('slowed')
    await api.advance(300_000)
    const ip = '203.0.113.90'
    for (let i = 0; i < 3; i++) expect((await loginFrom(ip, victim.email, `wrong ${i}`)).status).toBe(401)
    // The 4th failure is answered, and puts a 2 s delay on the pair.
    expect((await loginFrom(ip, victim.email, 'wrong 3')).status).toBe(401)
    expect(expect429(await loginFrom(ip, victim.email, 'wrong 4'), 'after 4 failures')).toBe(2)
    api.engine.adapters.clock.advance(2_000)
    expect((await loginFrom(ip, victim.email, 'wrong 5')).status).toBe(401)
    expect(expect429(await loginFrom(ip, victim.email, 'wrong 6'), 'after 5 failures')).toBe(4)
    api.engine.adapters.clock.advance(4_000)
    expect((await loginFrom(ip, victim.email, 'wrong 7')).status).toBe(401)
    expect(expect429(await loginFrom(ip, victim.email), 'after 6 failures')).toBe(8)
    // Another account from the same address is not delayed.
    expect((await loginFrom(ip, 'someone-else@e2e.example', 'wrong')).status).toBe(401)
    api.engine.adapters.clock.advance(8_000)
    expect((await loginFrom(ip, victim.email)).status).toBe(200)
    // The success reset the pair (its failures would be remembered for an hour): three free
    // failures again. (Five minutes pass first so the address has attempts left.)
    await api.advance(300_000)
    for (let i = 0; i < 3; i++) expect((await loginFrom(ip, victim.email, `again ${i}`)).status).toBe(401)
    expect((await loginFrom(ip, victim.email)).status).toBe(200)
  })

  it('every response above matched the OpenAPI document', () => {
    expect(api.violations).toEqual([])
  })
})
