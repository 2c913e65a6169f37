import { webcrypto } from 'node:crypto'
import { Effect } from 'effect'
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose'
import type { UserId } from '../../core/domain/shared/ids.js'
import type { Role } from '../../core/domain/users/user.js'
import type { Clock } from '../../ports/clock.js'
import { HttpProblem } from './problem.js'

/** Settings of the access tokens. The algorithm is pinned: a token signed any other way is refused. */
export interface AccessTokenSettings {
  /** HMAC secret, at least 32 bytes. */
  readonly secret: string
  readonly issuer: string
  readonly audience: string
  /** Lifetime in seconds (15 minutes by default). */
  readonly ttlSeconds?: number
}

export const ACCESS_TOKEN_ALGORITHM = 'HS256'
export const DEFAULT_ACCESS_TTL_SECONDS = 15 * 60
/** Verified tokens remembered at most (a few MB): one per active session is the working set. */
const VERIFIED_TOKENS_KEPT = 10_000

export interface AccessClaims {
  readonly userId: UserId
  readonly roles: readonly Role[]
}

const ROLES: readonly Role[] = ['guest', 'host', 'admin']

const unauthorized = (detail: string) =>
  new HttpProblem(
    401,
    'unauthorized',
    'Authentication required',
    detail,
    {},
    {
      'www-authenticate': `Bearer realm="innkeeper", error="invalid_token"`,
    },
  )

/**
 * A valid token whose subject is no longer a user (the account was deleted, or an in-memory store
 * restarted while the signing secret stayed): the token is no good, so 401, not the 404 the use
 * case reports.
 */
export const unknownSubjectProblem = (): HttpProblem =>
  unauthorized('The access token names a user that does not exist; log in again')

/**
 * JWT access tokens (jose): HS256 only, issuer, audience and expiry always checked, time read from
 * the Clock port so a test clock can expire them.
 */
export class AccessTokens {
  private readonly secret: Uint8Array
  /**
   * The secret imported once as an HMAC-SHA-256 key: jose imports a raw secret (bytes) anew on every
   * sign and verify, which was a tenth of the CPU of an authenticated request.
   */
  private key: Promise<webcrypto.CryptoKey> | undefined
  /** Tokens that passed verification, with their claims and expiry (seconds), oldest first. */
  private readonly verified = new Map<string, { readonly claims: AccessClaims; readonly exp: number }>()
  readonly ttlSeconds: number

  constructor(
    private readonly settings: AccessTokenSettings,
    private readonly clock: Clock,
  ) {
    this.secret = new TextEncoder().encode(settings.secret)
    if (this.secret.length < 32) throw new Error('the access-token secret must be at least 32 bytes')
    this.ttlSeconds = settings.ttlSeconds ?? DEFAULT_ACCESS_TTL_SECONDS
  }

  private remember(token: string, claims: AccessClaims, exp: number): void {
    if (this.verified.size >= VERIFIED_TOKENS_KEPT) {
      const oldest = this.verified.keys().next()
      if (oldest.done !== true) this.verified.delete(oldest.value)
    }
    this.verified.set(token, { claims, exp })
  }

  private cryptoKey(): Promise<webcrypto.CryptoKey> {
    this.key ??= webcrypto.subtle.importKey('raw', this.secret, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ])
    return this.key
  }

  sign(claims: AccessClaims): Effect.Effect<string> {
    const now = Math.floor(this.clock.now() / 1000)
    return Effect.promise(async () =>
      new SignJWT({ roles: [...claims.roles] })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, typ: 'JWT' })
        .setSubject(claims.userId)
        .setIssuer(this.settings.issuer)
        .setAudience(this.settings.audience)
        .setIssuedAt(now)
        .setExpirationTime(now + this.ttlSeconds)
        .sign(await this.cryptoKey()),
    )
  }

  /**
   * The claims of a valid token; anything else is a 401 problem that says what was wrong.
   *
   * A token that verified once is remembered until it expires (bounded, oldest forgotten first): a
   * client sends the same token with every request for 15 minutes, and jose's WebCrypto check was
   * the largest single cost of an authenticated request. The cache holds only tokens that passed
   * every check, keyed by the whole signed string, and a hit checks the expiry again against the
   * clock: it answers exactly what a fresh verification would, and never accepts a token that
   * jose refused.
   */
  verify(token: string): Effect.Effect<AccessClaims, HttpProblem> {
    const known = this.verified.get(token)
    if (known !== undefined) {
      if (Math.floor(this.clock.now() / 1000) < known.exp) return Effect.succeed(known.claims)
      this.verified.delete(token)
    }
    return Effect.tryPromise({
      try: async () => {
        const { payload } = await jwtVerify(token, await this.cryptoKey(), {
          algorithms: [ACCESS_TOKEN_ALGORITHM],
          issuer: this.settings.issuer,
          audience: this.settings.audience,
          currentDate: new Date(this.clock.now()),
          requiredClaims: ['sub', 'exp', 'iat'],
        })
        const roles = Array.isArray(payload.roles)
          ? payload.roles.filter((r): r is Role => ROLES.includes(r as Role))
          : []
        if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('no subject')
        const claims: AccessClaims = { userId: payload.sub as UserId, roles }
        if (typeof payload.exp === 'number') this.remember(token, claims, payload.exp)
        return claims
      },
      catch: (e) =>
        unauthorized(
          e instanceof joseErrors.JWTExpired
            ? 'The access token has expired'
            : e instanceof joseErrors.JWTClaimValidationFailed
              ? `The access token's ${e.claim} claim is not accepted`
              : 'The access token is invalid',
        ),
    })
  }
}

/** `Authorization: Bearer <token>` → the token, or a 401 problem. */
export const bearerToken = (header: string | undefined): Effect.Effect<string, HttpProblem> => {
  if (header === undefined || header === '')
    return Effect.fail(unauthorized('Send an access token as a Bearer token'))
  // The scheme is case-insensitive (RFC 9110, 11.1): `bearer …` and `BEARER …` are Bearer tokens.
  const m = /^Bearer +([A-Za-z0-9\-_.~+/]+=*)$/i.exec(header.trim())
  return m?.[1] === undefined
    ? Effect.fail(unauthorized('The Authorization header must be "Bearer <token>"'))
    : Effect.succeed(m[1])
}
