import { describe, expect, it } from 'vitest'
import { ReinstateUser } from '../../../core/application/reinstate-user.js'
import { systemCaller } from '../../../core/application/support/caller.js'
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

describe('SuspendUser', () => {
  it('an admin suspends a user and innkeeper.user.suspended.v1 is written with the change', async () => {
    const { w, suspend } = await setup()
    const u = await run(suspend.execute(admin, { userId: 'usr_ana', reason: 'fraud' }))
    expect(u.status).toBe('suspended')
    expect(u.version).toBe(2)
    const events = w.outbox.pendingEvents()
    expect(events.map((e) => e.type)).toEqual(['innkeeper.user.suspended.v1'])
    expect(events[0]?.data).toEqual({ userId: 'usr_ana', by: 'usr_admin', reason: 'fraud' })
    expect(events[0]?.subject).toBe('usr_ana')
  })

  it('suspending a suspended user is a no-op without a second event', async () => {
    const { w, suspend } = await setup()
    await run(suspend.execute(admin, { userId: 'usr_ana' }))
    const again = await run(suspend.execute(admin, { userId: 'usr_ana' }))
    expect(again.version).toBe(2)
    expect(eventTypes(w)).toEqual(['innkeeper.user.suspended.v1'])
  })

  it('a non-admin (or the system) is Forbidden', async () => {
    const { suspend } = await setup()
    expect((await failure(suspend.execute(as('usr_ana', 'host'), { userId: 'usr_ana' })))._tag).toBe(
      'Forbidden',
    )
    expect((await failure(suspend.execute(systemCaller, { userId: 'usr_ana' })))._tag).toBe('Forbidden')
  })

  it('an admin may not suspend themselves', async () => {
    const { suspend } = await setup()
    expect((await failure(suspend.execute(admin, { userId: 'usr_admin' })))._tag).toBe('Forbidden')
  })

  it('an unknown user is UserNotFound; bad input is ValidationFailed', async () => {
    const { suspend } = await setup()
    expect((await failure(suspend.execute(admin, { userId: 'usr_nobody' })))._tag).toBe('UserNotFound')
    expect((await failure(suspend.execute(admin, { userId: '' })))._tag).toBe('ValidationFailed')
    expect((await failure(suspend.execute(admin, untyped({ userId: 'usr_ana', why: 'x' }))))._tag).toBe(
      'ValidationFailed',
    )
  })
})
