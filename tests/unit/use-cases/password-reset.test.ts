import { Effect, Exit } from 'effect'
import { describe, expect, it } from 'vitest'
import { Authenticate } from '../../../core/application/authenticate.js'
import { PASSWORD_RESET_TTL_MS } from '../../../core/application/request-password-reset.js'
import { addMs, HOUR, toIso } from '../../../core/domain/shared/time.js'
import { untyped } from '../../support/untyped.js'
import {
  type AccountsWorld,
  accountsWorld,
  latestToken,
  outboxJson,
  PASSWORD,
  patchUser,
  registered,
  secretOf,
  sentOf,
  signIn,
  stored,
} from './accounts-harness.js'
import { failure, run, T0 } from './harness.js'

const ANA = 'ana@example.com'
const BOB = 'bob@example.com'
const NEW_PASSWORD = 'a brand new passphrase'

/** Registers Ana and Bob, then has Ana ask for a reset; returns Ana and her reset token. */
const requested = async (a: AccountsWorld) => {
  const { user } = await registered(a, ANA)
  const bob = await registered(a, BOB)
  await run(a.requestPasswordReset.execute({ email: ANA }))
  return { user, bob: bob.user, token: latestToken(a, 'password_reset', ANA) }
}

const signsInWith = async (a: AccountsWorld, password: string): Promise<boolean> =>
  Exit.isSuccess(await Effect.runPromiseExit(new Authenticate(a.w).execute({ email: ANA, password })))

describe('RequestPasswordReset', () => {
  it('e-mails an active user a <userId>.<secret> link valid for 1 h and stores only its digest', async () => {
    const a = accountsWorld()
    const { user, token } = await requested(a)
    expect(PASSWORD_RESET_TTL_MS).toBe(HOUR)
    const [n] = sentOf(a, 'password_reset', ANA)
    expect(n?.channel).toBe('email')
    expect(n?.data).toEqual({ userId: user.id, token, expiresAt: toIso(addMs(T0, HOUR)) })
    expect(token.startsWith(`${user.id}.`)).toBe(true)
    const secret = secretOf(token)
    const u = await stored(a, user.id)
    expect(u.passwordReset).toEqual({ digest: a.w.secrets.digest(secret), expiresAt: addMs(T0, HOUR) })
    expect(JSON.stringify(u)).not.toContain(secret)
  })

  it('writes innkeeper.user.password_reset_requested.v1 with { userId } only: no token, no digest', async () => {
    const a = accountsWorld()
    const { user, token } = await requested(a)
    const events = a.w.outbox
      .pendingEvents()
      .filter((e) => e.type === 'innkeeper.user.password_reset_requested.v1')
    expect(events).toHaveLength(1)
    expect(events[0]?.data).toEqual({ userId: user.id })
    expect(events[0]?.subject).toBe(user.id)
    expect(outboxJson(a)).not.toContain(secretOf(token))
    expect(outboxJson(a)).not.toContain(a.w.secrets.digest(secretOf(token)))
  })

  it('cannot enumerate accounts: unknown, suspended and active e-mails all succeed alike; only the active user is e-mailed', async () => {
    const a = accountsWorld()
    const { user } = await registered(a, ANA)
    const { user: bob } = await registered(a, BOB)
    await patchUser(a, bob.id, { status: 'suspended' })
    const outcomes = await Promise.all(
      [ANA, BOB, 'nobody@example.com'].map((email) =>
        Effect.runPromiseExit(a.requestPasswordReset.execute({ email })),
      ),
    )
    for (const o of outcomes) expect(o).toEqual(Exit.succeed(undefined))
    expect(sentOf(a, 'password_reset', ANA)).toHaveLength(1)
    expect(sentOf(a, 'password_reset', BOB)).toHaveLength(0)
    expect(a.w.notifier.sent().filter((n) => n.template === 'password_reset')).toHaveLength(1)
    expect((await stored(a, bob.id)).passwordReset).toBeNull()
    expect((await stored(a, user.id)).passwordReset).not.toBeNull()
  })

  it('matches the e-mail case-insensitively; malformed input is ValidationFailed', async () => {
    const a = accountsWorld()
    await registered(a, ANA)
    await run(a.requestPasswordReset.execute({ email: 'Ana@Example.COM' }))
    expect(sentOf(a, 'password_reset', ANA)).toHaveLength(1)
    for (const raw of [null, {}, { email: 'not-an-email' }, { email: 3 }, { email: ANA, extra: true }])
      expect((await failure(a.requestPasswordReset.execute(untyped(raw))))._tag).toBe('ValidationFailed')
  })

  it('a new request replaces the earlier link: the old token stops working, the new one works', async () => {
    const a = accountsWorld()
    const { token: first } = await requested(a)
    await run(a.requestPasswordReset.execute({ email: ANA }))
    const second = latestToken(a, 'password_reset', ANA)
    expect(second).not.toBe(first)
    expect(sentOf(a, 'password_reset', ANA)).toHaveLength(2)
    expect((await failure(a.resetPassword.execute({ token: first, newPassword: NEW_PASSWORD })))._tag).toBe(
      'ResetTokenInvalid',
    )
    await run(a.resetPassword.execute({ token: second, newPassword: NEW_PASSWORD }))
    expect(await signsInWith(a, NEW_PASSWORD)).toBe(true)
  })
})

describe('ResetPassword', () => {
  it('sets the new password (the old one stops working) and clears the link', async () => {
    const a = accountsWorld()
    const { user, token } = await requested(a)
    await run(a.resetPassword.execute({ token, newPassword: NEW_PASSWORD }))
    expect(await signsInWith(a, NEW_PASSWORD)).toBe(true)
    expect(await signsInWith(a, PASSWORD)).toBe(false)
    expect((await stored(a, user.id)).passwordReset).toBeNull()
  })

  it('revokes every session of the user, and only theirs', async () => {
    const a = accountsWorld()
    const { token } = await requested(a)
    const s1 = await signIn(a, ANA)
    const s2 = await signIn(a, ANA)
    const bobs = await signIn(a, BOB)
    await run(a.resetPassword.execute({ token, newPassword: NEW_PASSWORD }))
    for (const t of [s1, s2])
      expect((await failure(a.refreshSession.execute({ refreshToken: t })))._tag).toBe('RefreshTokenInvalid')
    expect((await run(a.refreshSession.execute({ refreshToken: bobs }))).user.email).toBe(BOB)
  })

  it('is single use: the same token again is ResetTokenInvalid and the password stays as reset', async () => {
    const a = accountsWorld()
    const { token } = await requested(a)
    await run(a.resetPassword.execute({ token, newPassword: NEW_PASSWORD }))
    expect(
      (await failure(a.resetPassword.execute({ token, newPassword: 'yet another passphrase' })))._tag,
    ).toBe('ResetTokenInvalid')
    expect(await signsInWith(a, NEW_PASSWORD)).toBe(true)
  })

  it('is single use under a race: of two concurrent resets with one token exactly one succeeds', async () => {
    const a = accountsWorld()
    const { token } = await requested(a)
    const [x, y] = await Promise.all([
      Effect.runPromiseExit(a.resetPassword.execute({ token, newPassword: 'first racing passphrase' })),
      Effect.runPromiseExit(a.resetPassword.execute({ token, newPassword: 'second racing passphrase' })),
    ])
    expect([x, y].filter(Exit.isSuccess)).toHaveLength(1)
    const loser = [x, y].find(Exit.isFailure)
    expect(loser && Exit.isFailure(loser) ? JSON.stringify(loser.cause) : '').toContain('ResetTokenInvalid')
    const winner = Exit.isSuccess(x) ? 'first racing passphrase' : 'second racing passphrase'
    expect(await signsInWith(a, winner)).toBe(true)
  })

  it('expires 1 h after the request: valid 1 ms before, ResetTokenInvalid at 1 h', async () => {
    const a = accountsWorld()
    const { token } = await requested(a)
    a.w.clock.set(addMs(T0, HOUR))
    expect((await failure(a.resetPassword.execute({ token, newPassword: NEW_PASSWORD })))._tag).toBe(
      'ResetTokenInvalid',
    )
    a.w.clock.set(addMs(T0, HOUR - 1))
    await run(a.resetPassword.execute({ token, newPassword: NEW_PASSWORD }))
    expect(await signsInWith(a, NEW_PASSWORD)).toBe(true)
  })

  it("a tampered secret, another user's id, an unknown user, no pending reset or a malformed token is ResetTokenInvalid", async () => {
    const a = accountsWorld()
    const { user, bob, token } = await requested(a)
    const secret = secretOf(token)
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`
    for (const bad of [tampered, `${bob.id}.${secret}`, `usr_nobody.${secret}`, secret, `${user.id}.`, 'x'])
      expect((await failure(a.resetPassword.execute({ token: bad, newPassword: NEW_PASSWORD })))._tag).toBe(
        'ResetTokenInvalid',
      )
    expect(await signsInWith(a, PASSWORD)).toBe(true)
    // The genuine link survives the attempts.
    await run(a.resetPassword.execute({ token, newPassword: NEW_PASSWORD }))
  })

  it('the new password follows the registration rule (10-200 characters); a rejected one leaves the link usable', async () => {
    const a = accountsWorld()
    const { token } = await requested(a)
    for (const newPassword of ['too short', 'x'.repeat(201), 42])
      expect((await failure(a.resetPassword.execute(untyped({ token, newPassword }))))._tag).toBe(
        'ValidationFailed',
      )
    for (const raw of [
      null,
      {},
      { token },
      { newPassword: NEW_PASSWORD },
      { token, newPassword: NEW_PASSWORD, x: 1 },
    ])
      expect((await failure(a.resetPassword.execute(untyped(raw))))._tag).toBe('ValidationFailed')
    await run(a.resetPassword.execute({ token, newPassword: 'x'.repeat(10) }))
    expect(await signsInWith(a, 'x'.repeat(10))).toBe(true)
  })

  it('a suspended user with a valid link is UserSuspended and nothing changes', async () => {
    const a = accountsWorld()
    const { user, token } = await requested(a)
    const session = await signIn(a, ANA)
    await patchUser(a, user.id, { status: 'suspended' })
    const before = await stored(a, user.id)
    expect((await failure(a.resetPassword.execute({ token, newPassword: NEW_PASSWORD })))._tag).toBe(
      'UserSuspended',
    )
    expect(await stored(a, user.id)).toEqual(before)
    await patchUser(a, user.id, { status: 'active' })
    expect((await run(a.refreshSession.execute({ refreshToken: session }))).user.id).toBe(user.id)
  })
})
