import { Effect } from 'effect'
import type { Redis } from 'ioredis'
import { RefreshTokenInvalid, RefreshTokenReused, SessionEnded } from '../../core/domain/shared/errors.js'
import { asId, type UserId } from '../../core/domain/shared/ids.js'
import type { Instant } from '../../core/domain/shared/time.js'
import type { SessionStore } from '../../ports/session-store.js'
import { badReply, LUA_PRELUDE, LuaScript } from './client.js'
import type { RedisAdapterOptions } from './options.js'
import { RedisAdapter } from './redis-adapter.js'

/*
 * Layout under the prefix (tokens are known only by their hashes):
 *   sess:t:<hash>     hash { f: family, u: user, x: expiresAt, r: '1' once rotated }
 *   sess:f:<family>   hash { u: user, v: '1' once revoked, e: '1' once ended by its user's sign-out }
 *   sess:fh:<family>  set of the family's token hashes
 *   sess:u:<user>     set of the user's families
 * Each operation is one Lua script, so of concurrent rotations of one token exactly one wins and
 * the others see a rotated token (reuse), which revokes the family. A revoked family keeps its
 * rotated tokens so that presenting one again is still recognised as reuse. Keys get a Redis TTL
 * past the latest expiry in their family, to collect garbage; rotated tokens live as long.
 * The scripts compute key names from data they read, so they need a standalone Redis (or keys on
 * one shard), not a cluster spreading the prefix.
 */

const COMMON = `${LUA_PRELUDE}
local P = ARGV[1]
local function revoke(fid)
  local fam = P .. 'f:' .. fid
  if redis.call('EXISTS', fam) == 0 then return end
  redis.call('HSET', fam, 'v', '1')
  local fh = P .. 'fh:' .. fid
  for _, h in ipairs(redis.call('SMEMBERS', fh)) do
    local tk = P .. 't:' .. h
    if redis.call('HGET', tk, 'r') ~= '1' then
      redis.call('DEL', tk)
      redis.call('SREM', fh, h)
    end
  end
end
local function keep_family(fid, px)
  local fam = P .. 'f:' .. fid
  expire_at_least(fam, px)
  expire_at_least(P .. 'fh:' .. fid, px)
  local owner = redis.call('HGET', fam, 'u')
  if owner then expire_at_least(P .. 'u:' .. owner, px) end
end
`

/** ARGV: prefix, family, user, token hash, expiresAt, Redis TTL. */
const ISSUE = new LuaScript(
  'sessions.issue',
  `${COMMON}
local fid, uid, h, px = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[6])
local fam = P .. 'f:' .. fid
if redis.call('EXISTS', fam) == 0 then
  redis.call('HSET', fam, 'u', uid, 'v', '0')
  redis.call('SADD', P .. 'u:' .. uid, fid)
end
redis.call('SADD', P .. 'fh:' .. fid, h)
local tk = P .. 't:' .. h
redis.call('DEL', tk)
redis.call('HSET', tk, 'f', fid, 'u', uid, 'x', ARGV[5], 'r', '0')
redis.call('PEXPIRE', tk, px)
keep_family(fid, px)
return 1
`,
)

/** ARGV: prefix, presented hash, next hash, next expiresAt, now, Redis TTL of the next token. */
const ROTATE = new LuaScript(
  'sessions.rotate',
  `${COMMON}
local tk = P .. 't:' .. ARGV[2]
local t = redis.call('HMGET', tk, 'f', 'u', 'x', 'r')
if not t[1] then return { 'invalid' } end
local fid, uid = t[1], t[2]
if t[4] == '1' then
  if redis.call('HGET', P .. 'f:' .. fid, 'e') == '1' then return { 'ended' } end
  revoke(fid)
  return { 'reused', fid }
end
local v = redis.call('HGET', P .. 'f:' .. fid, 'v')
if (not v) or v == '1' or tonumber(t[3]) <= tonumber(ARGV[5]) then return { 'invalid' } end
local px = tonumber(ARGV[6])
redis.call('HSET', tk, 'r', '1')
expire_at_least(tk, px)
redis.call('SADD', P .. 'fh:' .. fid, ARGV[3])
local nk = P .. 't:' .. ARGV[3]
redis.call('DEL', nk)
redis.call('HSET', nk, 'f', fid, 'u', uid, 'x', ARGV[4], 'r', '0')
redis.call('PEXPIRE', nk, px)
keep_family(fid, px)
return { 'ok', uid, fid }
`,
)

/** ARGV: prefix, family, '1' when it is its user's sign-out (ended) or '0'. */
const REVOKE_FAMILY = new LuaScript(
  'sessions.revokeFamily',
  `${COMMON}
revoke(ARGV[2])
if ARGV[3] == '1' and redis.call('EXISTS', P .. 'f:' .. ARGV[2]) == 1 then
  redis.call('HSET', P .. 'f:' .. ARGV[2], 'e', '1')
end
return 1
`,
)

/** ARGV: prefix, user. */
const REVOKE_USER = new LuaScript(
  'sessions.revokeUser',
  `${COMMON}
for _, fid in ipairs(redis.call('SMEMBERS', P .. 'u:' .. ARGV[2])) do revoke(fid) end
return 1
`,
)

type Rotated = { readonly userId: UserId; readonly familyId: string }

/** The SessionStore port on Redis: refresh-token families with rotation and reuse detection. */
export class RedisSessionStore extends RedisAdapter implements SessionStore {
  constructor(client: Redis, options: RedisAdapterOptions) {
    super(client, options, 'sess:')
  }

  issue(session: {
    readonly familyId: string
    readonly userId: UserId
    readonly tokenHash: string
    readonly expiresAt: Instant
  }): Effect.Effect<void> {
    return Effect.suspend(() =>
      ISSUE.run(
        this.client,
        [],
        [
          this.prefix,
          session.familyId,
          session.userId,
          session.tokenHash,
          session.expiresAt,
          this.gcTtlUntil(session.expiresAt),
        ],
      ),
    ).pipe(Effect.asVoid)
  }

  rotate(
    presentedHash: string,
    next: { readonly tokenHash: string; readonly expiresAt: Instant },
    now: Instant,
  ): Effect.Effect<Rotated, RefreshTokenInvalid | RefreshTokenReused | SessionEnded> {
    return Effect.suspend(() =>
      ROTATE.run(
        this.client,
        [],
        [this.prefix, presentedHash, next.tokenHash, next.expiresAt, now, this.gcTtlUntil(next.expiresAt)],
      ),
    ).pipe(
      Effect.flatMap(
        (reply): Effect.Effect<Rotated, RefreshTokenInvalid | RefreshTokenReused | SessionEnded> => {
          if (!Array.isArray(reply)) return badReply(ROTATE.name, reply)
          const [kind, a, b] = reply as unknown[]
          if (kind === 'invalid') return Effect.fail(new RefreshTokenInvalid())
          if (kind === 'ended') return Effect.fail(new SessionEnded())
          if (kind === 'reused' && typeof a === 'string')
            return Effect.fail(new RefreshTokenReused({ familyId: a }))
          if (kind === 'ok' && typeof a === 'string' && typeof b === 'string')
            return Effect.succeed({ userId: asId('user', a), familyId: b })
          return badReply(ROTATE.name, reply)
        },
      ),
    )
  }

  revokeFamily(familyId: string): Effect.Effect<void> {
    return REVOKE_FAMILY.run(this.client, [], [this.prefix, familyId, '0']).pipe(Effect.asVoid)
  }

  endFamily(familyId: string): Effect.Effect<void> {
    return REVOKE_FAMILY.run(this.client, [], [this.prefix, familyId, '1']).pipe(Effect.asVoid)
  }

  revokeUser(userId: UserId): Effect.Effect<void> {
    return REVOKE_USER.run(this.client, [], [this.prefix, userId]).pipe(Effect.asVoid)
  }

  /** A Redis TTL that outlives `expiresAt` on the injected clock by the GC margin. */
  private gcTtlUntil(expiresAt: Instant): number {
    return this.gcTtlAfter(expiresAt - this.clock.now())
  }
}
