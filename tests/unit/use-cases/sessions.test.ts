import { describe, expect, it } from 'vitest'
import { REFRESH_TOKEN_TTL_MS } from '../../../core/application/start-session.js'
import { systemCaller } from '../../../core/application/support/caller.js'
import { asId } from '../../../core/domain/shared/ids.js'
import { addMs, DAY } from '../../../core/domain/shared/time.js'
import { untyped } from '../../support/untyped.js'
import { accountsWorld, PASSWORD, patchUser, registered, signIn, withAdmin } from './accounts-harness.js'
import { failure, run, T0 } from './harness.js'

const ANA = 'ana@example.com'
const BOB = 'bob@example.com'

describe('StartSession', () => {
  it('signs in and opens a new refresh-token family per sign-in, its token valid 30 days', async () => {
    const a = accountsWorld()
    const { user } = await registered(a, ANA)
    const s = await run(a.startSession.execute({ email: 'ANA@example.com', password: PASSWORD }))
    expect(s.user.id).toBe(user.id)
    expect(REFRESH_TOKEN_TTL_MS).toBe(30 * DAY)
    expect(s.refreshExpiresAt).toBe(addMs(T0, 30 * DAY))
    expect(s.refreshToken).toMatch(/^[A-Za-z0-9_-]{43,}$/)
    const again = await run(a.startSession.execute({ email: ANA, password: PASSWORD }))
    expect(again.refreshToken).not.toBe(s.refreshToken)
    expect(a.seen.issued).toHaveLength(2)
    expect(new Set(a.seen.issued).size).toBe(2)
    for (const f of a.seen.issued) expect(f).toMatch(/^ses_/)
  })

  it('the store keeps the digest of the refresh token, never the token itself', async () => {
    const a = accountsWorld()
    await registered(a, ANA)
    const token = await signIn(a, ANA)
    const next = { tokenHash: 'h-next', expiresAt: addMs(T0, DAY) }
    expect((await failure(a.w.sessions.rotate(token, next, T0)))._tag).toBe('RefreshTokenInvalid')
    expect(await run(a.w.sessions.rotate(a.w.secrets.digest(token), next, T0))).toMatchObject({
      familyId: a.seen.issued[0],
    })
  })

  it('an unknown e-mail and a wrong password are both InvalidCredentials after one hash verification each, and open no session', async () => {
    const a = accountsWorld()
    await registered(a, ANA)
    const before = a.seen.verifications
    const unknown = await failure(a.startSession.execute({ email: 'nobody@example.com', password: PASSWORD }))
    expect(unknown._tag).toBe('InvalidCredentials')
    expect(a.seen.verifications).toBe(before + 1)
    const wrong = await failure(a.startSession.execute({ email: ANA, password: 'not the password' }))
    expect(wrong._tag).toBe('InvalidCredentials')
    expect(a.seen.verifications).toBe(before + 2)
    expect(a.seen.issued).toEqual([])
  })

  it('a suspended user with the right password is UserSuspended and gets no session', async () => {
    const a = accountsWorld()
    const { user } = await registered(a, ANA)
    await patchUser(a, user.id, { status: 'suspended' })
    expect((await failure(a.startSession.execute({ email: ANA, password: PASSWORD })))._tag).toBe(
      'UserSuspended',
    )
    expect(a.seen.issued).toEqual([])
  })

  it('bad input is ValidationFailed', async () => {
    const a = accountsWorld()
    for (const raw of [
      null,
      {},
      { email: ANA },
      { email: ANA, password: 1 },
      { email: ANA, password: 'x', y: 1 },
    ])
      expect((await failure(a.startSession.execute(untyped(raw))))._tag).toBe('ValidationFailed')
  })
})

describe('RefreshSession', () => {
  it('rotates: a new token of the same family, valid 30 days from the refresh', async () => {
    const a = accountsWorld()
    const { user } = await registered(a, ANA)
    const t1 = await signIn(a, ANA)
    a.w.clock.advance(10 * DAY)
    const s2 = await run(a.refreshSession.execute({ refreshToken: t1 }))
    expect(s2.user.id).toBe(user.id)
    expect(s2.refreshToken).not.toBe(t1)
    expect(s2.refreshExpiresAt).toBe(addMs(T0, 40 * DAY))
    a.w.clock.advance(25 * DAY) // past the first token's 30 days, within the second's
    const s3 = await run(a.refreshSession.execute({ refreshToken: s2.refreshToken }))
    expect(s3.user.id).toBe(user.id)
    expect(a.seen.issued).toHaveLength(1)
  })

  it('a reused (already rotated) token is RefreshTokenReused and ends the whole family', async () => {
    const a = accountsWorld()
    await registered(a, ANA)
    const t1 = await signIn(a, ANA)
    const other = await signIn(a, ANA)
    const s2 = await run(a.refreshSession.execute({ refreshToken: t1 }))
    expect((await failure(a.refreshSession.execute({ refreshToken: t1 })))._tag).toBe('RefreshTokenReused')
    expect((await failure(a.refreshSession.execute({ refreshToken: s2.refreshToken })))._tag).toBe(
      'RefreshTokenInvalid',
    )
    // Another sign-in of the same user is another family and still works.
    expect((await run(a.refreshSession.execute({ refreshToken: other }))).refreshToken).toBeTypeOf('string')
  })

  it('a token expires 30 days after it was issued; an unknown token is RefreshTokenInvalid', async () => {
    const a = accountsWorld()
    await registered(a, ANA)
    const t1 = await signIn(a, ANA)
    expect((await failure(a.refreshSession.execute({ refreshToken: 'never-issued' })))._tag).toBe(
      'RefreshTokenInvalid',
    )
    a.w.clock.set(addMs(T0, 30 * DAY))
    expect((await failure(a.refreshSession.execute({ refreshToken: t1 })))._tag).toBe('RefreshTokenInvalid')
  })

  it("a suspended user's refresh fails UserSuspended and revokes that family only", async () => {
    const a = accountsWorld()
    const { user } = await registered(a, ANA)
    const t1 = await signIn(a, ANA)
    const t2 = await signIn(a, ANA)
    const [family1] = a.seen.issued
    await patchUser(a, user.id, { status: 'suspended' }) // suspended behind the use case's back
    expect((await failure(a.refreshSession.execute({ refreshToken: t1 })))._tag).toBe('UserSuspended')
    expect(a.seen.revokedFamilies).toEqual([family1])
    await patchUser(a, user.id, { status: 'active' })
    expect((await run(a.refreshSession.execute({ refreshToken: t2 }))).user.id).toBe(user.id)
  })

  it('a session whose user no longer exists is UserNotFound and its family is revoked', async () => {
    const a = accountsWorld()
    const token = a.w.secrets.token()
    await run(
      a.w.sessions.issue({
        familyId: 'ses_ghost',
        userId: asId('user', 'usr_ghost'),
        tokenHash: a.w.secrets.digest(token),
        expiresAt: addMs(T0, DAY),
      }),
    )
    expect((await failure(a.refreshSession.execute({ refreshToken: token })))._tag).toBe('UserNotFound')
    expect(a.seen.revokedFamilies).toEqual(['ses_ghost'])
  })

  it('bad input is ValidationFailed', async () => {
    const a = accountsWorld()
    for (const raw of [
      null,
      {},
      { refreshToken: '' },
      { refreshToken: 7 },
      { refreshToken: 'x'.repeat(513) },
    ])
      expect((await failure(a.refreshSession.execute(untyped(raw))))._tag).toBe('ValidationFailed')
  })
})

describe('EndSession', () => {
  it('signing out ends that session only: its token no longer refreshes, other sessions do', async () => {
    const a = accountsWorld()
    const { caller } = await registered(a, ANA)
    const t1 = await signIn(a, ANA)
    const t2 = await signIn(a, ANA)
    await run(a.endSession.execute(caller, { refreshToken: t1 }))
    expect(a.seen.revokedFamilies).toEqual([a.seen.issued[0]])
    // Issue 15: after sign-out the token says the session ended (SessionEnded), not reuse.
    const after = await failure(a.refreshSession.execute({ refreshToken: t1 }))
    expect(after._tag).toBe('SessionEnded')
    expect(after.code).toBe('session_ended')
    expect((await run(a.refreshSession.execute({ refreshToken: t2 }))).refreshToken).toBeTypeOf('string')
  })

  it('after sign-out every token of the family, rotated ones included, is SessionEnded, and nothing else is revoked', async () => {
    const a = accountsWorld()
    const { caller } = await registered(a, ANA)
    const t1 = await signIn(a, ANA)
    const t2 = (await run(a.refreshSession.execute({ refreshToken: t1 }))).refreshToken
    await run(a.endSession.execute(caller, { refreshToken: t2 }))
    expect((await failure(a.refreshSession.execute({ refreshToken: t1 })))._tag).toBe('SessionEnded')
    expect((await failure(a.refreshSession.execute({ refreshToken: t2 })))._tag).toBe('SessionEnded')
  })

  it('signing out with a rotated token of the family ends the family (after a refresh, the old token still signs out)', async () => {
    const a = accountsWorld()
    const { caller } = await registered(a, ANA)
    const t1 = await signIn(a, ANA)
    const s2 = await run(a.refreshSession.execute({ refreshToken: t1 }))
    // Reuse is surfaced as RefreshTokenInvalid here, but the store has revoked the family.
    expect((await failure(a.endSession.execute(caller, { refreshToken: t1 })))._tag).toBe(
      'RefreshTokenInvalid',
    )
    expect((await failure(a.refreshSession.execute({ refreshToken: s2.refreshToken })))._tag).toBe(
      'RefreshTokenInvalid',
    )
  })

  it("another user's token is RefreshTokenInvalid to the caller, and that leaked session is ended", async () => {
    const a = accountsWorld()
    const { caller: ana } = await registered(a, ANA)
    await registered(a, BOB)
    const bobs = await signIn(a, BOB)
    const bobsOther = await signIn(a, BOB)
    expect((await failure(a.endSession.execute(ana, { refreshToken: bobs })))._tag).toBe(
      'RefreshTokenInvalid',
    )
    expect(a.seen.revokedFamilies).toEqual([a.seen.issued[0]])
    expect(['RefreshTokenInvalid', 'RefreshTokenReused']).toContain(
      (await failure(a.refreshSession.execute({ refreshToken: bobs })))._tag,
    )
    expect((await run(a.refreshSession.execute({ refreshToken: bobsOther }))).refreshToken).toBeTypeOf(
      'string',
    )
  })

  it('an unknown or expired token is RefreshTokenInvalid; the system caller is Forbidden; bad input ValidationFailed', async () => {
    const a = accountsWorld()
    const { caller } = await registered(a, ANA)
    const t1 = await signIn(a, ANA)
    expect((await failure(a.endSession.execute(caller, { refreshToken: 'nope' })))._tag).toBe(
      'RefreshTokenInvalid',
    )
    expect((await failure(a.endSession.execute(systemCaller, { refreshToken: t1 })))._tag).toBe('Forbidden')
    expect((await failure(a.endSession.execute(caller, untyped({ token: t1 }))))._tag).toBe(
      'ValidationFailed',
    )
    a.w.clock.set(addMs(T0, 30 * DAY))
    expect((await failure(a.endSession.execute(caller, { refreshToken: t1 })))._tag).toBe(
      'RefreshTokenInvalid',
    )
    expect(a.seen.revokedFamilies).toEqual([])
  })
})

describe('SuspendUser ends every session', () => {
  it("after a suspension none of the user's refresh tokens works, even once reinstated", async () => {
    const a = accountsWorld()
    const admin = await withAdmin(a)
    const { user } = await registered(a, ANA)
    await registered(a, BOB)
    const t1 = await signIn(a, ANA)
    const t2 = await signIn(a, ANA)
    const bobs = await signIn(a, BOB)
    await run(a.suspendUser.execute(admin, { userId: user.id }))
    await run(a.reinstateUser.execute(admin, { userId: user.id }))
    for (const t of [t1, t2])
      expect((await failure(a.refreshSession.execute({ refreshToken: t })))._tag).toBe('RefreshTokenInvalid')
    expect((await run(a.refreshSession.execute({ refreshToken: bobs }))).user.email).toBe(BOB)
    // Signing in again after reinstatement opens a working session.
    const fresh = await signIn(a, ANA)
    expect((await run(a.refreshSession.execute({ refreshToken: fresh }))).user.id).toBe(user.id)
  })

  it('suspending an already suspended user still revokes sessions (finishes an interrupted suspension)', async () => {
    const a = accountsWorld()
    const admin = await withAdmin(a)
    const { user } = await registered(a, ANA)
    await run(a.suspendUser.execute(admin, { userId: user.id }))
    // A session that slipped in (e.g. issued by a process that crashed before revoking).
    const token = a.w.secrets.token()
    await run(
      a.w.sessions.issue({
        familyId: 'ses_late',
        userId: user.id,
        tokenHash: a.w.secrets.digest(token),
        expiresAt: addMs(T0, DAY),
      }),
    )
    await run(a.suspendUser.execute(admin, { userId: user.id }))
    expect(
      (
        await failure(
          a.w.sessions.rotate(a.w.secrets.digest(token), { tokenHash: 'n', expiresAt: addMs(T0, DAY) }, T0),
        )
      )._tag,
    ).toBe('RefreshTokenInvalid')
  })
})
