import { Effect, Result, Schema } from 'effect'
import type { Redis } from 'ioredis'
import type { IdempotencyBegin, IdempotencyStore, StoredResponse } from '../../ports/idempotency-store.js'
import { badReply, LuaScript, RedisCommandFailed } from './client.js'
import type { RedisAdapterOptions } from './options.js'
import { RedisAdapter } from './redis-adapter.js'

/*
 * One hash per key under the prefix, `idem:<key>`:
 *   s: 'p' (claimed, in progress) or 'c' (completed)
 *   f: the request fingerprint (absent when `complete` found no live claim)
 *   x: when the record dies, on the injected clock
 *   r: the stored response as JSON (completed only)
 *   o: the claim's owner (in progress only; absent when `begin` named none)
 * `begin` is one Lua script: of any number of concurrent callers, in any number of processes,
 * exactly one finds the key free and claims it.
 */

/** KEYS: record. ARGV: fingerprint, now, expiresAt, Redis TTL, owner ('' for none). */
const BEGIN = new LuaScript(
  'idempotency.begin',
  `
local e = redis.call('HMGET', KEYS[1], 's', 'f', 'x', 'r')
if e[1] and tonumber(e[3]) <= tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
  e = { false, false, false, false }
end
if not e[1] then
  redis.call('HSET', KEYS[1], 's', 'p', 'f', ARGV[1], 'x', ARGV[3])
  if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'o', ARGV[5]) end
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return { 'started' }
end
if e[2] and e[2] ~= ARGV[1] then return { 'mismatch' } end
if e[1] == 'c' then return { 'completed', e[4] } end
return { 'in_progress' }
`,
)

/** KEYS: record. ARGV: now, expiresAt, Redis TTL, response JSON. */
const COMPLETE = new LuaScript(
  'idempotency.complete',
  `
local e = redis.call('HMGET', KEYS[1], 's', 'f', 'x')
local fp = false
if e[1] and tonumber(e[3]) > tonumber(ARGV[1]) then fp = e[2] end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 's', 'c', 'x', ARGV[2], 'r', ARGV[4])
if fp then redis.call('HSET', KEYS[1], 'f', fp) end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`,
)

/** KEYS: record. ARGV: owner ('' for any). Gives up a claim (that owner's); a completed response stays. */
const ABANDON = new LuaScript(
  'idempotency.abandon',
  `
local e = redis.call('HMGET', KEYS[1], 's', 'o')
if e[1] == 'p' and (ARGV[1] == '' or e[2] == ARGV[1]) then redis.call('DEL', KEYS[1]) end
return 1
`,
)

const StoredResponseJson = Schema.fromJsonString(
  Schema.Struct({
    status: Schema.Number,
    body: Schema.String,
    headers: Schema.Record(Schema.String, Schema.String),
  }),
)
const decodeResponse = Schema.decodeUnknownResult(StoredResponseJson)

/** The IdempotencyStore port on Redis; claims and responses expire on the injected clock. */
export class RedisIdempotencyStore extends RedisAdapter implements IdempotencyStore {
  constructor(client: Redis, options: RedisAdapterOptions) {
    super(client, options, 'idem:')
  }

  begin(key: string, fingerprint: string, ttlMs: number, owner?: string): Effect.Effect<IdempotencyBegin> {
    return Effect.suspend(() => {
      const ttl = Number.isFinite(ttlMs) ? Math.max(0, ttlMs) : 0
      return BEGIN.run(
        this.client,
        [this.prefix + key],
        [fingerprint, this.clock.now(), this.clock.now() + ttl, this.gcTtlAfter(ttl), owner ?? ''],
      )
    }).pipe(Effect.flatMap((reply) => this.decodeBegin(reply)))
  }

  complete(key: string, response: StoredResponse, ttlMs: number): Effect.Effect<void> {
    return Effect.suspend(() => {
      const ttl = Number.isFinite(ttlMs) ? Math.max(0, ttlMs) : 0
      const now = this.clock.now()
      const json = JSON.stringify({ status: response.status, body: response.body, headers: response.headers })
      return COMPLETE.run(this.client, [this.prefix + key], [now, now + ttl, this.gcTtlAfter(ttl), json])
    }).pipe(Effect.asVoid)
  }

  abandon(key: string, owner?: string): Effect.Effect<void> {
    return ABANDON.run(this.client, [this.prefix + key], [owner ?? '']).pipe(Effect.asVoid)
  }

  private decodeBegin(reply: unknown): Effect.Effect<IdempotencyBegin> {
    if (!Array.isArray(reply)) return badReply(BEGIN.name, reply)
    const [kind, body] = reply as unknown[]
    switch (kind) {
      case 'started':
      case 'in_progress':
      case 'mismatch':
        return Effect.succeed({ kind })
      case 'completed': {
        const decoded = decodeResponse(body)
        if (Result.isFailure(decoded))
          return Effect.die(
            new RedisCommandFailed({
              operation: BEGIN.name,
              cause: new Error(`stored response is not a StoredResponse: ${decoded.failure.message}`),
            }),
          )
        return Effect.succeed({ kind: 'completed', response: decoded.success })
      }
      default:
        return badReply(BEGIN.name, reply)
    }
  }
}
