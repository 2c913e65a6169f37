import { Cause, Effect, Exit } from 'effect'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { untyped } from '../../support/untyped.js'
import { accountsWorld, latestToken, PASSWORD, registered, signIn } from './accounts-harness.js'
import { run } from './harness.js'

/**
 * Bad input gets a typed error, never a crash: each account use case that takes untrusted input
 * is fed anything at all, and valid inputs with one field replaced by anything (token-shaped
 * strings included), and must succeed or fail with a tagged error carrying a stable `code`.
 */
const RUNS = process.env.INNKEEPER_DEEP === '1' ? 3_000 : 150

const nasty = fc.oneof(
  fc.anything(),
  fc.constantFrom(
    '',
    '.',
    '..',
    'usr_000001.',
    '.secret',
    'usr_000001..x',
    'x'.repeat(100_000),
    '__proto__',
    null,
    [],
    {},
  ),
  fc
    .tuple(fc.constantFrom('usr_000001', 'usr_000002', 'usr_zzz', ''), fc.string())
    .map(([u, s]) => `${u}.${s}`),
  fc.string(),
  fc.integer(),
)

const near = (valid: Record<string, unknown>) =>
  fc.oneof(
    nasty,
    fc
      .record({ key: fc.constantFrom(...Object.keys(valid), 'unknownField', '__proto__'), value: nasty })
      .map(({ key, value }) => {
        const copy: Record<string, unknown> = { ...valid }
        Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true })
        return copy
      }),
  )

describe('account use cases never crash on untrusted input', () => {
  it(`random and near-valid input gets a typed error or success (${RUNS} runs)`, async () => {
    const a = accountsWorld()
    const { caller } = await registered(a, 'ana@example.com')
    await run(a.requestPasswordReset.execute({ email: 'ana@example.com' }))
    const verification = latestToken(a, 'email_verification', 'ana@example.com')
    const reset = latestToken(a, 'password_reset', 'ana@example.com')
    const refresh = await signIn(a, 'ana@example.com')
    const targets: Record<
      string,
      { valid: Record<string, unknown>; run: (i: unknown) => Effect.Effect<unknown, unknown> }
    > = {
      startSession: {
        valid: { email: 'ana@example.com', password: PASSWORD },
        run: (i) => a.startSession.execute(untyped(i)),
      },
      refreshSession: { valid: { refreshToken: refresh }, run: (i) => a.refreshSession.execute(untyped(i)) },
      endSession: { valid: { refreshToken: refresh }, run: (i) => a.endSession.execute(caller, untyped(i)) },
      requestPasswordReset: {
        valid: { email: 'ana@example.com' },
        run: (i) => a.requestPasswordReset.execute(untyped(i)),
      },
      resetPassword: {
        valid: { token: reset, newPassword: 'a new passphrase' },
        run: (i) => a.resetPassword.execute(untyped(i)),
      },
      verifyEmail: { valid: { token: verification }, run: (i) => a.verifyEmail.execute(untyped(i)) },
    }
    const names = Object.keys(targets)
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names).chain((name) => fc.tuple(fc.constant(name), near(targets[name]!.valid))),
        async ([name, raw]) => {
          const exit = await Effect.runPromiseExit(targets[name]!.run(raw))
          if (Exit.isSuccess(exit)) return
          const failure = Cause.findErrorOption(exit.cause)
          expect(failure._tag, `${name} crashed: ${Cause.prettyErrors(exit.cause)}`).toBe('Some')
          if (failure._tag === 'Some') {
            const e = failure.value as { code?: unknown; _tag?: unknown }
            expect(typeof e.code, `${name}: error without a code`).toBe('string')
            expect(typeof e._tag).toBe('string')
          }
        },
      ),
      { numRuns: RUNS },
    )
  }, 120_000)
})
