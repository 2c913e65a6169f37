import { randomBytes } from 'node:crypto'
import { Cause, Effect, Exit } from 'effect'
import { type Db, MongoClient, type MongoClientOptions } from 'mongodb'
import { expect } from 'vitest'
import {
  collectionNames,
  createMongoAdapters,
  ensureIndexes,
  MalformedDocument,
} from '../../adapters/mongo/index.js'
import { apiOnSharedStoreTasks } from '../../apps/composition/background.js'
import { createEngine, type Engine } from '../../apps/composition/engine.js'

export interface TestDatabase {
  readonly client: MongoClient
  readonly db: Db
  readonly url: string
  /** Empties every collection of the adapters (indexes stay). */
  clear(): Promise<void>
  /** Drops the database and closes the client. */
  drop(): Promise<void>
}

/**
 * A database of its own for one test file on the server the global setup provides (FerretDB, or
 * MONGO_URL), with the adapters' indexes created. Names carry a random suffix, so files running in
 * parallel, and runs sharing a server, never meet.
 */
export const openTestDatabase = async (
  url: string,
  label: string,
  options: MongoClientOptions = {},
): Promise<TestDatabase> => {
  const client = await MongoClient.connect(url, { serverSelectionTimeoutMS: 10_000, ...options }).catch(
    (e: unknown) => {
      throw new Error(`the MongoDB-wire server at ${url} is not reachable: ${String(e)}`)
    },
  )
  const name = `innkeeper_${label}_${randomBytes(4).toString('hex')}`
  const db = client.db(name)
  await ensureIndexes(db)
  return {
    client,
    db,
    url,
    clear: async () => {
      const emptied = await Promise.all(
        Object.values(collectionNames).map((c) =>
          db
            .collection(c)
            .deleteMany({})
            .then(() => true)
            .catch(() => false),
        ),
      )
      // FerretDB deletes all of a collection with one SQL statement whose parameters (one per
      // document) may not pass 65,535: after the 70,000-hold case of test:deep, `deleteMany({})`
      // fails. Then the collections are dropped and made again with their indexes.
      if (emptied.includes(false)) {
        await Promise.all(
          Object.values(collectionNames).map((c) =>
            db
              .collection(c)
              .drop()
              .catch(() => false),
          ),
        )
        await ensureIndexes(db)
      }
    },
    drop: async () => {
      await db.dropDatabase().catch(() => {})
      await client.close()
    },
  }
}

/** Runs an effect that must die with MalformedDocument; returns it. */
export const malformed = async (effect: Effect.Effect<unknown, unknown>): Promise<MalformedDocument> => {
  const exit = await Effect.runPromiseExit(effect)
  expect(Exit.isFailure(exit)).toBe(true)
  const defect = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
  expect(defect).toBeInstanceOf(MalformedDocument)
  return defect as MalformedDocument
}

/**
 * An engine on `db` as one process of a deployment would have it: the Mongo store, the rest in
 * memory. `background: false` makes it an API process on a shared store (webhooks only).
 */
export const engineOnMongo = (db: Db, start: number, namespace: string, background = true): Engine =>
  createEngine({
    start,
    passwordHashCost: 1024,
    idNamespace: namespace,
    store: (clock) => createMongoAdapters(db, { clock }),
    ...(background ? {} : { background: apiOnSharedStoreTasks }),
  })
