import { Effect, Schema } from 'effect'
import { AuthenticateInput } from '../../../core/application/authenticate.js'
import { RegisterUserInput } from '../../../core/application/register-user.js'
import type { User } from '../../../core/domain/users/user.js'
import { normalizeEmail } from '../../../core/domain/users/user.js'
import type { HttpProblem } from '../problem.js'
import { defineRoute, type Route } from '../route.js'
import { MeView, meView, TokensView } from '../views.js'
import { bodyAs, limit, noContent, ok, type RouteDeps, tooManyAttempts } from './common.js'

const RefreshInput = Schema.Struct({
  refreshToken: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(512)),
})
const ResetRequestInput = Schema.Struct({ email: Schema.String.check(Schema.isMaxLength(254)) })
const ResetConfirmInput = Schema.Struct({
  token: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(512)),
  newPassword: Schema.String.check(Schema.isMinLength(10), Schema.isMaxLength(200)),
})
const VerifyInput = Schema.Struct({
  token: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(512)),
})

const emailOf = (body: unknown): string =>
  typeof body === 'object' && body !== null && 'email' in body && typeof body.email === 'string'
    ? normalizeEmail(body.email).slice(0, 254)
    : ''

export const authRoutes = (deps: RouteDeps): Route[] => {
  const { useCases: uc, tokens } = deps
  const tokensFor = (session: { user: User; refreshToken: string; refreshExpiresAt: number }) =>
    Effect.map(tokens.sign({ userId: session.user.id, roles: session.user.roles }), (accessToken) => ({
      accessToken,
      tokenType: 'Bearer' as const,
      expiresIn: tokens.ttlSeconds,
      refreshToken: session.refreshToken,
      refreshExpiresIn: Math.max(0, Math.floor((session.refreshExpiresAt - deps.clock.now()) / 1000)),
      user: meView(session.user),
    }))
  const guard = (ip: string, account: string, code: string) =>
    deps.loginLimits === false
      ? Effect.void
      : Effect.andThen(
          limit(deps, `${code}:ip:${ip}`, deps.loginLimits.perIp, code),
          limit(deps, `${code}:account:${account}`, deps.loginLimits.perAccount, code),
        )
  /**
   * A login under the limits: every attempt spends one of the address's tokens; a pair of address
   * and account that is waiting out its delay is refused before the password is checked; a wrong
   * password (or unknown e-mail: the same answer) counts one failure for the pair and lengthens its
   * delay, a success clears it. No limit is keyed on the account alone.
   */
  const throttledLogin = <A, E extends { readonly _tag: string }>(
    ip: string,
    account: string,
    attempt: Effect.Effect<A, E>,
  ): Effect.Effect<A, E | HttpProblem> => {
    const limits = deps.loginLimits
    if (limits === false) return attempt
    const code = 'too_many_login_attempts'
    const pair = `${code}:ip-account:${ip}|${account}`
    return Effect.gen(function* () {
      yield* limit(deps, `${code}:ip:${ip}`, limits.perIp, code)
      const wait = yield* deps.rateLimiter.backoff(pair, limits.perIpAccount)
      if (wait.retryAfterMs > 0) return yield* Effect.fail(tooManyAttempts(code, wait.retryAfterMs))
      const result = yield* Effect.result(attempt)
      if (result._tag === 'Success') {
        yield* deps.rateLimiter.reset(pair)
        return result.success
      }
      if (result.failure._tag === 'InvalidCredentials')
        yield* deps.rateLimiter.recordFailure(pair, limits.perIpAccount)
      return yield* Effect.fail(result.failure)
    })
  }

  return [
    defineRoute({
      method: 'post',
      path: '/auth/register',
      operationId: 'register',
      summary: 'Create an account (guest, or guest and host)',
      description: 'Sends an e-mail verification token through the Notifier.',
      tags: ['auth'],
      auth: 'public',
      body: RegisterUserInput,
      success: { status: 201, description: 'The new account', schema: MeView },
      errors: [409],
      handle: ({ body }) =>
        Effect.map(uc.registerUser.execute(bodyAs(RegisterUserInput, body)), (u) => ok(meView(u))),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/login',
      operationId: 'login',
      summary: 'Exchange e-mail and password for an access token and a refresh token',
      description:
        'Attempts are limited per client address; failed attempts for one account from one address wait a growing delay (429 with Retry-After), cleared by a success. Failures from other addresses never block the account. An unknown e-mail and a wrong password get the same answer.',
      tags: ['auth'],
      auth: 'public',
      body: AuthenticateInput,
      success: { status: 200, description: 'Tokens', schema: TokensView },
      errors: [401, 403],
      handle: ({ body, ip }) =>
        Effect.gen(function* () {
          const session = yield* throttledLogin(
            ip,
            emailOf(body),
            uc.startSession.execute(bodyAs(AuthenticateInput, body)),
          )
          return ok(yield* tokensFor(session))
        }),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/refresh',
      operationId: 'refresh',
      summary: 'Rotate a refresh token: returns new tokens; the old refresh token is spent',
      description: 'Presenting an already rotated refresh token revokes its whole family (reuse detection).',
      tags: ['auth'],
      auth: 'public',
      body: RefreshInput,
      success: { status: 200, description: 'New tokens', schema: TokensView },
      errors: [401, 403],
      handle: ({ body }) =>
        Effect.gen(function* () {
          const session = yield* uc.refreshSession.execute(bodyAs(RefreshInput, body))
          return ok(yield* tokensFor(session))
        }),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout',
      operationId: 'logout',
      summary: "Revoke the refresh token's session family",
      tags: ['auth'],
      auth: 'user',
      body: RefreshInput,
      success: { status: 204, description: 'Logged out' },
      errors: [401, 403],
      handle: ({ caller, body }) =>
        Effect.as(uc.endSession.execute(caller, bodyAs(RefreshInput, body)), noContent),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/password-reset',
      operationId: 'requestPasswordReset',
      summary: 'Send a password reset token to the e-mail, if it belongs to an account',
      description: 'Always 202, whether or not the e-mail is registered.',
      tags: ['auth'],
      auth: 'public',
      body: ResetRequestInput,
      success: { status: 202, description: 'Accepted' },
      errors: [],
      handle: ({ body, ip }) =>
        Effect.gen(function* () {
          yield* guard(ip, emailOf(body), 'too_many_reset_requests')
          yield* uc.requestPasswordReset.execute(bodyAs(ResetRequestInput, body))
          return noContent
        }),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/password-reset/confirm',
      operationId: 'confirmPasswordReset',
      summary: 'Set a new password with a reset token; every session of the account is revoked',
      tags: ['auth'],
      auth: 'public',
      body: ResetConfirmInput,
      success: { status: 204, description: 'Password changed' },
      errors: [403],
      handle: ({ body }) => Effect.as(uc.resetPassword.execute(bodyAs(ResetConfirmInput, body)), noContent),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/verify-email',
      operationId: 'verifyEmail',
      summary: 'Confirm the e-mail address with the token sent at registration',
      tags: ['auth'],
      auth: 'public',
      body: VerifyInput,
      success: { status: 200, description: 'The verified account', schema: MeView },
      errors: [],
      handle: ({ body }) =>
        Effect.map(uc.verifyEmail.execute(bodyAs(VerifyInput, body)), (u) => ok(meView(u))),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/verify-email/resend',
      operationId: 'resendVerification',
      summary: 'Send a fresh e-mail verification token to the signed-in user',
      tags: ['auth'],
      auth: 'user',
      success: { status: 202, description: 'Accepted' },
      errors: [],
      handle: ({ caller }) => Effect.as(uc.resendVerification.execute(caller), noContent),
    }),
  ]
}
