import { pathToWire } from './wire.js'

/**
 * RFC 9457 problem details. Every error response of the API is one of these, with a stable `code`
 * that clients switch on; `detail` is for humans and may change.
 */
export interface Problem {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly code: string
  readonly detail?: string
  readonly instance?: string
  readonly request_id?: string
  readonly errors?: readonly { readonly path: string; readonly message: string }[]
  readonly [extra: string]: unknown
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/** An HTTP-level failure raised by the adapter itself (auth, content type, rate limit …). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail ?? title)
  }
}

/** Status and title for each of the core's error codes. Unknown codes are treated as bugs (500). */
const coreStatus: Readonly<Record<string, readonly [number, string]>> = {
  validation_failed: [400, 'The request is invalid'],
  cursor_mismatch: [400, 'The cursor belongs to another search'],
  user_not_found: [404, 'User not found'],
  listing_not_found: [404, 'Listing not found'],
  booking_not_found: [404, 'Booking not found'],
  payment_not_found: [404, 'Payment not found'],
  review_not_found: [404, 'Review not found'],
  guest_profile_not_found: [404, 'Guest profile not found'],
  email_already_registered: [409, 'This e-mail is already registered'],
  invalid_credentials: [401, 'Invalid e-mail or password'],
  user_suspended: [403, 'This account is suspended'],
  email_not_verified: [403, 'The e-mail address is not verified'],
  forbidden: [403, 'Not allowed'],
  auto_confirm_not_allowed: [403, 'Not allowed'],
  listing_not_bookable: [409, 'The listing cannot be booked'],
  host_suspended: [409, "The listing's host is suspended"],
  stay_restriction_violated: [422, "The stay breaks the listing's rules"],
  nights_unavailable: [409, 'Some nights are not available'],
  too_many_pending_bookings: [409, 'Too many bookings are waiting for payment or a host'],
  idempotency_key_reused: [422, 'Idempotency key reused'],
  invalid_transition: [409, 'The booking cannot do that in its current state'],
  concurrent_modification: [409, 'The resource changed meanwhile; retry'],
  payment_declined: [402, 'The payment was declined'],
  invalid_provider_event: [400, 'The payment event was rejected'],
  payment_provider_unavailable: [503, 'The payment provider is unavailable; retry later'],
  review_not_allowed: [422, 'A review is not allowed here'],
  review_already_posted: [409, 'A review was already posted'],
  response_already_posted: [409, 'A response was already posted'],
  refresh_token_invalid: [401, 'The refresh token is invalid'],
  refresh_token_reused: [401, 'The refresh token was already used; the session is revoked'],
  session_ended: [401, 'The session was signed out'],
  reset_token_invalid: [400, 'The password reset token is invalid or expired'],
  verification_token_invalid: [400, 'The verification token is invalid or expired'],
}

const FIELDS_HIDDEN = new Set(['_tag', 'code', 'message', 'stack', 'name', 'cause'])

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

/** The core's typed error as a problem, or undefined when it is not one of the core's errors. */
export const problemOfCoreError = (error: unknown): Problem | undefined => {
  if (!isRecord(error) || typeof error.code !== 'string') return undefined
  const entry = coreStatus[error.code]
  if (entry === undefined) return undefined
  const [status, title] = entry
  const extra: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(error)) {
    if (FIELDS_HIDDEN.has(k) || k === 'issues' || k === 'userId') continue
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || Array.isArray(v))
      extra[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = v
  }
  const problem: Problem = {
    type: `https://innkeeper.dev/problems/${error.code.replaceAll('_', '-')}`,
    title,
    status,
    code: error.code,
    detail: typeof error.message === 'string' && error.message !== '' ? error.message : title,
    ...extra,
  }
  if (error.code === 'validation_failed' && Array.isArray(error.issues)) {
    const errors = (error.issues as readonly { path: string; message: string }[]).map((i) => ({
      path: pathToWire(i.path),
      message: i.message,
    }))
    return { ...problem, detail: errors.map((e) => `${e.path || '(body)'}: ${e.message}`).join('; '), errors }
  }
  return problem
}

/**
 * Headers a core error's response carries: `Retry-After` (whole seconds, at least 1) when the
 * error says when to retry.
 */
export const headersOfCoreError = (error: unknown): Record<string, string> =>
  isRecord(error) && typeof error.retryAfterMs === 'number'
    ? { 'Retry-After': String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))) }
    : {}

export const problemOfHttp = (p: HttpProblem): Problem => ({
  type: `https://innkeeper.dev/problems/${p.code.replaceAll('_', '-')}`,
  title: p.title,
  status: p.status,
  code: p.code,
  ...(p.detail === undefined ? {} : { detail: p.detail }),
  ...p.extra,
})

/** A backing service (Redis) could not be reached: nothing was done; retry shortly. */
export const unavailableProblem = (): Problem => ({
  type: 'https://innkeeper.dev/problems/service-unavailable',
  title: 'Service unavailable',
  status: 503,
  code: 'service_unavailable',
  detail: 'A service the API depends on cannot be reached; retry in a few seconds.',
})
export const UNAVAILABLE_RETRY_AFTER_S = '5'

export const internalProblem = (): Problem => ({
  type: 'https://innkeeper.dev/problems/internal-error',
  title: 'Internal error',
  status: 500,
  code: 'internal_error',
  detail: 'Something went wrong on our side; quote the request id when you report it.',
})

export const knownCoreCodes = (): readonly string[] => Object.keys(coreStatus)
