import { describe, expect, it } from 'vitest'
import { createInMemoryEngine } from '../../../apps/composition/in-memory-engine.js'
import { userCaller } from '../../../core/application/support/caller.js'

/** The composition root binds the secret generator and session store into the account use cases. */
describe('account use cases on the wired in-memory engine', () => {
  it('register, verify, sign in, refresh, reset the password (signing out everywhere), sign out', async () => {
    const engine = createInMemoryEngine({ passwordHashCost: 16 })
    const { useCases: uc, run, adapters } = engine
    const email = 'ana@example.com'
    const tokenOf = (template: string): string => {
      const n = adapters.notifier
        .sentTo(email)
        .filter((x) => x.template === template)
        .at(-1)
      return typeof n?.data.token === 'string' ? n.data.token : ''
    }
    const user = await run(uc.registerUser.execute({ email, password: 'correct horse battery', name: 'Ana' }))
    expect(
      (await run(uc.verifyEmail.execute({ token: tokenOf('email_verification') }))).emailVerifiedAt,
    ).toBe(adapters.clock.now())
    const s1 = await run(uc.startSession.execute({ email, password: 'correct horse battery' }))
    const s2 = await run(uc.refreshSession.execute({ refreshToken: s1.refreshToken }))
    await run(uc.requestPasswordReset.execute({ email }))
    await run(
      uc.resetPassword.execute({ token: tokenOf('password_reset'), newPassword: 'another passphrase' }),
    )
    await expect(run(uc.refreshSession.execute({ refreshToken: s2.refreshToken }))).rejects.toMatchObject({
      code: 'refresh_token_invalid',
    })
    const s3 = await run(uc.startSession.execute({ email, password: 'another passphrase' }))
    await run(uc.endSession.execute(userCaller(user.id, user.roles), { refreshToken: s3.refreshToken }))
    await expect(run(uc.refreshSession.execute({ refreshToken: s3.refreshToken }))).rejects.toHaveProperty(
      'code',
    )
    // Relaying the outbox sends the welcome e-mail; no notification but the two links carries a token.
    await engine.tick()
    const withToken = adapters.notifier.sentTo(email).filter((n) => 'token' in n.data)
    expect(withToken.map((n) => n.template)).toEqual(['email_verification', 'password_reset'])
  })
})
