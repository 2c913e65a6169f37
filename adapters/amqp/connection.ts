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
}

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
  conn.on('error', (err: unknown) => onError(err))
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
