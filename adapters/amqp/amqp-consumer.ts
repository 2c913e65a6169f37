import { Result, Schema } from 'effect'
import {
  type AsyncMessage,
  type Connection,
  type Consumer,
  ConsumerStatus,
  type Envelope,
  type Publisher,
} from 'rabbitmq-client'
import { describeIssue } from '../../core/domain/shared/validation.js'
import { DEFAULT_EXCHANGE } from './amqp-event-publisher.js'
import { describeError } from './connection.js'
import type { ProcessedEvents } from './processed-events.js'

/** Headers the runtime sets on the copies it re-publishes. */
export const ATTEMPT_HEADER = 'x-innkeeper-attempt'
export const LAST_ERROR_HEADER = 'x-innkeeper-last-error'
export const DEAD_REASON_HEADER = 'x-innkeeper-dead-reason'
export const DEAD_KIND_HEADER = 'x-innkeeper-dead-kind'
export const DEAD_QUEUE_HEADER = 'x-innkeeper-dead-queue'

export const retryQueueOf = (queue: string): string => `${queue}.retry`
export const deadLetterQueueOf = (queue: string): string => `${queue}.dlq`

/** What a message decodes to: it must carry the event id (de-duplication) and may name a subject. */
export interface Identified {
  readonly id: string
  readonly subject?: string
}

export interface Delivery {
  /** How many times the handler failed on this message before (0 on first delivery). */
  readonly attempt: number
  /** The broker delivered it before (an ack was lost, a consumer died). */
  readonly redelivered: boolean
  readonly routingKey: string
}

export interface ConsumeSpec<A extends Identified> {
  /** The consumer's own durable queue; `<queue>.retry` and `<queue>.dlq` are declared beside it. */
  readonly queue: string
  /** Topic patterns bound on the exchange, e.g. `innkeeper.booking.#`. */
  readonly bindings: readonly string[]
  /** Decodes the parsed JSON body; a failure sends the message to the dead-letter queue at once. */
  readonly schema: Schema.Decoder<A>
  readonly handler: (message: A, delivery: Delivery) => Promise<void>
  /** Handler failures retried before the message goes to the dead-letter queue (default 3). */
  readonly maxRetries?: number
  /** Delay before each retry, ms (default 1,000). */
  readonly retryDelayMs?: number
  /** Handlers run at once (default 1). Messages of one subject are still handled in arrival order. */
  readonly concurrency?: number
  /** Messages the broker sends ahead (default 2 × concurrency). */
  readonly prefetch?: number
  /** Already-handled event ids; duplicates are acknowledged without running the handler. */
  readonly processed?: ProcessedEvents
}

export type Outcome =
  | { readonly kind: 'handled'; readonly id: string; readonly attempt: number }
  | { readonly kind: 'duplicate'; readonly id: string }
  | { readonly kind: 'retry'; readonly id: string; readonly attempt: number; readonly error: string }
  | { readonly kind: 'dead-lettered'; readonly id: string | null; readonly reason: string }

export interface ConsumerStats {
  readonly handled: number
  readonly duplicates: number
  readonly retried: number
  readonly deadLettered: number
}

export interface ConsumerHandle {
  readonly queue: string
  /** Resolves once the queue is consuming (declared, bound, subscribed). */
  readonly ready: Promise<void>
  stats(): ConsumerStats
  /** Stops taking messages, waits for the in-flight handlers to finish and acknowledge, closes. */
  close(): Promise<void>
}

export interface AmqpConsumerOptions {
  /** The topic exchange the bindings are on (default `innkeeper.events`). */
  readonly exchange?: string
  /** Every decision the runtime takes, for logs and tests. */
  readonly onOutcome?: (queue: string, outcome: Outcome) => void
  /** Errors the library reports (channel lost, ack failed); the runtime recovers from them. */
  readonly onError?: (queue: string, error: unknown) => void
}

const MAX_HEADER_TEXT = 1_000
const clip = (s: string): string => (s.length > MAX_HEADER_TEXT ? `${s.slice(0, MAX_HEADER_TEXT - 1)}…` : s)

const attemptOf = (msg: AsyncMessage): number => {
  const raw: unknown = msg.headers?.[ATTEMPT_HEADER]
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : 0
  return Number.isInteger(n) && n >= 0 ? n : 0
}

/** The body as raw bytes again, whatever the library made of it on the way in. */
const bodyBytes = (body: unknown): Buffer =>
  Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : (JSON.stringify(body) ?? ''), 'utf8')

/** The original headers minus the broker's dead-letter history (our attempt header counts tries). */
const copiedHeaders = (msg: AsyncMessage): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(msg.headers ?? {}))
    if (k !== 'x-death' && !k.startsWith('x-first-death-') && !k.startsWith('x-last-death-')) out[k] = v
  return out
}

const parseJson = (body: unknown): Result.Result<unknown, string> => {
  // rabbitmq-client parses `application/json` itself and leaves other content types as bytes.
  if (!Buffer.isBuffer(body) && typeof body !== 'string') return Result.succeed(body)
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : body
  try {
    return Result.succeed(JSON.parse(text) as unknown)
  } catch (err) {
    return Result.fail(`malformed: body is not JSON (${describeError(err)})`)
  }
}

/**
 * The queue-consumer runtime. Each `consume` declares the consumer's own durable queue bound to the
 * exchange by type patterns, a retry queue and a dead-letter queue, and then for every message:
 * - a body that is not JSON, or does not decode with the consumer's schema, goes to `<queue>.dlq`
 *   at once with the reason in its headers;
 * - an event id already handled (the `processed` store) is acknowledged without running the handler;
 * - a handler that succeeds → the id is recorded, then the message acknowledged;
 * - a handler that throws → the message is re-published to `<queue>.retry` with its attempt count,
 *   where it waits `retryDelayMs` (per-message TTL) and is dead-lettered back to `<queue>`; after
 *   `maxRetries` failures it goes to `<queue>.dlq` with the last error. Nothing is ever nacked with
 *   requeue (no hot loop), and the main queue dead-letters into `<queue>.dlq` as a last resort, so a
 *   message is never silently dropped.
 * Re-published copies are confirmed by the broker before the original is acknowledged.
 */
export class AmqpConsumer {
  private readonly exchange: string
  private readonly handles = new Set<ConsumerHandle>()

  constructor(
    private readonly connection: Connection,
    private readonly options: AmqpConsumerOptions = {},
  ) {
    this.exchange = options.exchange ?? DEFAULT_EXCHANGE
  }

  consume<A extends Identified>(spec: ConsumeSpec<A>): ConsumerHandle {
    const handle: QueueConsumer<A> = new QueueConsumer(
      this.connection,
      this.exchange,
      spec,
      this.options,
      () => this.handles.delete(handle),
    )
    this.handles.add(handle)
    return handle
  }

  /** Drains and closes every consumer started here (the connection stays open). */
  async close(): Promise<void> {
    await Promise.all([...this.handles].map((h) => h.close()))
  }
}

class QueueConsumer<A extends Identified> implements ConsumerHandle {
  readonly queue: string
  readonly ready: Promise<void>
  private readonly consumer: Consumer
  private readonly republisher: Publisher
  private readonly maxRetries: number
  private readonly retryDelayMs: number
  private readonly decode: (u: unknown) => Result.Result<A, Schema.SchemaError>
  private readonly inFlight = new Map<string, Promise<void>>()
  private readonly lastOfSubject = new Map<string, Promise<void>>()
  private counts = { handled: 0, duplicates: 0, retried: 0, deadLettered: 0 }
  private closing: Promise<void> | null = null
  private readonly settleReady: (error?: unknown) => void

  constructor(
    connection: Connection,
    exchange: string,
    private readonly spec: ConsumeSpec<A>,
    private readonly options: AmqpConsumerOptions,
    private readonly onClosed: () => void,
  ) {
    this.queue = spec.queue
    this.maxRetries = Math.max(0, Math.floor(spec.maxRetries ?? 3))
    this.retryDelayMs = Math.max(0, Math.floor(spec.retryDelayMs ?? 1_000))
    this.decode = Schema.decodeUnknownResult(spec.schema)
    const concurrency = Math.max(1, Math.floor(spec.concurrency ?? 1))
    const dlq = deadLetterQueueOf(spec.queue)
    const retry = retryQueueOf(spec.queue)
    const sideQueues = [
      { queue: dlq, durable: true },
      {
        queue: retry,
        durable: true,
        // Expired retries go back to the main queue through the default exchange.
        arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': spec.queue },
      },
    ]
    // Declares the side queues before the first re-publish and again after every reconnection.
    this.republisher = connection.createPublisher({ confirm: true, maxAttempts: 2, queues: sideQueues })
    this.consumer = connection.createConsumer(
      {
        queue: spec.queue,
        queueOptions: {
          durable: true,
          // Last resort: anything nacked without requeue is dead-lettered, never dropped.
          arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dlq },
        },
        exchanges: [{ exchange, type: 'topic', durable: true }],
        queueBindings: spec.bindings.map((routingKey) => ({ exchange, queue: spec.queue, routingKey })),
        qos: { prefetchCount: Math.max(concurrency, Math.floor(spec.prefetch ?? concurrency * 2)) },
        concurrency,
        // rabbitmq-client requeues a failed handler's message by default: never here.
        requeue: false,
        lazy: true,
      },
      (msg) => this.onMessage(msg),
    )
    let settleReady: (error?: unknown) => void = () => {}
    this.ready = new Promise<void>((resolve, reject) => {
      settleReady = (error) => (error === undefined ? resolve() : reject(error))
    })
    this.settleReady = settleReady
    // Callers that never await `ready` must not see an unhandled rejection when it fails.
    this.ready.catch(() => undefined)
    this.consumer.on('error', (err: unknown) => {
      // Setup failures (a queue declared elsewhere with other arguments …) fail `ready`; the library
      // keeps retrying either way.
      this.settleReady(err)
      this.options.onError?.(this.queue, err)
    })
    this.consumer.on('ready', () => this.settleReady())
    void this.start(connection, sideQueues)
  }

  private async start(connection: Connection, sideQueues: readonly { readonly queue: string }[]) {
    try {
      // The dead-letter queue must exist before the main queue can dead-letter into it.
      for (const q of sideQueues) await connection.queueDeclare(q)
      if (this.closing === null) this.consumer.start()
    } catch (err) {
      this.settleReady(err)
      this.options.onError?.(this.queue, err)
    }
  }

  stats(): ConsumerStats {
    return { ...this.counts }
  }

  close(): Promise<void> {
    if (this.closing === null) {
      this.settleReady(new Error(`consumer of ${this.queue} closed`))
      this.closing = (async () => {
        await this.consumer.close()
        await this.republisher.close()
        this.onClosed()
      })()
    }
    return this.closing
  }

  private outcome(o: Outcome): void {
    this.options.onOutcome?.(this.queue, o)
  }

  private async onMessage(msg: AsyncMessage): Promise<ConsumerStatus> {
    const parsed = parseJson(msg.body)
    if (Result.isFailure(parsed)) return this.deadLetter(msg, 'malformed', parsed.failure, null)
    const decoded = this.decode(parsed.success)
    if (Result.isFailure(decoded))
      return this.deadLetter(
        msg,
        'malformed',
        `malformed: does not match the schema (${describeIssue(decoded.failure.issue)})`,
        typeof msg.messageId === 'string' ? msg.messageId : null,
      )
    const message = decoded.success
    // One subject's messages are handled in arrival order, even with concurrency > 1.
    const subject = message.subject
    const previous = subject === undefined ? undefined : this.lastOfSubject.get(subject)
    const run = (previous ?? Promise.resolve()).then(() => this.handleOnce(msg, message))
    if (subject !== undefined) {
      const done = run.then(
        () => undefined,
        () => undefined,
      )
      this.lastOfSubject.set(subject, done)
      void done.then(() => {
        if (this.lastOfSubject.get(subject) === done) this.lastOfSubject.delete(subject)
      })
    }
    return run
  }

  private async handleOnce(msg: AsyncMessage, message: A): Promise<ConsumerStatus> {
    const id = message.id
    // A duplicate arriving while the original is being handled waits for its outcome.
    for (let other = this.inFlight.get(id); other !== undefined; other = this.inFlight.get(id)) await other
    let release: () => void = () => {}
    this.inFlight.set(
      id,
      new Promise<void>((resolve) => {
        release = resolve
      }),
    )
    try {
      if (await this.alreadyProcessed(id)) {
        this.counts.duplicates++
        this.outcome({ kind: 'duplicate', id })
        return ConsumerStatus.ACK
      }
      const attempt = attemptOf(msg)
      try {
        await this.spec.handler(message, {
          attempt,
          redelivered: msg.redelivered,
          routingKey: msg.routingKey,
        })
      } catch (err) {
        return await this.failed(msg, id, attempt, describeError(err))
      }
      await this.recordProcessed(id)
      this.counts.handled++
      this.outcome({ kind: 'handled', id, attempt })
      return ConsumerStatus.ACK
    } finally {
      this.inFlight.delete(id)
      release()
    }
  }

  /** A store that cannot answer counts as "not yet": at-least-once, never a lost event. */
  private async alreadyProcessed(id: string): Promise<boolean> {
    try {
      return (await this.spec.processed?.has(id)) === true
    } catch (err) {
      this.options.onError?.(this.queue, err)
      return false
    }
  }

  /** The handler succeeded: failing to record that only risks a duplicate, so the message is acked. */
  private async recordProcessed(id: string): Promise<void> {
    try {
      await this.spec.processed?.add(id)
    } catch (err) {
      this.options.onError?.(this.queue, err)
    }
  }

  private async failed(
    msg: AsyncMessage,
    id: string,
    attempt: number,
    error: string,
  ): Promise<ConsumerStatus> {
    if (attempt >= this.maxRetries)
      return this.deadLetter(
        msg,
        'exhausted',
        `handler failed ${attempt + 1} time(s), retries exhausted: ${error}`,
        id,
      )
    await this.republish(
      msg,
      retryQueueOf(this.queue),
      {
        [ATTEMPT_HEADER]: attempt + 1,
        [LAST_ERROR_HEADER]: clip(error),
      },
      String(this.retryDelayMs),
    )
    this.counts.retried++
    this.outcome({ kind: 'retry', id, attempt: attempt + 1, error })
    return ConsumerStatus.ACK
  }

  private async deadLetter(
    msg: AsyncMessage,
    kind: 'malformed' | 'exhausted',
    reason: string,
    id: string | null,
  ): Promise<ConsumerStatus> {
    await this.republish(msg, deadLetterQueueOf(this.queue), {
      [DEAD_KIND_HEADER]: kind,
      [DEAD_REASON_HEADER]: clip(reason),
      [DEAD_QUEUE_HEADER]: this.queue,
      [ATTEMPT_HEADER]: attemptOf(msg),
    })
    this.counts.deadLettered++
    this.outcome({ kind: 'dead-lettered', id, reason })
    return ConsumerStatus.ACK
  }

  /**
   * Re-publishes a copy through the default exchange straight to `queue`, waiting for the broker's
   * confirm. If that fails the error propagates: the library then nacks without requeue and the
   * main queue dead-letters the original into `<queue>.dlq` (or, if the channel is gone, the broker
   * redelivers it).
   */
  private async republish(
    msg: AsyncMessage,
    queue: string,
    headers: Record<string, string | number>,
    expiration?: string,
  ): Promise<void> {
    const envelope: Envelope = {
      exchange: '',
      routingKey: queue,
      durable: true,
      headers: { ...copiedHeaders(msg), ...headers, 'x-innkeeper-routing-key': msg.routingKey },
    }
    if (msg.contentType !== undefined) envelope.contentType = msg.contentType
    if (msg.messageId !== undefined) envelope.messageId = msg.messageId
    if (msg.type !== undefined) envelope.type = msg.type
    if (msg.appId !== undefined) envelope.appId = msg.appId
    if (msg.timestamp !== undefined) envelope.timestamp = msg.timestamp
    if (expiration !== undefined) envelope.expiration = expiration
    await this.republisher.send(envelope, bodyBytes(msg.body))
  }
}
