import { describe, expect, it } from 'vitest'
import { ReinstateUser } from '../../../core/application/reinstate-user.js'
import { SuspendUser } from '../../../core/application/suspend-user.js'
import { untyped } from '../../support/untyped.js'
import { as, eventTypes, failure, makeUser, run, world } from './harness.js'

const admin = as('usr_admin', 'admin')

const setup = async () => {
  const w = world()
  await run(w.users.save(makeUser('usr_ana'), []))
  await run(w.users.save(makeUser('usr_admin', { roles: ['admin'] }), []))
  return { w, suspend: new SuspendUser(w), reinstate: new ReinstateUser(w) }
}

describe('ReinstateUser', () => {
  it('an admin reinstates a suspended user and innkeeper.user.reinstated.v1 is written', async () => {
    const { w, suspend, reinstate } = await setup()
    await run(suspend.execute(admin, { userId: 'usr_ana' }))
    const u = await run(reinstate.execute(admin, { userId: 'usr_ana' }))
    expect(u.status).toBe('active')
    expect(u.version).toBe(3)
    expect(eventTypes(w)).toEqual(['innkeeper.user.suspended.v1', 'innkeeper.user.reinstated.v1'])
  })

  it('reinstating an active user is a no-op without an event', async () => {
    const { w, reinstate } = await setup()
    const u = await run(reinstate.execute(admin, { userId: 'usr_ana' }))
    expect(u.version).toBe(1)
    expect(eventTypes(w)).toEqual([])
  })

  it('a non-admin is Forbidden; an unknown user is UserNotFound; bad input is ValidationFailed', async () => {
    const { reinstate } = await setup()
    expect((await failure(reinstate.execute(as('usr_ana'), { userId: 'usr_ana' })))._tag).toBe('Forbidden')
    expect((await failure(reinstate.execute(admin, { userId: 'usr_nobody' })))._tag).toBe('UserNotFound')
    expect((await failure(reinstate.execute(admin, untyped({}))))._tag).toBe('ValidationFailed')
  })
})
