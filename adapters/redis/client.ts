import { createHash } from 'node:crypto'
import { Data, Effect } from 'effect'
import { Redis, ReplyError } from 'ioredis'

/**
 * A Redis command failed: the server is unreachable, restarting, too slow (command timeout) or
 * answered with an error. The ports have no error channel for infrastructure, so the adapters raise
 * this as a defect (`Effect.die`); the HTTP layer turns defects into 5xx responses.
 */
export class RedisCommandFailed extends Data.TaggedError('RedisCommandFailed')<{
  readonly operation: string
  readonly cause: unknown
}> {
  /**
   * Unreachable, restarting or too slow (ports/unavailable.ts: the HTTP layer answers 503); an
   * error reply from the server (ReplyError, a bug of ours) is not.
   */
  get unavailable(): boolean {
    return !(this.cause instanceof ReplyError)
  }

  override get message(): string {
    const reason = this.cause instanceof Error ? this.cause.message : describe(this.cause)
    return `Redis ${this.operation} failed: ${reason}`
  }
}

const describe = (value: unknown): string => {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

export interface RedisClientOptions {
  /** A command with no reply within this time fails (default 2,000 ms). */
  readonly commandTimeoutMs?: number
  /** Giving up on a TCP connect after this time (default 2,000 ms). */
  readonly connectTimeoutMs?: number
  /** Delay before reconnect attempt n (default: 50 ms × n, at most 1,000 ms). */
  readonly reconnectDelayMs?: (attempt: number) => number
  /** Shown in `CLIENT LIST` (default `innkeeper`). */
  readonly connectionName?: string
}

/**
 * Connects to Redis and resolves once the connection is ready; rejects (and stops reconnecting)
 * when the first connection fails, so a missing Redis is loud at start-up.
 *
 * The client is set up to fail fast rather than wait: no offline queue (a command issued while
 * disconnected fails at once), no retry of a command whose connection dropped (it may have run on
 * the server; resending it could spend a token twice), and a command timeout. It keeps
 * reconnecting in the background, so commands succeed again once Redis is back.
 */
export const createRedisClient = async (url: string, options: RedisClientOptions = {}): Promise<Redis> => {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: options.commandTimeoutMs ?? 2_000,
    connectTimeout: options.connectTimeoutMs ?? 2_000,
    retryStrategy: options.reconnectDelayMs ?? ((attempt) => Math.min(attempt * 50, 1_000)),
    connectionName: options.connectionName ?? 'innkeeper',
  })
  // Without a listener, connection errors while reconnecting would be thrown as unhandled 'error' events.
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (cause) {
    client.disconnect()
    throw new RedisCommandFailed({ operation: `connect to ${redactUrl(url)}`, cause })
  }
  return client
}

/** The URL without its password, for messages. */
export const redactUrl = (url: string): string => {
  try {
    const u = new URL(url)
    if (u.password !== '') u.password = '***'
    return u.toString()
  } catch {
    return '<invalid redis url>'
  }
}

/** Runs one Redis call; a failure of Redis is a defect carrying RedisCommandFailed. */
export const redisCall = <A>(operation: string, call: () => Promise<A>): Effect.Effect<A> =>
  Effect.tryPromise({ try: call, catch: (cause) => new RedisCommandFailed({ operation, cause }) }).pipe(
    Effect.orDie,
  )

const isNoScript = (e: unknown): boolean => e instanceof Error && e.message.startsWith('NOSCRIPT')

/** Every script defined (at module load), for `keepScriptsLoaded`. */
const scripts: LuaScript[] = []

/**
 * A Lua script run by EVALSHA, falling back to EVAL when the server does not know it yet (first use,
 * or after a restart emptied its script cache). A Lua script runs atomically on the server.
 */
export class LuaScript {
  readonly sha: string

  constructor(
    readonly name: string,
    readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex')
    scripts.push(this)
  }

  run(client: Redis, keys: readonly string[], args: readonly (string | number)[]): Effect.Effect<unknown> {
    return redisCall(this.name, async () => {
      try {
        return await client.evalsha(this.sha, keys.length, ...keys, ...args)
      } catch (e) {
        if (!isNoScript(e)) throw e
        return await client.eval(this.source, keys.length, ...keys, ...args)
      }
    })
  }
}

/** Per client, how many of `scripts` it has been asked to load (scripts register as modules load). */
const loaded = new WeakMap<Redis, number>()

/**
 * Keeps every script loaded on the server behind `client`: now, and again each time the client is
 * ready after a reconnection (a restarted Redis has an empty script cache). Without it a script's
 * first EVALSHA may be one that timed out while Redis was frozen and runs when it wakes: it then
 * meets NOSCRIPT, and its EVAL fallback is never sent, so a write the caller counted on (an
 * idempotency claim given up) silently never happens. Each adapter on the client calls it; only
 * scripts not yet loaded on it are sent.
 */
export const keepScriptsLoaded = (client: Redis): void => {
  const load = (from: number) => {
    for (const s of scripts.slice(from)) client.script('LOAD', s.source).catch(() => {})
    loaded.set(client, scripts.length)
  }
  const done = loaded.get(client)
  if (done === undefined) client.on('ready', () => load(0))
  if (client.status === 'ready' && (done ?? 0) < scripts.length) load(done ?? 0)
  else if (done === undefined) loaded.set(client, 0)
}

/** Lua helpers shared by the scripts: exact number formatting and a grow-only PEXPIRE. */
export const LUA_PRELUDE = `
local function num(x) return string.format('%.17g', x) end
local function expire_at_least(key, ms)
  local ttl = redis.call('PTTL', key)
  if ttl == -1 or (ttl >= 0 and ttl < ms) then redis.call('PEXPIRE', key, ms) end
end
`

/** A script's reply was not of the shape it returns: the data under the prefix is not ours. */
export const badReply = (script: string, reply: unknown): Effect.Effect<never> =>
  Effect.die(
    new RedisCommandFailed({
      operation: script,
      cause: new Error(`unexpected reply ${JSON.stringify(reply)}`),
    }),
  )

/** Milliseconds for a Redis PEXPIRE: a positive whole number no larger than Redis accepts. */
export const gcTtl = (ms: number): number =>
  Number.isFinite(ms) ? Math.min(Math.max(1, Math.ceil(ms)), 2 ** 46) : 2 ** 46
