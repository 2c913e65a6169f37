import { asId, type GuestProfileId, type UserId } from '../shared/ids.js'
import type { Instant } from '../shared/time.js'

export const userRoles = ['guest', 'host', 'admin'] as const
export type Role = (typeof userRoles)[number]
export const userStatuses = ['active', 'suspended'] as const
export type UserStatus = (typeof userStatuses)[number]
/** Who a saved guest profile is, for the host's house rules and the guest count. */
export const ageGroups = ['adult', 'child', 'infant'] as const
export type AgeGroup = (typeof ageGroups)[number]

export interface UserProfile {
  readonly bio: string
  readonly avatarUrl: string | null
  readonly phone: string | null
  readonly languages: readonly string[]
  /**
   * Where a host's payouts go: their connected account at the payout provider (Stripe Connect's
   * `acct_…`). Absent or null: payable balances wait until it is set.
   */
  readonly payoutAccountId?: string | null
}

/**
 * A single-use secret sent to the user (an e-mail verification or password-reset link), kept only
 * as its digest. It is live while the clock is before `expiresAt`.
 */
export interface PendingToken {
  readonly digest: string
  readonly expiresAt: Instant
}

export interface User {
  readonly id: UserId
  /** Normalized: trimmed and lower-cased; unique across users. */
  readonly email: string
  readonly name: string
  readonly roles: readonly Role[]
  readonly profile: UserProfile
  readonly status: UserStatus
  readonly emailVerifiedAt: Instant | null
  /** The outstanding e-mail verification link. Internal: never part of a view. */
  readonly emailVerification: PendingToken | null
  /** The outstanding password-reset link. Internal: never part of a view. */
  readonly passwordReset: PendingToken | null
  readonly passwordHash: string
  readonly createdAt: Instant
  readonly updatedAt: Instant
  readonly version: number
}

/** A traveller a user books for often ("saved guest profile"). */
export interface GuestProfile {
  readonly id: GuestProfileId
  readonly ownerId: UserId
  readonly name: string
  readonly email: string | null
  readonly ageGroup: AgeGroup
  readonly createdAt: Instant
}

export const normalizeEmail = (raw: string): string => raw.trim().toLowerCase()
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export const hasRole = (u: Pick<User, 'roles'>, role: Role): boolean => u.roles.includes(role)

/** The user as others may see them: no e-mail, no hash, no status internals. */
export interface PublicProfile {
  readonly id: UserId
  readonly name: string
  readonly bio: string
  readonly avatarUrl: string | null
  readonly languages: readonly string[]
  readonly memberSince: Instant
  readonly isHost: boolean
}
export const publicProfile = (u: User): PublicProfile => ({
  id: u.id,
  name: u.name,
  bio: u.profile.bio,
  avatarUrl: u.profile.avatarUrl,
  languages: u.profile.languages,
  memberSince: u.createdAt,
  isHost: hasRole(u, 'host'),
})

/**
 * A token handed to a user (reset or verification link): `<userId>.<secret>`, so the holder's
 * record is found by id and the secret's digest compared with the stored one.
 */
export const userToken = (userId: UserId, secret: string): string => `${userId}.${secret}`

/** Splits a `<userId>.<secret>` token at its last dot; `undefined` when either part is empty. */
export const parseUserToken = (
  raw: string,
): { readonly userId: UserId; readonly secret: string } | undefined => {
  const dot = raw.lastIndexOf('.')
  if (dot <= 0 || dot === raw.length - 1) return undefined
  return { userId: asId('user', raw.slice(0, dot)), secret: raw.slice(dot + 1) }
}

/**
 * A fresh single-use link for a user: the token to send (`<userId>.<secret>`) and the pending
 * record to store in its place (the secret's digest and when it expires).
 */
export const newPendingToken = (
  secrets: { token(): string; digest(secret: string): string },
  userId: UserId,
  expiresAt: Instant,
): { readonly token: string; readonly pending: PendingToken } => {
  const secret = secrets.token()
  return { token: userToken(userId, secret), pending: { digest: secrets.digest(secret), expiresAt } }
}

/** Equal strings, compared without stopping at the first difference. */
const sameDigest = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/** Whether `pending` is live at `now` and is the one whose secret digests to `digest`. */
export const pendingTokenMatches = (pending: PendingToken | null, digest: string, now: Instant): boolean =>
  pending !== null && now < pending.expiresAt && sameDigest(pending.digest, digest)
