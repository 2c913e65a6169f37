import { Effect, Option } from 'effect'
import { EndSession } from '../../../core/application/end-session.js'
import { RefreshSession } from '../../../core/application/refresh-session.js'
import { RegisterUser } from '../../../core/application/register-user.js'
import { ReinstateUser } from '../../../core/application/reinstate-user.js'
import { RequestPasswordReset } from '../../../core/application/request-password-reset.js'
import { ResendVerification } from '../../../core/application/resend-verification.js'
import { ResetPassword } from '../../../core/application/reset-password.js'
import { StartSession } from '../../../core/application/start-session.js'
import { type Caller, userCaller } from '../../../core/application/support/caller.js'
import { SuspendUser } from '../../../core/application/suspend-user.js'
import { VerifyEmail } from '../../../core/application/verify-email.js'
import type { UserId } from '../../../core/domain/shared/ids.js'
import type { User } from '../../../core/domain/users/user.js'
import type { Notification, NotificationTemplate } from '../../../ports/notifier.js'
import type { PasswordHasher } from '../../../ports/password-hasher.js'
import type { SessionStore } from '../../../ports/session-store.js'
import { makeUser, run, world } from './harness.js'

export const PASSWORD = 'correct horse battery staple'

/**
 * The account use cases on the in-memory world, with the password hasher and the session store
 * observed: how many hash verifications ran, which families were issued and revoked.
 */
export const accountsWorld = () => {
  const w = world()
  const seen = { verifications: 0, issued: [] as string[], revokedFamilies: [] as string[] }
  const hasher: PasswordHasher = {
    hash: (plain) => w.hasher.hash(plain),
    verify: (plain, hash) =>
      Effect.suspend(() => {
        seen.verifications++
        return w.hasher.verify(plain, hash)
      }),
  }
  const sessions: SessionStore = {
    issue: (s) =>
      Effect.suspend(() => {
        seen.issued.push(s.familyId)
        return w.sessions.issue(s)
      }),
    rotate: (presented, next, now) => w.sessions.rotate(presented, next, now),
    revokeFamily: (familyId) =>
      Effect.suspend(() => {
        seen.revokedFamilies.push(familyId)
        return w.sessions.revokeFamily(familyId)
      }),
    endFamily: (familyId) =>
      Effect.suspend(() => {
        seen.revokedFamilies.push(familyId)
        return w.sessions.endFamily(familyId)
      }),
    revokeUser: (userId) => w.sessions.revokeUser(userId),
  }
  const deps = { ...w, hasher, sessions }
  return {
    w,
    seen,
    register: new RegisterUser(deps),
    verifyEmail: new VerifyEmail(deps),
    resendVerification: new ResendVerification(deps),
    startSession: new StartSession(deps),
    refreshSession: new RefreshSession(deps),
    endSession: new EndSession(deps),
    requestPasswordReset: new RequestPasswordReset(deps),
    resetPassword: new ResetPassword(deps),
    suspendUser: new SuspendUser(deps),
    reinstateUser: new ReinstateUser(deps),
  }
}
export type AccountsWorld = ReturnType<typeof accountsWorld>

/** Registers `email` with PASSWORD; returns the user and the caller acting as them. */
export const registered = async (
  a: AccountsWorld,
  email: string,
): Promise<{ user: User; caller: Caller }> => {
  const user = await run(
    a.register.execute({ email, password: PASSWORD, name: email.split('@')[0] ?? email }),
  )
  return { user, caller: userCaller(user.id, user.roles) }
}

/** Signs `email` in with PASSWORD; returns the refresh token. */
export const signIn = async (a: AccountsWorld, email: string): Promise<string> =>
  (await run(a.startSession.execute({ email, password: PASSWORD }))).refreshToken

/** The notifications of one template sent to `to`, oldest first. */
export const sentOf = (a: AccountsWorld, template: NotificationTemplate, to: string): Notification[] =>
  a.w.notifier.sentTo(to).filter((n) => n.template === template)

/** The token carried by the latest notification of `template` to `to`. */
export const latestToken = (a: AccountsWorld, template: NotificationTemplate, to: string): string => {
  const n = sentOf(a, template, to).at(-1)
  if (n === undefined || typeof n.data.token !== 'string') throw new Error(`no ${template} token for ${to}`)
  return n.data.token
}

/** The secret part of a `<userId>.<secret>` token. */
export const secretOf = (token: string): string => token.slice(token.lastIndexOf('.') + 1)

export const stored = async (a: AccountsWorld, id: UserId): Promise<User> => {
  const u = await run(a.w.users.byId(id))
  if (Option.isNone(u)) throw new Error(`no user ${id}`)
  return u.value
}

/** Changes a stored user directly (bypassing the use cases, e.g. to suspend without revoking). */
export const patchUser = async (a: AccountsWorld, id: UserId, patch: Partial<User>): Promise<User> => {
  const u = await stored(a, id)
  const next = { ...u, ...patch, version: u.version + 1 }
  await run(a.w.users.save(next, []))
  return next
}

/** An admin, stored, to suspend and reinstate users. */
export const withAdmin = async (a: AccountsWorld): Promise<Caller> => {
  const admin = makeUser('usr_admin', { roles: ['admin'] })
  await run(a.w.users.save(admin, []))
  return userCaller(admin.id, admin.roles)
}

/** Every event written to the outbox, as JSON (to search for secrets that must not be there). */
export const outboxJson = (a: AccountsWorld): string => JSON.stringify(a.w.outbox.pendingEvents())
