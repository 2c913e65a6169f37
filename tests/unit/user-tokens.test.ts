import { describe, expect, it } from 'vitest'
import { asId } from '../../core/domain/shared/ids.js'
import { instant } from '../../core/domain/shared/time.js'
import {
  newPendingToken,
  parseUserToken,
  pendingTokenMatches,
  userToken,
} from '../../core/domain/users/user.js'

const ana = asId('user', 'usr_ana')
const D = 'a'.repeat(64)

describe('user tokens (<userId>.<secret>)', () => {
  it('round-trip: parse splits at the last dot, so ids containing dots survive', () => {
    expect(parseUserToken(userToken(ana, 'S3cr_t-x'))).toEqual({ userId: ana, secret: 'S3cr_t-x' })
    expect(parseUserToken('usr_a.b.secret')).toEqual({ userId: 'usr_a.b', secret: 'secret' })
  })

  it('a token without a dot, or with an empty id or secret, is not a user token', () => {
    for (const bad of ['', 'nodot', '.secret', 'usr_ana.', '.']) expect(parseUserToken(bad)).toBeUndefined()
  })

  it('newPendingToken hands out the secret in the token and keeps only its digest', () => {
    let n = 0
    const gen = { token: () => `secret${++n}`, digest: (s: string) => `digest(${s})` }
    const { token, pending } = newPendingToken(gen, ana, instant(100))
    expect(token).toBe('usr_ana.secret1')
    expect(pending).toEqual({ digest: 'digest(secret1)', expiresAt: 100 })
  })
})

describe('pendingTokenMatches', () => {
  const pending = { digest: D, expiresAt: instant(1_000) }

  it('matches the same digest strictly before expiry', () => {
    expect(pendingTokenMatches(pending, D, instant(999))).toBe(true)
    expect(pendingTokenMatches(pending, D, instant(1_000))).toBe(false)
  })

  it('no pending token, another digest or a digest of another length never matches', () => {
    expect(pendingTokenMatches(null, D, instant(0))).toBe(false)
    expect(pendingTokenMatches(pending, `${'a'.repeat(63)}b`, instant(0))).toBe(false)
    expect(pendingTokenMatches(pending, 'a'.repeat(63), instant(0))).toBe(false)
    expect(pendingTokenMatches(pending, '', instant(0))).toBe(false)
  })
})
