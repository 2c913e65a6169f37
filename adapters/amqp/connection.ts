import { Connection, type ConnectionOptions } from 'rabbitmq-client'

export interface AmqpConnectionOptions {
  /** `amqp://user:pass@host:port/vhost` (default `amqp://guest:guest@127.0.0.1:5672`). */
  readonly url?: string
  /** Shown in the broker's connection list. */
  readonly connectionName?: string
  /** Reconnect back-off: first step and ceiling, ms (library defaults 1,000 and 30,000). */
  readonly retryLowMs?: number
  readonly retryHighMs?: number
  /** How long an operation waits for a (re)connection before it fails, ms (default 20,000). */
  readonly acquireTimeoutMs?: number
  /** Heartbeat period, seconds (default 60; 0 disables). */
  readonly heartbeatSeconds?: number
  /** Connection-level errors (the connection reconnects by itself); default: ignored. */
  readonly onError?: (error: unknown) => void
  /**
   * Told once when the connection is lost (with the error that said so) and once when it is back
   * (with how long it was down), not on every failed reconnection attempt in between: an operator
   * logs these at `warn` and counts them.
   */
  readonly onStatus?: (status: ConnectionStatus) => void
}

export type ConnectionStatus =
  | { readonly state: 'down'; readonly reason: string }
  | { readonly state: 'up'; readonly downForMs: number }

/**
 * A rabbitmq-client connection that reconnects on its own. It always has an `error` listener: an
 * EventEmitter without one would throw the error and crash the process on the first broker restart.
 */
export const createAmqpConnection = (options: AmqpConnectionOptions = {}): Connection => {
  const props: ConnectionOptions = {
    url: options.url ?? 'amqp://guest:guest@127.0.0.1:5672',
    connectionName: options.connectionName ?? 'innkeeper',
    retryLow: options.retryLowMs ?? 1_000,
    retryHigh: options.retryHighMs ?? 30_000,
    acquireTimeout: options.acquireTimeoutMs ?? 20_000,
    heartbeat: options.heartbeatSeconds ?? 60,
  }
  const conn = new Connection(props)
  const onError = options.onError ?? (() => {})
  const onStatus = options.onStatus ?? (() => {})
  let downSince: number | null = null
  let everUp = false
  conn.on('error', (err: unknown) => {
    onError(err)
    if (everUp && downSince === null && !conn.ready) {
      downSince = Date.now()
      onStatus({ state: 'down', reason: describeError(err) })
    }
  })
  conn.on('connection', () => {
    everUp = true
    if (downSince === null) return
    const downForMs = Date.now() - downSince
    downSince = null
    onStatus({ state: 'up', downForMs })
  })
  return conn
}

/** Why an AMQP operation failed, in one line. */
export const describeError = (err: unknown): string => {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code
    return typeof code === 'string' && code.length > 0 ? `${code}: ${err.message}` : err.message
  }
  return String(err)
}

/** Resolves after `ms` (an adapter may use timers; the core may not). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
