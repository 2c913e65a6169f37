import { Result, Schema } from 'effect'
import type { Db, MongoClient } from 'mongodb'
import type { Clock } from '../../ports/clock.js'
import { decodeEnv, redactUrl } from './infrastructure.js'
import type { StorePorts } from './modules.js'

/**
 * Where the repositories, the calendar and the outbox live, from INNKEEPER_* variables:
 *
 * | variable             | values                     | default                               |
 * |----------------------|----------------------------|---------------------------------------|
 * | INNKEEPER_STORE      | memory, mongo              | memory                                |
 * | INNKEEPER_MONGO_URL  | mongodb[+srv]://…          | mongodb://127.0.0.1:27017 (with mongo)|
 * | INNKEEPER_MONGO_DB   | database name              | innkeeper (with mongo)                |
 */
export const StoreEnv = Schema.Struct({
  INNKEEPER_STORE: Schema.optionalKey(
    Schema.Literals(['memory', 'mongo']).annotate({ message: 'Expected one of: memory, mongo' }),
  ),
  INNKEEPER_MONGO_URL: Schema.optionalKey(
    Schema.String.check(
      Schema.makeFilter(
        (s: string) => {
          try {
            const u = new URL(s)
            return (u.protocol === 'mongodb:' || u.protocol === 'mongodb+srv:') && u.host !== ''
          } catch {
            return false
          }
        },
        { message: 'Expected a MongoDB connection string (mongodb:// or mongodb+srv://) with a host' },
      ),
    ),
  ),
  INNKEEPER_MONGO_DB: Schema.optionalKey(
    Schema.String.check(
      Schema.makeFilter((s: string) => /^[A-Za-z0-9_-]{1,63}$/.test(s), {
        message: 'Expected a database name: 1 to 63 letters, digits, dashes or underscores',
      }),
    ),
  ),
})

export type StoreConfig =
  | { readonly kind: 'memory' }
  | { readonly kind: 'mongo'; readonly url: string; readonly database: string }

export const defaultMongoUrl = 'mongodb://127.0.0.1:27017'

/** Reads the store choice; every bad value is reported as `VARIABLE: what is expected`. */
export const loadStoreConfig = (
  env: Readonly<Record<string, string | undefined>>,
): Result.Result<StoreConfig, string[]> => {
  const decoded = decodeEnv(StoreEnv, env)
  if (Result.isFailure(decoded)) return Result.fail(decoded.failure)
  const e = decoded.success
  if ((e.INNKEEPER_STORE ?? 'memory') === 'memory') {
    const stray = (['INNKEEPER_MONGO_URL', 'INNKEEPER_MONGO_DB'] as const).filter((k) => e[k] !== undefined)
    if (stray.length > 0) return Result.fail(stray.map((k) => `${k}: only read with INNKEEPER_STORE=mongo`))
    return Result.succeed({ kind: 'memory' })
  }
  return Result.succeed({
    kind: 'mongo',
    url: e.INNKEEPER_MONGO_URL ?? defaultMongoUrl,
    database: e.INNKEEPER_MONGO_DB ?? 'innkeeper',
  })
}

/** The connection string without its password, for logs and messages. */
export const redactMongoUrl = (url: string): string => redactUrl(url, 'mongodb url')

/** Start-up could not reach the store: the process must not serve. */
export class StoreUnreachable extends Error {
  readonly _tag = 'StoreUnreachable'
  readonly code = 'store_unreachable'
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach MongoDB at ${url}: ${reason}`)
    this.name = 'StoreUnreachable'
  }
}

/** A connected shared store, owned by the composition root that opened it. */
export interface OpenedStore {
  readonly config: StoreConfig & { readonly kind: 'mongo' }
  readonly client: MongoClient
  readonly db: Db
  /** The adapters on the engine's clock: pass as `createEngine({ store: opened.ports })`. */
  readonly ports: (clock: Clock) => StorePorts
  /** True when the server answers a ping (for `/health/ready`). */
  ping(): Promise<boolean>
  /**
   * Runs `seed` once per database, whatever the number of processes or starts: the first process to
   * insert the marker `_id: key` into `seeds` runs it; the others, and later starts, skip it.
   * Resolves with what `seed` returned, or null when it was already done (or is being done).
   */
  seedOnce<A>(key: string, seed: () => Promise<A>): Promise<A | null>
  close(): Promise<void>
}

export interface OpenStoreOptions {
  /** How long start-up waits for the server (default 5,000 ms). */
  readonly connectTimeoutMs?: number
  /** Shown in the server's connection list (default `innkeeper`). */
  readonly appName?: string
}

/**
 * Connects to MongoDB, checks it answers, and creates the adapters' indexes (idempotent). Fails with
 * `StoreUnreachable` naming the server (without its password) when it cannot. The driver is loaded
 * only here, so the in-memory default never loads it.
 */
export const openStore = async (
  config: StoreConfig & { readonly kind: 'mongo' },
  options: OpenStoreOptions = {},
): Promise<OpenedStore> => {
  const [{ MongoClient, MongoServerError }, mongo] = await Promise.all([
    import('mongodb'),
    import('../../adapters/mongo/index.js'),
  ])
  const timeout = options.connectTimeoutMs ?? 5_000
  const client = new MongoClient(config.url, {
    serverSelectionTimeoutMS: timeout,
    connectTimeoutMS: timeout,
    appName: options.appName ?? 'innkeeper',
  })
  const unreachable = (e: unknown) =>
    new StoreUnreachable(redactMongoUrl(config.url), e instanceof Error ? e.message : String(e))
  const db = client.db(config.database)
  try {
    await client.connect()
    await db.command({ ping: 1 })
    await mongo.ensureIndexes(db)
  } catch (e) {
    await client.close().catch(() => {})
    throw unreachable(e)
  }
  const seeds = db.collection<{ _id: string; at: Date; done?: Date }>('seeds')
  return {
    config,
    client,
    db,
    ports: (clock) => mongo.createMongoAdapters(db, { clock }),
    ping: async () => {
      try {
        const r = await db.command({ ping: 1 }, { timeoutMS: 2_000 })
        return r.ok === 1
      } catch {
        return false
      }
    },
    seedOnce: async (key, seed) => {
      try {
        // The unique _id decides: exactly one process inserts the marker.
        await seeds.insertOne({ _id: key, at: new Date() })
      } catch (e) {
        if (e instanceof MongoServerError && e.code === 11000) return null
        throw e
      }
      const out = await seed()
      await seeds.updateOne({ _id: key }, { $set: { done: new Date() } })
      return out
    },
    close: () => client.close(),
  }
}
