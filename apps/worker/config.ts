import { Result, Schema } from 'effect'
import { issueLines } from '../../core/domain/shared/validation.js'
import { type PaymentsConfig, PaymentsEnv, paymentsOf } from '../api/config.js'
import {
  decodeEnv,
  type InfrastructureConfig,
  loadInfrastructureConfig,
} from '../composition/infrastructure.js'
import { loadStoreConfig, type StoreConfig } from '../composition/store.js'
import { type ConsumerName, consumerNames } from './consumers.js'

const IntString = (min: number, max: number) =>
  Schema.String.check(
    Schema.makeFilter(
      (s: string) =>
        (/^\d+$/.test(s) && Number(s) >= min && Number(s) <= max) ||
        `Expected a whole number between ${min} and ${max}`,
    ),
  )
const ConsumerList = Schema.String.check(
  Schema.makeFilter((s: string) => {
    const names = s.split(',').map((n) => n.trim())
    const unknown = names.filter((n) => !(consumerNames as readonly string[]).includes(n))
    return (
      unknown.length === 0 ||
      `Expected a comma-separated list of: ${consumerNames.join(', ')} (got ${unknown.join(', ')})`
    )
  }),
)

/** The worker process's own variables (the infrastructure ones are read by loadInfrastructureConfig). */
const WorkerEnv = Schema.Struct({
  LOG_LEVEL: Schema.optionalKey(
    Schema.Literals(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  ),
  INNKEEPER_WORKER_CONSUMERS: Schema.optionalKey(ConsumerList),
  INNKEEPER_WORKER_QUEUE_PREFIX: Schema.optionalKey(
    Schema.String.check(
      Schema.makeFilter(
        (s: string) =>
          /^[A-Za-z0-9._-]{1,120}$/.test(s) ||
          'Expected 1 to 120 letters, digits, dots, dashes or underscores',
      ),
    ),
  ),
  INNKEEPER_WORKER_MAX_RETRIES: Schema.optionalKey(IntString(0, 100)),
  INNKEEPER_WORKER_RETRY_DELAY_MS: Schema.optionalKey(IntString(0, 3_600_000)),
  INNKEEPER_WORKER_CONCURRENCY: Schema.optionalKey(IntString(1, 1_000)),
  INNKEEPER_WORKER_DEDUPE_TTL_MS: Schema.optionalKey(IntString(1_000, 30 * 24 * 3_600_000)),
  INNKEEPER_WORKER_RELAY_MS: Schema.optionalKey(IntString(10, 60_000)),
  INNKEEPER_WORKER_TIMERS_MS: Schema.optionalKey(IntString(10, 3_600_000)),
  INNKEEPER_WORKER_PAYOUTS_MS: Schema.optionalKey(IntString(10, 24 * 3_600_000)),
  /** Runs this worker's clock ahead (tests and drills: what the timers will do later). Never in production. */
  INNKEEPER_WORKER_CLOCK_AHEAD_MS: Schema.optionalKey(IntString(0, 366 * 24 * 3_600_000)),
  INNKEEPER_WORKER_METRICS_PORT: Schema.optionalKey(IntString(0, 65_535)),
})

/** The variable names `loadWorkerConfig` reads besides the infrastructure and store ones. */
export const workerEnvNames: readonly string[] = Object.keys(WorkerEnv.fields)

export interface WorkerConfig {
  readonly infrastructure: InfrastructureConfig
  /**
   * Where the repositories live. With a shared store (mongo) the worker owns the background work:
   * the outbox relay, the timers (due transitions, hold expiry, review reveal), payouts and the
   * consumers that read repositories (notifications, payouts).
   */
  readonly store: StoreConfig
  /** The payment provider the timers void and refund through (a shared store needs a real one). */
  readonly payments: PaymentsConfig
  /** Intervals of the loops it runs on a shared store, ms. */
  readonly loops: { readonly relayMs: number; readonly timersMs: number; readonly payoutsMs: number }
  /** How far this worker's clock runs ahead of the system time (0 but in tests and drills). */
  readonly clockAheadMs: number
  readonly logLevel: string
  readonly consumers: readonly ConsumerName[]
  readonly queuePrefix: string
  readonly maxRetries: number
  readonly retryDelayMs: number
  readonly concurrency: number
  /** How long consumed event ids are remembered for de-duplication. */
  readonly dedupeTtlMs: number
  /**
   * The port of the worker's Prometheus endpoint (`GET /metrics`: outbox backlog and lag, relay
   * results, broker connection, consumer outcomes, process metrics); null: none.
   */
  readonly metricsPort: number | null
}

/**
 * The standalone worker's configuration, validated: every bad value is reported with its variable,
 * and combinations that cannot work in a separate process are refused with the reason.
 */
export const loadWorkerConfig = (
  env: Readonly<Record<string, string | undefined>>,
): Result.Result<WorkerConfig, string[]> => {
  const problems: string[] = []
  const infra = loadInfrastructureConfig(env)
  if (Result.isFailure(infra)) problems.push(...infra.failure)
  const storeLoaded = loadStoreConfig(env)
  if (Result.isFailure(storeLoaded)) problems.push(...storeLoaded.failure)
  const paymentsLoaded = decodeEnv(PaymentsEnv, env)
  if (Result.isFailure(paymentsLoaded)) problems.push(...paymentsLoaded.failure)
  const picked = Object.fromEntries(
    Object.keys(WorkerEnv.fields)
      .filter((k) => env[k] !== undefined)
      .map((k) => [k, env[k]]),
  )
  const decoded = Schema.decodeUnknownResult(WorkerEnv)(picked, { errors: 'all' })
  if (Result.isFailure(decoded)) problems.push(...issueLines(decoded.failure.issue))
  if (
    Result.isFailure(infra) ||
    Result.isFailure(decoded) ||
    Result.isFailure(storeLoaded) ||
    Result.isFailure(paymentsLoaded)
  )
    return Result.fail(problems)
  const paid = paymentsOf(paymentsLoaded.success, 'development')
  problems.push(...paid.problems)
  const e = decoded.success
  const infrastructure = infra.success
  const store = storeLoaded.success
  const shared = store.kind !== 'memory'
  // On a shared store the consumers that read repositories run here; with in-memory events the
  // worker's own relay feeds them in process, so only cache invalidation needs RabbitMQ.
  const defaultConsumers = !shared
    ? 'cache-invalidation'
    : infrastructure.events !== 'amqp'
      ? ''
      : [
          'notifications',
          'payouts',
          ...(infrastructure.cache === 'redis' ? ['cache-invalidation'] : []),
        ].join()
  const consumers = [
    ...new Set(
      (e.INNKEEPER_WORKER_CONSUMERS ?? defaultConsumers)
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n !== ''),
    ),
  ] as ConsumerName[]
  if (shared && paid.payments.provider === 'memory')
    problems.push(
      'INNKEEPER_PAYMENTS: the timers void and refund payments through the provider, and the in-memory one lives in the API process (which then runs the background work itself): set INNKEEPER_PAYMENTS=stripe (and its keys) for a worker on a shared store',
    )
  if (shared && infrastructure.events !== 'amqp') {
    if (consumers.length > 0)
      problems.push(
        'INNKEEPER_WORKER_CONSUMERS: with in-memory events the worker notifies and records earnings in process as its relay publishes; queue consumers need INNKEEPER_EVENTS=amqp',
      )
  } else if (infrastructure.events !== 'amqp')
    problems.push(
      'INNKEEPER_EVENTS: the worker process consumes from RabbitMQ: set INNKEEPER_EVENTS=amqp (with in-memory events the API process runs its consumers itself)',
    )
  if (!shared && consumers.includes('notifications'))
    problems.push(
      'INNKEEPER_WORKER_CONSUMERS: notifications look up the users an event concerns, and while repositories are in memory they live in the API process: run the notifications consumer there (startWorker with an AMQP event source), or share them with INNKEEPER_STORE=mongo',
    )
  if (!shared && consumers.includes('payouts'))
    problems.push(
      'INNKEEPER_WORKER_CONSUMERS: the payouts consumer reads bookings and writes the payout ledger, which live in the API process while repositories are in memory: run it there, or share them with INNKEEPER_STORE=mongo',
    )
  if (consumers.includes('cache-invalidation') && infrastructure.cache !== 'redis')
    problems.push(
      'INNKEEPER_CACHE: the cache-invalidation consumer of a separate process needs the cache the API uses: set INNKEEPER_CACHE=redis (for both)',
    )
  if (problems.length > 0) return Result.fail(problems)
  const ms = (v: string | undefined, d: number) => (v === undefined ? d : Number(v))
  return Result.succeed({
    infrastructure,
    store,
    payments: paid.payments,
    loops: {
      relayMs: ms(e.INNKEEPER_WORKER_RELAY_MS, 250),
      timersMs: ms(e.INNKEEPER_WORKER_TIMERS_MS, 1_000),
      payoutsMs: ms(e.INNKEEPER_WORKER_PAYOUTS_MS, 60_000),
    },
    clockAheadMs: ms(e.INNKEEPER_WORKER_CLOCK_AHEAD_MS, 0),
    logLevel: e.LOG_LEVEL ?? 'info',
    consumers,
    queuePrefix: e.INNKEEPER_WORKER_QUEUE_PREFIX ?? 'innkeeper.worker',
    maxRetries: e.INNKEEPER_WORKER_MAX_RETRIES === undefined ? 5 : Number(e.INNKEEPER_WORKER_MAX_RETRIES),
    retryDelayMs:
      e.INNKEEPER_WORKER_RETRY_DELAY_MS === undefined ? 5_000 : Number(e.INNKEEPER_WORKER_RETRY_DELAY_MS),
    concurrency: e.INNKEEPER_WORKER_CONCURRENCY === undefined ? 8 : Number(e.INNKEEPER_WORKER_CONCURRENCY),
    dedupeTtlMs:
      e.INNKEEPER_WORKER_DEDUPE_TTL_MS === undefined
        ? 7 * 24 * 3_600_000
        : Number(e.INNKEEPER_WORKER_DEDUPE_TTL_MS),
    metricsPort:
      e.INNKEEPER_WORKER_METRICS_PORT === undefined ? null : Number(e.INNKEEPER_WORKER_METRICS_PORT),
  })
}
