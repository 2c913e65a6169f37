import type { GuestProfileId, UserId } from '../shared/ids.js'
import type { Instant } from '../shared/time.js'

export type Role = 'guest' | 'host' | 'admin'
export type UserStatus = 'active' | 'suspended'

export interface UserProfile {
  readonly bio: string
  readonly avatarUrl: string | null
  readonly phone: string | null
  readonly languages: readonly string[]
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
  readonly ageGroup: 'adult' | 'child' | 'infant'
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
