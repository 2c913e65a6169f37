import { describe, expect, it } from 'vitest'
import { GetUser } from '../../../core/application/get-user.js'
import { untyped } from '../../support/untyped.js'
import { failure, makeUser, run, T0, world } from './harness.js'

describe('GetUser', () => {
  it('returns the public profile only: no e-mail, hash or status', async () => {
    const w = world()
    await run(w.users.save(makeUser('usr_ana', { roles: ['guest', 'host'] }), []))
    const p = await run(new GetUser(w).execute({ userId: 'usr_ana' }))
    expect(p).toEqual({
      id: 'usr_ana',
      name: 'User usr_ana',
      bio: '',
      avatarUrl: null,
      languages: ['en'],
      memberSince: T0,
      isHost: true,
    })
    expect(JSON.stringify(p)).not.toContain('example.com')
  })

  it('an unknown user is UserNotFound; a missing id is ValidationFailed', async () => {
    const w = world()
    expect((await failure(new GetUser(w).execute({ userId: 'usr_x' })))._tag).toBe('UserNotFound')
    expect((await failure(new GetUser(w).execute(untyped({}))))._tag).toBe('ValidationFailed')
  })
})
