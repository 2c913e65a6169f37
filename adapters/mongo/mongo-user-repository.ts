import { Effect, Option, Schema } from 'effect'
import type { DomainEvent } from '../../core/domain/events/events.js'
import { ConcurrentModification, EmailAlreadyRegistered } from '../../core/domain/shared/errors.js'
import type { UserId } from '../../core/domain/shared/ids.js'
import { normalizeEmail, type User } from '../../core/domain/users/user.js'
import type { Clock } from '../../ports/clock.js'
import type { Page, PageRequest } from '../../ports/pagination.js'
import type { UserRepository } from '../../ports/repositories.js'
import { Aggregates, currentDocument, stateText, WRITE } from './aggregates.js'
import type { Collections } from './collections.js'
import { asUser, UserState } from './entity-schemas.js'
import type { RevisionLog } from './revisions.js'
import { decodeDocument, mongoCall, mongoCallUnique, SCHEMA_VERSION } from './support.js'

const UserDocument = currentDocument({
  /** The normalized e-mail. */
  em: Schema.String,
  c: Schema.Finite,
})

const EmailClaim = Schema.Struct({
  _id: Schema.String,
  sv: Schema.Literal(SCHEMA_VERSION),
  u: Schema.String,
  at: Schema.Finite,
})

/**
 * How long an e-mail claim whose owner does not (or no longer) have that address is left alone
 * before another registration may take it: such a claim is either a save in flight (claim written,
 * revision not yet) or what a crash between those two writes left behind.
 */
export const ORPHAN_EMAIL_CLAIM_MS = 10 * 60_000

/**
 * Users. Uniqueness of e-mail rests on a unique `_id`: each address in use has one document in
 * `user_emails` naming its owner, inserted before the user's revision (a refused insert is
 * EmailAlreadyRegistered) and deleted after the owner moved to another address.
 */
export class MongoUserRepository implements UserRepository {
  private readonly store: Aggregates<User, typeof UserState.Type, typeof UserDocument>

  constructor(
    log: RevisionLog,
    private readonly collections: Collections,
    private readonly clock: Clock,
  ) {
    this.store = new Aggregates(log, collections, {
      kind: 'user',
      entity: 'user',
      collection: 'users',
      state: UserState,
      schema: UserDocument,
      entityOf: asUser,
      idOf: (u) => u.id,
      versionOf: (u) => u.version,
      documentOf: (u, seq) => ({
        _id: u.id,
        sv: SCHEMA_VERSION,
        v: u.version,
        seq,
        s: stateText(u),
        em: normalizeEmail(u.email),
        c: u.createdAt,
      }),
    })
  }

  byId(id: UserId): Effect.Effect<Option.Option<User>> {
    return this.store.byId(id)
  }

  byEmail(email: string): Effect.Effect<Option.Option<User>> {
    const key = normalizeEmail(String(email))
    return this.store.find({ em: { $eq: key } }, { _id: 1 }).pipe(
      Effect.flatMap((found) => {
        if (found.length <= 1) return Effect.succeed(Option.fromNullishOr(found[0]))
        // Two users show the address only between a change of address and its roll-forward: the
        // claim says whose it is.
        return this.claimOf(key).pipe(
          Effect.map((claim) => Option.fromNullishOr(found.find((u) => u.id === claim?.u))),
        )
      }),
    )
  }

  list(page: PageRequest): Effect.Effect<Page<User>> {
    return this.store.page({}, 'c', page)
  }

  save(
    user: User,
    events: readonly DomainEvent[],
  ): Effect.Effect<void, ConcurrentModification | EmailAlreadyRegistered> {
    const email = normalizeEmail(user.email)
    return this.previousEmail(user).pipe(
      Effect.flatMap((previous) => {
        if (previous === 'conflict')
          return Effect.fail(new ConcurrentModification({ entity: 'user', id: user.id }))
        const claimsNew = previous !== email
        const claim = claimsNew ? this.claim(email, user.id) : Effect.succeed(false)
        return claim.pipe(
          Effect.flatMap((fresh) =>
            this.store.save(user, events, {
              // A save refused after claiming gives the address back.
              onConflict: fresh ? this.unclaim(email, user.id) : Effect.void,
            }),
          ),
          Effect.tap(() =>
            previous !== null && previous !== email ? this.unclaim(previous, user.id) : Effect.void,
          ),
        )
      }),
    )
  }

  /** The stored user's e-mail (null for a new user), or `conflict` when the version cannot follow it. */
  private previousEmail(user: User): Effect.Effect<string | null | 'conflict'> {
    if (user.version === 1) return Effect.succeed(null)
    return this.store.byId(user.id).pipe(
      Effect.map((stored) => {
        if (Option.isNone(stored)) return 'conflict'
        // A stale current document (a crash between a save's two writes) is no reason to refuse:
        // the revision insert decides; the address is what that document shows.
        return stored.value.version >= user.version ? 'conflict' : normalizeEmail(stored.value.email)
      }),
    )
  }

  private claimOf(email: string): Effect.Effect<typeof EmailClaim.Type | undefined> {
    return mongoCall('find e-mail claim', () =>
      this.collections.userEmails.findOne({ _id: { $eq: email } }),
    ).pipe(
      Effect.map((raw) =>
        raw === null
          ? undefined
          : decodeDocument(EmailClaim, this.collections.userEmails.collectionName, raw),
      ),
    )
  }

  /**
   * Claims `email` for `userId`: true when this call inserted the claim, false when the user already
   * held it; EmailAlreadyRegistered when another user does. A claim whose owner does not have the
   * address and that is older than ORPHAN_EMAIL_CLAIM_MS is taken over (delete it exactly as read,
   * then insert: of two takers only one insert succeeds).
   */
  private claim(email: string, userId: string, attempt = 0): Effect.Effect<boolean, EmailAlreadyRegistered> {
    const now = this.clock.now()
    return mongoCallUnique('claim e-mail', () =>
      this.collections.userEmails.insertOne({ _id: email, sv: SCHEMA_VERSION, u: userId, at: now }, WRITE),
    ).pipe(
      Effect.flatMap((r) => {
        if (!r.duplicate) return Effect.succeed(true)
        return this.claimOf(email).pipe(
          Effect.flatMap((held) => {
            if (held === undefined)
              return attempt < 3
                ? this.claim(email, userId, attempt + 1)
                : Effect.die(new Error('e-mail claim keeps vanishing'))
            if (held.u === userId) return Effect.succeed(false)
            const taken = Effect.fail(new EmailAlreadyRegistered({ email }))
            if (attempt >= 3 || now - held.at < ORPHAN_EMAIL_CLAIM_MS) return taken
            return this.store.byId(held.u).pipe(
              Effect.flatMap((owner) =>
                Option.isSome(owner) && normalizeEmail(owner.value.email) === email
                  ? taken
                  : mongoCall('take over orphaned e-mail claim', () =>
                      this.collections.userEmails.deleteOne({
                        _id: { $eq: email },
                        u: { $eq: held.u },
                        at: { $eq: held.at },
                      }),
                    ).pipe(Effect.flatMap(() => this.claim(email, userId, attempt + 1))),
              ),
            )
          }),
        )
      }),
    )
  }

  private unclaim(email: string, userId: string): Effect.Effect<void> {
    return Effect.asVoid(
      mongoCall('release e-mail claim', () =>
        this.collections.userEmails.deleteOne({ _id: { $eq: email }, u: { $eq: userId } }),
      ),
    )
  }
}
