import { Effect, Schema } from 'effect'
import type { GuestProfileId, UserId } from '../../core/domain/shared/ids.js'
import type { GuestProfile } from '../../core/domain/users/user.js'
import type { GuestProfileRepository } from '../../ports/repositories.js'
import { WRITE } from './aggregates.js'
import type { Collections } from './collections.js'
import { asGuestProfile, GuestProfileState } from './entity-schemas.js'
import {
  decodeDocument,
  decodeStored,
  isDuplicateKey,
  MongoCommandFailed,
  mongoCall,
  SCHEMA_VERSION,
} from './support.js'

const GuestProfileDocument = Schema.Struct({
  _id: Schema.String,
  sv: Schema.Literal(SCHEMA_VERSION),
  o: Schema.String,
  s: Schema.String,
})

/** Saved guest profiles: one document each, replaced whole on save (last write wins). */
export class MongoGuestProfileRepository implements GuestProfileRepository {
  constructor(private readonly collections: Collections) {}

  byOwner(ownerId: UserId): Effect.Effect<readonly GuestProfile[]> {
    return mongoCall('find guest profiles', () =>
      this.collections.guestProfiles
        .find({ o: { $eq: String(ownerId) } })
        .sort({ _id: 1 })
        .toArray(),
    ).pipe(
      Effect.map((docs) =>
        docs.map((raw) => {
          const name = this.collections.guestProfiles.collectionName
          const d = decodeDocument(GuestProfileDocument, name, raw)
          return asGuestProfile(decodeStored(GuestProfileState, name, d._id, 's', d.s))
        }),
      ),
    )
  }

  save(profile: GuestProfile): Effect.Effect<void> {
    const doc = { _id: profile.id, sv: SCHEMA_VERSION, o: profile.ownerId, s: JSON.stringify(profile) }
    const replace = () =>
      this.collections.guestProfiles.replaceOne({ _id: { $eq: String(profile.id) } }, doc, {
        upsert: true,
        ...WRITE,
      })
    // Two first saves of one id at once: the upsert that loses the insert race replaces instead.
    return Effect.asVoid(
      Effect.tryPromise({
        try: async () => {
          try {
            return await replace()
          } catch (e) {
            if (isDuplicateKey(e)) return await replace()
            throw e
          }
        },
        catch: (cause) => new MongoCommandFailed({ operation: 'save guest profile', cause }),
      }).pipe(Effect.orDie),
    )
  }

  delete(ownerId: UserId, id: GuestProfileId): Effect.Effect<boolean> {
    return mongoCall('delete guest profile', () =>
      this.collections.guestProfiles.deleteOne({ _id: { $eq: String(id) }, o: { $eq: String(ownerId) } }),
    ).pipe(Effect.map((r) => r.deletedCount > 0))
  }
}
