import { describe, expect, it } from 'vitest'
import { Authenticate } from '../../../core/application/authenticate.js'
import { RegisterUser } from '../../../core/application/register-user.js'
import { untyped } from '../../support/untyped.js'
import { failure, makeUser, run, world } from './harness.js'

const setup = async () => {
  const w = world()
  const user = await run(
    new RegisterUser(w).execute({ email: 'Ana@Example.com', password: 'correct horse battery', name: 'Ana' }),
  )
  let verifies = 0
  const hasher = {
    hash: (plain: string) => w.hasher.hash(plain),
    verify: (plain: string, hash: string) => {
      verifies += 1
      return w.hasher.verify(plain, hash)
    },
  }
  return { w, user, auth: new Authenticate({ users: w.users, hasher }), verifies: () => verifies }
}

describe('Authenticate', () => {
  it('returns the user for the right e-mail (any case, padded) and password', async () => {
    const { auth, user } = await setup()
    const found = await run(auth.execute({ email: '  ANA@example.com ', password: 'correct horse battery' }))
    expect(found.id).toBe(user.id)
  })

  it('a wrong password is InvalidCredentials', async () => {
    const { auth } = await setup()
    const e = await failure(auth.execute({ email: 'ana@example.com', password: 'wrong password!' }))
    expect(e._tag).toBe('InvalidCredentials')
  })

  it('an unknown e-mail is the same InvalidCredentials, after verifying against a dummy hash', async () => {
    const { auth, verifies } = await setup()
    const e = await failure(auth.execute({ email: 'nobody@example.com', password: 'correct horse battery' }))
    expect(e._tag).toBe('InvalidCredentials')
    expect(verifies()).toBe(1)
    await failure(auth.execute({ email: 'nobody2@example.com', password: 'x' }))
    expect(verifies()).toBe(2)
  })

  it('a suspended user with the right password is UserSuspended', async () => {
    const { w, auth, user } = await setup()
    await run(w.users.save({ ...user, status: 'suspended', version: 2 }, []))
    const e = await failure(auth.execute({ email: 'ana@example.com', password: 'correct horse battery' }))
    expect(e._tag).toBe('UserSuspended')
  })

  it('a suspended user with a wrong password learns nothing about the suspension', async () => {
    const { w, auth, user } = await setup()
    await run(w.users.save({ ...user, status: 'suspended', version: 2 }, []))
    const e = await failure(auth.execute({ email: 'ana@example.com', password: 'nope nope nope' }))
    expect(e._tag).toBe('InvalidCredentials')
  })

  it('malformed input is ValidationFailed', async () => {
    const { auth } = await setup()
    const e = await failure(auth.execute(untyped({ email: 'ana@example.com' })))
    expect(e._tag).toBe('ValidationFailed')
    const extra = await failure(auth.execute(untyped({ email: 'a@b.co', password: 'x', admin: true })))
    expect(extra._tag).toBe('ValidationFailed')
  })

  it('a user whose stored hash is unreadable cannot sign in', async () => {
    const w = world()
    await run(w.users.save(makeUser('usr_x', { email: 'x@example.com', passwordHash: 'garbage' }), []))
    const e = await failure(new Authenticate(w).execute({ email: 'x@example.com', password: 'anything' }))
    expect(e._tag).toBe('InvalidCredentials')
  })
})
