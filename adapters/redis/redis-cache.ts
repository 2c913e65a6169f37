import { Effect, Option } from 'effect'
import type { Redis } from 'ioredis'
import type { Cache } from '../../ports/cache.js'
import { badReply, LUA_PRELUDE, LuaScript } from './client.js'
import type { RedisAdapterOptions } from './options.js'
import { RedisAdapter } from './redis-adapter.js'

/*
 * Layout under the prefix:
 *   cache:e:<key>  hash { v: value, x: expiresAt (clock ms), g: JSON array of the entry's tags }
 *   cache:t:<tag>  set of the keys set with that tag
 * Every change to an entry and its tag sets is one Lua script, so an invalidation never leaves an
 * entry behind that a concurrent `set` tagged, and a re-set entry leaves its old tags.
 */

const DROP = `
local function drop(entry, raw, tag_prefix)
  local old = redis.call('HGET', entry, 'g')
  if old then
    for _, t in ipairs(cjson.decode(old)) do redis.call('SREM', tag_prefix .. t, raw) end
    redis.call('DEL', entry)
  end
end
`

/** KEYS: entry. ARGV: raw key, tag prefix, now. */
const GET = new LuaScript(
  'cache.get',
  `${DROP}
local e = redis.call('HMGET', KEYS[1], 'v', 'x')
if not e[1] then return false end
if tonumber(e[2]) <= tonumber(ARGV[3]) then
  drop(KEYS[1], ARGV[1], ARGV[2])
  return false
end
return e[1]
`,
)

/** KEYS: entry. ARGV: raw key, tag prefix, value, expiresAt, Redis TTL (0: store nothing), tags JSON, tags... */
const SET = new LuaScript(
  'cache.set',
  `${LUA_PRELUDE}${DROP}
drop(KEYS[1], ARGV[1], ARGV[2])
local px = tonumber(ARGV[5])
if px <= 0 then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[3], 'x', ARGV[4], 'g', ARGV[6])
redis.call('PEXPIRE', KEYS[1], px)
for i = 7, #ARGV do
  local tag = ARGV[2] .. ARGV[i]
  redis.call('SADD', tag, ARGV[1])
  expire_at_least(tag, px)
end
return 1
`,
)

/** KEYS: entry. ARGV: raw key, tag prefix. */
const DELETE = new LuaScript(
  'cache.delete',
  `${DROP}
drop(KEYS[1], ARGV[1], ARGV[2])
return 1
`,
)

/** ARGV: entry prefix, tag prefix, tags... */
const INVALIDATE = new LuaScript(
  'cache.invalidateTags',
  `${DROP}
local dropped = 0
for i = 3, #ARGV do
  local tag = ARGV[i]
  local set = ARGV[2] .. tag
  for _, raw in ipairs(redis.call('SMEMBERS', set)) do
    local entry = ARGV[1] .. raw
    local g = redis.call('HGET', entry, 'g')
    if g then
      for _, t in ipairs(cjson.decode(g)) do
        if t == tag then
          drop(entry, raw, ARGV[2])
          dropped = dropped + 1
          break
        end
      end
    end
  end
  redis.call('DEL', set)
end
return dropped
`,
)

/** The Cache port on Redis: TTLs on the injected clock, tags as Redis sets, changes in Lua. */
export class RedisCache extends RedisAdapter implements Cache {
  private readonly entryPrefix: string
  private readonly tagPrefix: string

  constructor(client: Redis, options: RedisAdapterOptions) {
    super(client, options, 'cache:')
    this.entryPrefix = `${this.prefix}e:`
    this.tagPrefix = `${this.prefix}t:`
  }

  get(key: string): Effect.Effect<Option.Option<string>> {
    return Effect.suspend(() =>
      GET.run(this.client, [this.entryPrefix + key], [key, this.tagPrefix, this.clock.now()]),
    ).pipe(
      Effect.flatMap((reply) =>
        reply === null
          ? Effect.succeed(Option.none())
          : typeof reply === 'string'
            ? Effect.succeed(Option.some(reply))
            : badReply(GET.name, reply),
      ),
    )
  }

  set(
    key: string,
    value: string,
    options: { readonly ttlMs: number; readonly tags?: readonly string[] },
  ): Effect.Effect<void> {
    return Effect.suspend(() => {
      const ttl = options.ttlMs
      const live = ttl > 0
      const tags = [...new Set(options.tags ?? [])]
      return SET.run(
        this.client,
        [this.entryPrefix + key],
        [
          key,
          this.tagPrefix,
          value,
          live ? this.clock.now() + ttl : 0,
          live ? this.gcTtlAfter(ttl) : 0,
          JSON.stringify(tags),
          ...tags,
        ],
      )
    }).pipe(Effect.asVoid)
  }

  delete(key: string): Effect.Effect<void> {
    return DELETE.run(this.client, [this.entryPrefix + key], [key, this.tagPrefix]).pipe(Effect.asVoid)
  }

  invalidateTags(tags: readonly string[]): Effect.Effect<void> {
    if (tags.length === 0) return Effect.void
    return INVALIDATE.run(this.client, [], [this.entryPrefix, this.tagPrefix, ...new Set(tags)]).pipe(
      Effect.asVoid,
    )
  }
}
