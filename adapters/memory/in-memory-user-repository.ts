import { Effect, Option } from 'effect'
import type { DomainEvent } from '../../core/domain/events/events.js'
import { ConcurrentModification, EmailAlreadyRegistered } from '../../core/domain/shared/errors.js'
import type { UserId } from '../../core/domain/shared/ids.js'
import { normalizeEmail, type User } from '../../core/domain/users/user.js'
import type { Page, PageRequest } from '../../ports/pagination.js'
import type { UserRepository } from '../../ports/repositories.js'
import type { InMemoryOutbox } from './in-memory-outbox.js'
import { pageOf, SortedIndex, snapshot, versionFits } from './support.js'

export class InMemoryUserRepository implements UserRepository {
  private readonly users = new Map<string, User>()
  private readonly byEmailIndex = new Map<string, string>()
  private readonly newest = new SortedIndex()

  constructor(private readonly outbox: InMemoryOutbox) {}

  byId(id: UserId): Effect.Effect<Option.Option<User>> {
    return Effect.sync(() => Option.fromNullishOr(this.users.get(id)))
  }

  byEmail(email: string): Effect.Effect<Option.Option<User>> {
    return Effect.sync(() => {
      const id = this.byEmailIndex.get(normalizeEmail(email))
      return Option.fromNullishOr(id === undefined ? undefined : this.users.get(id))
    })
  }

  save(
    user: User,
    events: readonly DomainEvent[],
  ): Effect.Effect<void, ConcurrentModification | EmailAlreadyRegistered> {
    return Effect.suspend((): Effect.Effect<void, ConcurrentModification | EmailAlreadyRegistered> => {
      const stored = this.users.get(user.id)
      if (!versionFits(stored, user.version))
        return Effect.fail(new ConcurrentModification({ entity: 'user', id: user.id }))
      const email = normalizeEmail(user.email)
      const owner = this.byEmailIndex.get(email)
      if (owner !== undefined && owner !== user.id) return Effect.fail(new EmailAlreadyRegistered({ email }))
      const copy = snapshot(user)
      // One synchronous step: record, indexes and outbox.
      if (stored !== undefined) {
        const oldEmail = normalizeEmail(stored.email)
        if (oldEmail !== email) this.byEmailIndex.delete(oldEmail)
      }
      this.users.set(user.id, copy)
      this.byEmailIndex.set(email, user.id)
      this.newest.upsert(user.id, user.createdAt)
      this.outbox.append(events)
      return Effect.void
    })
  }

  list(page: PageRequest): Effect.Effect<Page<User>> {
    return Effect.sync(() => pageOf(this.newest, page, (id) => this.users.get(id)))
  }
}
