import { describe, expect, it } from 'vitest'
import { ListGuestProfiles } from '../../../core/application/list-guest-profiles.js'
import { SaveGuestProfile } from '../../../core/application/save-guest-profile.js'
import { systemCaller } from '../../../core/application/support/caller.js'
import { as, failure, run, world } from './harness.js'

describe('ListGuestProfiles', () => {
  it('lists only the caller’s profiles, oldest first', async () => {
    const w = world()
    const save = new SaveGuestProfile(w)
    await run(save.execute(as('usr_ana'), { name: 'First', ageGroup: 'adult' }))
    w.clock.advance(1000)
    await run(save.execute(as('usr_bob'), { name: 'Not Ana’s', ageGroup: 'adult' }))
    await run(save.execute(as('usr_ana'), { name: 'Second', ageGroup: 'infant' }))
    const list = await run(new ListGuestProfiles(w).execute(as('usr_ana')))
    expect(list.map((p) => p.name)).toEqual(['First', 'Second'])
  })

  it('the system caller is Forbidden', async () => {
    expect((await failure(new ListGuestProfiles(world()).execute(systemCaller)))._tag).toBe('Forbidden')
  })
})
