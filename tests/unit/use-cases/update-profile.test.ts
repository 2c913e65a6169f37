import { describe, expect, it } from 'vitest'
import { systemCaller } from '../../../core/application/support/caller.js'
import { UpdateProfile } from '../../../core/application/update-profile.js'
import { untyped } from '../../support/untyped.js'
import { as, failure, makeUser, run, world } from './harness.js'

const setup = async () => {
  const w = world()
  await run(
    w.users.save(
      makeUser('usr_ana', { profile: { bio: 'hi', avatarUrl: null, phone: null, languages: ['en'] } }),
      [],
    ),
  )
  return { w, uc: new UpdateProfile(w) }
}

describe('UpdateProfile', () => {
  it('changes only the fields present and bumps the version', async () => {
    const { w, uc } = await setup()
    w.clock.advance(1000)
    const u = await run(uc.execute(as('usr_ana'), { bio: 'Traveller', languages: ['pt-BR', 'en', 'en'] }))
    expect(u.name).toBe('User usr_ana')
    expect(u.profile).toEqual({ bio: 'Traveller', avatarUrl: null, phone: null, languages: ['pt-BR', 'en'] })
    expect(u.version).toBe(2)
    expect(u.updatedAt).toBe(w.clock.now())
  })

  it('sets and clears nullable fields (avatar, phone) and trims the name', async () => {
    const { uc } = await setup()
    const set = await run(
      uc.execute(as('usr_ana'), {
        name: '  Ana  ',
        avatarUrl: 'https://img.example/a.png',
        phone: '+351 912 345 678',
      }),
    )
    expect(set.name).toBe('Ana')
    expect(set.profile.avatarUrl).toBe('https://img.example/a.png')
    const cleared = await run(uc.execute(as('usr_ana'), { avatarUrl: null, phone: null }))
    expect(cleared.profile.avatarUrl).toBeNull()
    expect(cleared.profile.phone).toBeNull()
  })

  it('rejects unknown keys and invalid values with ValidationFailed', async () => {
    const { uc } = await setup()
    expect((await failure(uc.execute(as('usr_ana'), untyped({ email: 'x@y.z' }))))._tag).toBe(
      'ValidationFailed',
    )
    expect((await failure(uc.execute(as('usr_ana'), { avatarUrl: 'javascript:alert(1)' })))._tag).toBe(
      'ValidationFailed',
    )
    expect((await failure(uc.execute(as('usr_ana'), { name: '   ' })))._tag).toBe('ValidationFailed')
    expect((await failure(uc.execute(as('usr_ana'), { bio: 'x'.repeat(2001) })))._tag).toBe(
      'ValidationFailed',
    )
  })

  it('the system caller is Forbidden', async () => {
    const { uc } = await setup()
    expect((await failure(uc.execute(systemCaller, { bio: 'x' })))._tag).toBe('Forbidden')
  })

  it('a caller without an account is UserNotFound', async () => {
    const { uc } = await setup()
    expect((await failure(uc.execute(as('usr_ghost'), { bio: 'x' })))._tag).toBe('UserNotFound')
  })

  it('retries after losing a race and surfaces ConcurrentModification when it keeps losing', async () => {
    const { w } = await setup()
    let losses = 0
    const flaky = {
      ...w.users,
      byId: w.users.byId.bind(w.users),
      list: w.users.list.bind(w.users),
      byEmail: w.users.byEmail.bind(w.users),
      save: (...args: Parameters<typeof w.users.save>) => {
        losses += 1
        return losses <= 2 ? w.users.save({ ...args[0], version: 99 }, args[1]) : w.users.save(...args)
      },
    }
    const u = await run(new UpdateProfile({ ...w, users: flaky }).execute(as('usr_ana'), { bio: 'won' }))
    expect(u.profile.bio).toBe('won')
    const alwaysLoses = {
      ...flaky,
      save: (...args: Parameters<typeof w.users.save>) => w.users.save({ ...args[0], version: 99 }, args[1]),
    }
    const e = await failure(
      new UpdateProfile({ ...w, users: alwaysLoses }).execute(as('usr_ana'), { bio: 'lost' }),
    )
    expect(e._tag).toBe('ConcurrentModification')
  })
})
