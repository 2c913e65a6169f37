import { describe, expect, it } from 'vitest'
import { userAccount } from '../../../core/application/list-users.js'
import { systemCaller, userCaller } from '../../../core/application/support/caller.js'
import { EMAIL_VERIFICATION_TTL_MS } from '../../../core/application/verify-email.js'
import { asId } from '../../../core/domain/shared/ids.js'
import { addMs, DAY, toIso } from '../../../core/domain/shared/time.js'
import { publicProfile } from '../../../core/domain/users/user.js'
import { untyped } from '../../support/untyped.js'
import {
  accountsWorld,
  latestToken,
  outboxJson,
  patchUser,
  registered,
  secretOf,
  sentOf,
  stored,
} from './accounts-harness.js'
import { failure, run, T0 } from './harness.js'

const ANA = 'ana@example.com'

describe('RegisterUser: e-mail verification link', () => {
  it('sends one email_verification e-mail carrying <userId>.<secret>, valid for 48 h', async () => {
    const a = accountsWorld()
    const { user } = await registered(a, ANA)
    const sent = sentOf(a, 'email_verification', ANA)
    expect(sent).toHaveLength(1)
    const n = sent[0]!
    expect(n.channel).toBe('email')
    expect(EMAIL_VERIFICATION_TTL_MS).toBe(2 * DAY)
    const token = latestToken(a, 'email_verification', ANA)
    expect(token.startsWith(`${user.id}.`)).toBe(true)
    expect(n.data).toEqual({ userId: user.id, token, expiresAt: toIso(addMs(T0, 2 * DAY)) })
    const digest = a.w.secrets.digest(secretOf(token))
    expect(n.dedupeKey).toBe(`verify:${user.id}:${digest.slice(0, 16)}`)
  })

  it('stores only the digest of the secret, and the registered event carries neither', async () => {
    const a = accountsWorld()
    const { user } = await registered(a, ANA)
    const secret = secretOf(latestToken(a, 'email_verification', ANA))
    const u = await stored(a, user.id)
    expect(u.emailVerification).toEqual({
      digest: a.w.secrets.digest(secret),
      expiresAt: addMs(T0, 2 * DAY),
    })
    expect(JSON.stringify(u)).not.toContain(secret)
    expect(u.emailVerifiedAt).toBeNull()
    expect(u.passwordReset).toBeNull()
    const events = a.w.outbox.pendingEvents()
    expect(events.map((e) => e.type)).toEqual(['innkeeper.user.registered.v1'])
    expect(events[0]?.data).toEqual({ userId: user.id, email: ANA })
    expect(outboxJson(a)).not.toContain(secret)
    expect(outboxJson(a)).not.toContain(a.w.secrets.digest(secret))
  })

  it('neither the public profile nor the admin view of an account shows the pending links', async () => {
    const a = accountsWorld()
    const { user } = await registered(a, ANA)
    const u = await patchUser(a, user.id, {
      passwordReset: { digest: 'f'.repeat(64), expiresAt: addMs(T0, DAY) },
    })
    for (const view of [publicProfile(u), userAccount(u)]) {
      expect(view).not.toHaveProperty('emailVerification')
      expect(view).not.toHaveProperty('passwordReset')
      expect(view).not.toHaveProperty('passwordHash')
      expect(JSON.stringify(view)).not.toContain(u.emailVerification!.digest)
      expect(JSON.stringify(view)).not.toContain('f'.repeat(64))
    }
  })
})

describe('VerifyEmail', () => {
  it('the link marks the e-mail verified now and is cleared (rule: single use)', async () => {
    const a = accountsWorld()
    const { user } = await registered(a, ANA)
    const token = latestToken(a, 'email_verification', ANA)
    a.w.clock.advance(DAY)
    const verified = await run(a.verifyEmail.execute({ token }))
    expect(verified.emailVerifiedAt).toBe(addMs(T0, DAY))
    expect(verified.emailVerification).toBeNull()
    expect(verified.version).toBe(user.version + 1)
    expect(await stored(a, user.id)).toEqual(verified)
    expect((await failure(a.verifyEmail.execute({ token })))._tag).toBe('VerificationTokenInvalid')
    expect((await stored(a, user.id)).emailVerifiedAt).toBe(addMs(T0, DAY))
  })

  it('expires 48 h after it was sent: valid 1 ms before, VerificationTokenInvalid at 48 h', async () => {
    const a = accountsWorld()
    await registered(a, ANA)
    const token = latestToken(a, 'email_verification', ANA)
    const b = accountsWorld()
    await registered(b, ANA)
    const tokenB = latestToken(b, 'email_verification', ANA)
    a.w.clock.set(addMs(T0, 2 * DAY))
    expect((await failure(a.verifyEmail.execute({ token })))._tag).toBe('VerificationTokenInvalid')
    b.w.clock.set(addMs(T0, 2 * DAY - 1))
    expect((await run(b.verifyEmail.execute({ token: tokenB }))).emailVerifiedAt).toBe(addMs(T0, 2 * DAY - 1))
  })

  it("a tampered secret, another user's id, an unknown user or a malformed token is VerificationTokenInvalid", async () => {
    const a = accountsWorld()
    const { user: ana } = await registered(a, ANA)
    const { user: bob } = await registered(a, 'bob@example.com')
    const token = latestToken(a, 'email_verification', ANA)
    const secret = secretOf(token)
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`
    for (const bad of [
      tampered,
      `${bob.id}.${secret}`,
      `usr_nobody.${secret}`,
      secret,
      `.${secret}`,
      `${ana.id}.`,
      `${ana.id}`,
      'x',
    ])
      expect((await failure(a.verifyEmail.execute({ token: bad })))._tag).toBe('VerificationTokenInvalid')
    expect((await stored(a, ana.id)).emailVerifiedAt).toBeNull()
    expect((await stored(a, bob.id)).emailVerifiedAt).toBeNull()
    // The genuine link still works after all those attempts.
    expect((await run(a.verifyEmail.execute({ token }))).emailVerifiedAt).not.toBeNull()
  })

  it('bad input is ValidationFailed', async () => {
    const a = accountsWorld()
    for (const raw of [
      undefined,
      null,
      {},
      { token: '' },
      { token: 42 },
      { token: 'x'.repeat(513) },
      { token: 'a.b', x: 1 },
    ])
      expect((await failure(a.verifyEmail.execute(untyped(raw))))._tag).toBe('ValidationFailed')
  })
})

describe('ResendVerification', () => {
  it('sends a fresh link that supersedes the earlier one (rule: only the latest link works)', async () => {
    const a = accountsWorld()
    const { user, caller } = await registered(a, ANA)
    const first = latestToken(a, 'email_verification', ANA)
    a.w.clock.advance(DAY)
    await run(a.resendVerification.execute(caller))
    const sent = sentOf(a, 'email_verification', ANA)
    expect(sent).toHaveLength(2)
    const second = latestToken(a, 'email_verification', ANA)
    expect(second).not.toBe(first)
    expect(sent[1]?.dedupeKey).not.toBe(sent[0]?.dedupeKey)
    expect(sent[1]?.data.expiresAt).toBe(toIso(addMs(T0, 3 * DAY)))
    expect((await failure(a.verifyEmail.execute({ token: first })))._tag).toBe('VerificationTokenInvalid')
    expect((await run(a.verifyEmail.execute({ token: second }))).id).toBe(user.id)
    expect(outboxJson(a)).not.toContain(secretOf(second))
  })

  it('does nothing once the e-mail is verified', async () => {
    const a = accountsWorld()
    const { user, caller } = await registered(a, ANA)
    await run(a.verifyEmail.execute({ token: latestToken(a, 'email_verification', ANA) }))
    const before = await stored(a, user.id)
    await run(a.resendVerification.execute(caller))
    expect(await stored(a, user.id)).toEqual(before)
    expect(sentOf(a, 'email_verification', ANA)).toHaveLength(1)
  })

  it('the system caller is Forbidden, an unknown user UserNotFound, a suspended user UserSuspended', async () => {
    const a = accountsWorld()
    const { user, caller } = await registered(a, ANA)
    expect((await failure(a.resendVerification.execute(systemCaller)))._tag).toBe('Forbidden')
    const ghost = userCaller(asId('user', 'usr_ghost'), ['guest'])
    expect((await failure(a.resendVerification.execute(ghost)))._tag).toBe('UserNotFound')
    await patchUser(a, user.id, { status: 'suspended' })
    expect((await failure(a.resendVerification.execute(caller)))._tag).toBe('UserSuspended')
    expect(sentOf(a, 'email_verification', ANA)).toHaveLength(1)
  })
})
