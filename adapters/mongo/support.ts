import { Data, Effect, Result, Schema, SchemaIssue } from 'effect'
import { MongoBulkWriteError, MongoServerError } from 'mongodb'

/**
 * A MongoDB command failed: the server is unreachable, timed out, or answered with an error the
 * adapter does not expect. The ports have no error channel for infrastructure, so the adapters
 * raise it as a defect (`Effect.die`); the HTTP layer turns defects into 5xx responses.
 */
export class MongoCommandFailed extends Data.TaggedError('MongoCommandFailed')<{
  readonly operation: string
  readonly cause: unknown
}> {
  override get message(): string {
    return `MongoDB ${this.operation} failed: ${describe(this.cause)}`
  }
}

const describe = (value: unknown): string => {
  if (value instanceof Error) return value.message
  try {
    return typeof value === 'string' ? value : JSON.stringify(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

/**
 * A stored document is not one this adapter wrote, or not in a schema version it reads: decoding
 * with its Schema failed. Raised as a defect naming the collection and the document's `_id`, never
 * turned into a wrong value.
 */
export class MalformedDocument extends Data.TaggedError('MalformedDocument')<{
  readonly collection: string
  readonly id: string
  readonly problem: string
}> {
  override get message(): string {
    return `Mongo document ${this.collection}/${this.id} cannot be read: ${this.problem}`
  }
}

/** The schema version every document of this adapter carries in `sv`. */
export const SCHEMA_VERSION = 1 as const

/** Runs one driver call; a failure is a defect carrying MongoCommandFailed. */
export const mongoCall = <A>(operation: string, call: () => Promise<A>): Effect.Effect<A> =>
  Effect.tryPromise({ try: call, catch: (cause) => new MongoCommandFailed({ operation, cause }) }).pipe(
    Effect.orDie,
  )

/**
 * Runs one driver call whose duplicate-key refusal (E11000) is an answer, not a failure: resolves
 * with `duplicate: true` for it, and with the call's value otherwise.
 */
export const mongoCallUnique = <A>(
  operation: string,
  call: () => Promise<A>,
): Effect.Effect<{ readonly duplicate: false; readonly value: A } | { readonly duplicate: true }> =>
  Effect.tryPromise({
    try: call,
    catch: (cause) => cause,
  }).pipe(
    Effect.map((value) => ({ duplicate: false as const, value })),
    Effect.catch((cause) =>
      isDuplicateKey(cause)
        ? Effect.succeed({ duplicate: true as const })
        : Effect.die(new MongoCommandFailed({ operation, cause })),
    ),
  )

const DUPLICATE_KEY = 11000

/** E11000: a unique index (the `_id` included) refused a write. */
export const isDuplicateKey = (e: unknown): boolean => {
  if (e instanceof MongoBulkWriteError) {
    const errors = Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors]
    return errors.length > 0 && errors.every((w) => w.code === DUPLICATE_KEY)
  }
  return e instanceof MongoServerError && e.code === DUPLICATE_KEY
}

/**
 * For an ordered `insertMany` that a unique index stopped: how many documents (a prefix) were
 * written before the refused one. Any other failure is rethrown.
 */
export const insertedPrefix = (e: unknown): number => {
  if (e instanceof MongoBulkWriteError && isDuplicateKey(e)) {
    const errors = Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors]
    return Math.min(...errors.map((w) => w.index))
  }
  throw e
}

const formatIssue = SchemaIssue.makeFormatterDefault()

/**
 * Decodes one stored document with its Schema (unknown fields refused); a document that does not
 * decode is a MalformedDocument defect. The schema's `sv` literal makes an unknown version fail here.
 */
export const decodeDocument = <S extends Schema.Codec<unknown, unknown, never, never>>(
  schema: S,
  collection: string,
  raw: unknown,
): S['Type'] => {
  const id =
    typeof raw === 'object' && raw !== null && '_id' in raw ? String((raw as { _id: unknown })._id) : '?'
  const sv = typeof raw === 'object' && raw !== null && 'sv' in raw ? (raw as { sv: unknown }).sv : undefined
  if (sv !== SCHEMA_VERSION)
    throw new MalformedDocument({
      collection,
      id,
      problem:
        sv === undefined
          ? 'it has no schema version (sv)'
          : `schema version ${JSON.stringify(sv)} is not one this adapter reads (${SCHEMA_VERSION})`,
    })
  return decodeValue(schema, collection, id, raw)
}

/** Decodes a value stored in document `id` of `collection` (unknown fields refused), or throws MalformedDocument. */
export const decodeValue = <S extends Schema.Codec<unknown, unknown, never, never>>(
  schema: S,
  collection: string,
  id: string,
  raw: unknown,
): S['Type'] => {
  const result = Schema.decodeUnknownResult(schema)(raw, { onExcessProperty: 'error', errors: 'all' })
  if (Result.isSuccess(result)) return result.success as S['Type']
  throw new MalformedDocument({ collection, id, problem: formatIssue(result.failure.issue) })
}

/**
 * Parses a JSON text stored in a document (an entity's state is stored as one JSON string: the
 * database never queries inside it, and a flat document costs MongoDB's driver, and FerretDB above
 * all, a fraction of what a nested one does to read).
 */
export const parseStored = (collection: string, id: string, field: string, text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new MalformedDocument({
      collection,
      id,
      problem: `field ${field} is not JSON: ${e instanceof Error ? e.message : String(e)}`,
    })
  }
}

/** Decodes the JSON text of field `field` of a stored document with `schema`. */
export const decodeStored = <S extends Schema.Codec<unknown, unknown, never, never>>(
  schema: S,
  collection: string,
  id: string,
  field: string,
  text: string,
): S['Type'] => decodeValue(schema, collection, id, parseStored(collection, id, field, text))

/** Position of a record in a newest-first listing: `at` descending, then `id` descending. */
export interface PagePosition {
  readonly at: number
  readonly id: string
}

export const encodePageCursor = (p: PagePosition): string =>
  Buffer.from(JSON.stringify({ at: p.at, id: p.id }), 'utf8').toString('base64url')

/**
 * Undefined for anything this adapter did not issue: callers then start from the first page. The
 * cursor is untrusted input, so only a finite number and a short string come out of it; they reach
 * queries only as literal values.
 */
export const decodePageCursor = (cursor: string | null): PagePosition | undefined => {
  if (cursor === null || cursor.length === 0 || cursor.length > 2048) return undefined
  try {
    const raw: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (typeof raw !== 'object' || raw === null) return undefined
    const at: unknown = (raw as Record<string, unknown>).at
    const id: unknown = (raw as Record<string, unknown>).id
    if (typeof at !== 'number' || !Number.isFinite(at) || typeof id !== 'string' || id.length > 512)
      return undefined
    return { at, id }
  } catch {
    return undefined
  }
}

/** Clamps a page size to at least 1 so that paging always makes progress. */
export const pageSize = (limit: number): number =>
  Number.isFinite(limit) ? Math.max(1, Math.min(10_000, Math.floor(limit))) : 1

/**
 * The filter that continues a newest-first listing after `p` on fields `atField` and `_id`. Values
 * are wrapped in `$eq`/`$lt`, so nothing from a cursor is ever read as an operator.
 */
export const afterPosition = (
  atField: string,
  idField: string,
  p: PagePosition | undefined,
): Record<string, unknown> =>
  p === undefined
    ? {}
    : { $or: [{ [atField]: { $lt: p.at } }, { [atField]: { $eq: p.at }, [idField]: { $lt: p.id } }] }

/** A string for a query: anything else is a programming error of the caller, never a filter. */
export const literal = (value: string): { $eq: string } => {
  if (typeof value !== 'string') throw new TypeError(`expected a string query value, got ${typeof value}`)
  return { $eq: value }
}
