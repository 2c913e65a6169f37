import { describe, expect, it } from 'vitest'
import { ReinstateUser } from '../../../core/application/reinstate-user.js'
import { RelayOutbox } from '../../../core/application/relay-outbox.js'
import { SuspendUser } from '../../../core/application/suspend-user.js'
import { admin, failure, makeUser, run, world } from './harness.js'

/** Three events in the outbox: suspended, reinstated, suspended. */
const setup = async () => {
  const w = world()
  await run(w.users.save(makeUser('usr_ana'), []))
  const suspend = new SuspendUser(w)
  await run(suspend.execute(admin, { userId: 'usr_ana' }))
  await run(new ReinstateUser(w).execute(admin, { userId: 'usr_ana' }))
  await run(suspend.execute(admin, { userId: 'usr_ana' }))
  return { w, uc: new RelayOutbox(w) }
}

describe('RelayOutbox', () => {
  it('publishes pending events in outbox order and marks them sent', async () => {
    const { w, uc } = await setup()
    const ids = w.outbox.pendingEvents().map((e) => e.id)
    expect(await run(uc.execute({ batchSize: 10 }))).toEqual({ published: 3, failed: 0 })
    expect(w.publisher.published().map((e) => e.id)).toEqual(ids)
    expect(w.outbox.pendingEvents()).toEqual([])
    expect(await run(uc.execute({ batchSize: 10 }))).toEqual({ published: 0, failed: 0 })
  })

  it('takes at most batchSize events per run, oldest first', async () => {
    const { w, uc } = await setup()
    expect(await run(uc.execute({ batchSize: 2 }))).toEqual({ published: 2, failed: 0 })
    expect(w.outbox.pendingEvents()).toHaveLength(1)
    expect(await run(uc.execute({ batchSize: 2 }))).toEqual({ published: 1, failed: 0 })
    expect(w.publisher.published().map((e) => e.type)).toEqual([
      'innkeeper.user.suspended.v1',
      'innkeeper.user.reinstated.v1',
      'innkeeper.user.suspended.v1',
    ])
  })

  it('when the broker does not confirm, the events stay pending with an attempt counted, and go out next run', async () => {
    const { w, uc } = await setup()
    w.publisher.failNext()
    expect(await run(uc.execute({ batchSize: 10 }))).toEqual({ published: 0, failed: 3 })
    expect(w.outbox.pendingEvents()).toHaveLength(3)
    const attempts = (await run(w.outbox.pending(10))).map((e) => e.attempts)
    expect(attempts).toEqual([1, 1, 1])
    expect(await run(uc.execute({ batchSize: 10 }))).toEqual({ published: 3, failed: 0 })
  })

  it('a batch size outside 1–1000 is ValidationFailed', async () => {
    const { uc } = await setup()
    expect((await failure(uc.execute({ batchSize: 0 })))._tag).toBe('ValidationFailed')
    expect((await failure(uc.execute({ batchSize: 1001 })))._tag).toBe('ValidationFailed')
  })
})
