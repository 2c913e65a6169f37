import { randomUUID } from 'node:crypto'
import { Effect, Schema } from 'effect'
import type { Collections } from './collections.js'
import { decodeDocument, mongoCall, mongoCallUnique, SCHEMA_VERSION } from './support.js'

const ChangeMarkDocument = Schema.Struct({
  _id: Schema.String,
  sv: Schema.Literal(SCHEMA_VERSION),
  t: Schema.String,
})

/**
 * A token that changes whenever what it watches is written: every such write replaces it (after
 * the write), so a reader that saw the same token before reading and again later knows nothing it
 * watches changed in between. The listing search hands out listings it read ahead only while the
 * listings' mark is unchanged; a hold trusts a listing's calendar settings it read before only
 * while that listing's mark is.
 */
export class ChangeMark {
  /** `key` names what the mark watches: a collection, or (for a listing's calendar settings) more. */
  constructor(
    private readonly collections: Collections,
    readonly key: string,
  ) {}

  /** The current token ('' before the first write). */
  get read(): Effect.Effect<string> {
    return mongoCall('read change mark', () =>
      this.collections.changeMarks.findOne({ _id: { $eq: this.key } }),
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
          { _id: { $eq: this.key } },
          { sv: SCHEMA_VERSION, t: randomUUID() },
          { upsert: true },
        ),
      ),
    )
  }
}
