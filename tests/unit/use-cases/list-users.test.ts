import { describe, expect, it } from 'vitest'
import { ListUsers } from '../../../core/application/list-users.js'
import { instant } from '../../../core/domain/shared/time.js'
import { as, failure, makeUser, run, T0, world } from './harness.js'

describe('ListUsers', () => {
  const setup = async () => {
    const w = world()
    for (let i = 1; i <= 5; i++)
      await run(
        w.users.save(makeUser(`usr_${i}`, { email: `u${i}@example.com`, createdAt: instant(T0 + i) }), []),
      )
    return { w, uc: new ListUsers(w) }
  }

  it('pages through every account newest first, without password hashes', async () => {
    const { uc } = await setup()
    const first = await run(uc.execute(as('usr_admin', 'admin'), { limit: 3 }))
    expect(first.items.map((u) => u.id)).toEqual(['usr_5', 'usr_4', 'usr_3'])
    expect(first.items.every((u) => !('passwordHash' in u))).toBe(true)
    expect(first.nextCursor).not.toBeNull()
    const second = await run(uc.execute(as('usr_admin', 'admin'), { limit: 3, cursor: first.nextCursor }))
    expect(second.items.map((u) => u.id)).toEqual(['usr_2', 'usr_1'])
    expect(second.nextCursor).toBeNull()
  })

  it('the default page size applies when no limit is given', async () => {
    const { uc } = await setup()
    expect((await run(uc.execute(as('usr_admin', 'admin'), {}))).items).toHaveLength(5)
  })

  it('a non-admin is Forbidden', async () => {
    const { uc } = await setup()
    expect((await failure(uc.execute(as('usr_1', 'host'), {})))._tag).toBe('Forbidden')
  })

  it('a limit outside 1–100 is ValidationFailed', async () => {
    const { uc } = await setup()
    expect((await failure(uc.execute(as('usr_admin', 'admin'), { limit: 0 })))._tag).toBe('ValidationFailed')
    expect((await failure(uc.execute(as('usr_admin', 'admin'), { limit: 101 })))._tag).toBe(
      'ValidationFailed',
    )
  })
})
