import { randomUUID } from 'node:crypto'
import { Effect, Schema } from 'effect'
import type { CollectionKey, Collections } from './collections.js'
import { decodeDocument, mongoCall, mongoCallUnique, SCHEMA_VERSION } from './support.js'

const ChangeMarkDocument = Schema.Struct({
  _id: Schema.String,
  sv: Schema.Literal(SCHEMA_VERSION),
  t: Schema.String,
})

/**
 * A token that changes whenever a current document of one collection is written: every write to
 * the collection replaces it (after the document), so a reader that saw the same token before and
 * after knows nothing of that collection changed in between. The listing search reads ahead and
 * hands out what it read only while the token is unchanged.
 */
export class ChangeMark {
  constructor(
    private readonly collections: Collections,
    readonly collection: CollectionKey,
  ) {}

  /** The current token ('' before the first write). */
  get read(): Effect.Effect<string> {
    return mongoCall('read change mark', () =>
      this.collections.changeMarks.findOne({ _id: { $eq: this.collection } }),
    ).pipe(
      Effect.map((raw) =>
        raw === null
          ? ''
          : decodeDocument(ChangeMarkDocument, this.collections.changeMarks.collectionName, raw).t,
      ),
    )
  }

  /** A new token. */
  get bump(): Effect.Effect<void> {
    // Two first bumps at once: the loser's upsert hits the winner's insert; either token will do.
    return Effect.asVoid(
      mongoCallUnique('bump change mark', () =>
        this.collections.changeMarks.replaceOne(
          { _id: { $eq: this.collection } },
          { sv: SCHEMA_VERSION, t: randomUUID() },
          { upsert: true },
        ),
      ),
    )
  }
}
