import type { ConsumerStats } from '../../adapters/amqp/index.js'
import type { Cache } from '../../ports/cache.js'
import { allTasks, BackgroundRunner, type RunnerUseCases } from '../composition/background.js'
import {
  type ConsumerName,
  cacheInvalidationConsumer,
  defaultConsumerNames,
  notificationsConsumer,
  payoutsConsumer,
} from './consumers.js'
import type { EventSource, Subscription, SubscriptionHandle } from './event-sources.js'

/** What the worker logs through; pino's Logger fits. */
export interface WorkerLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}
const silent: WorkerLog = { info: () => {}, warn: () => {}, error: () => {} }

export interface LoopSettings {
  /** Pause between runs, ms. A run that found a full batch is followed at once by the next. */
  readonly intervalMs?: number
}

export interface StartWorkerOptions {
  /**
   * The engine whose outbox the relay publishes, whose bookings the timers move, and whose users
   * the notifications are addressed to. Needed for the relay, the timers and notifications.
   */
  readonly useCases?: RunnerUseCases
  /**
   * The background runner the loops drive (an engine's `background`); by default one is made on
   * `useCases`. Either way the relay, timer and payout steps are the runner's: the same code
   * `engine.tick()` runs.
   */
  readonly runner?: BackgroundRunner
  /** The outbox relay loop (default: off). */
  readonly relay?: false | (LoopSettings & { readonly batchSize?: number })
  /** The timer loop for due transitions (default: off). */
  readonly timers?: false | (LoopSettings & { readonly limit?: number })
  /** The payout loop: due host payouts opened and transferred (default: off; needs `runDuePayouts`). */
  readonly payouts?: false | (LoopSettings & { readonly limit?: number })
  /** The built-in consumers (default: none). */
  readonly consumers?:
    | false
    | {
        readonly source: EventSource
        /** Which ones (default: notifications and cache invalidation). */
        readonly names?: readonly ConsumerName[]
        /** The cache the invalidation consumer drops entries from. */
        readonly cache?: Cache
      }
  readonly log?: WorkerLog
  /** Told each relay run's result (the worker's metrics). */
  readonly onRelay?: (result: { readonly published: number; readonly failed: number }) => void
}

export interface WorkerStats {
  readonly relayed: number
  readonly relayFailed: number
  readonly transitionsApplied: number
  /** Due bookings a concurrent writer changed first (another worker applied the transition). */
  readonly transitionsSkipped: number
  readonly payoutsCreated: number
  readonly payoutsPaid: number
  readonly consumers: Readonly<Partial<Record<ConsumerName, ConsumerStats>>>
}

export interface Worker {
  /** Resolves once every consumer is subscribed (its queue declared and bound). */
  readonly ready: Promise<void>
  stats(): WorkerStats
  /** One run of the relay (until the outbox has no full batch left) and of the timers, now. */
  runOnce(): Promise<void>
  /**
   * Graceful stop: the loops finish their current run and stop; the consumers stop taking messages
   * and wait for the ones in flight to be handled and acknowledged. Idempotent.
   */
  close(): Promise<void>
}

/** A loop that runs `step` every `intervalMs`, never two runs at once; `step` says "run again now". */
class Loop {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private stopped = false

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly step: () => Promise<boolean>,
    private readonly log: WorkerLog,
  ) {}

  start(): void {
    this.schedule(0)
  }

  /** Runs now (or waits for the run in progress); the regular schedule continues after. */
  runNow(): Promise<void> {
    if (this.running !== null) return this.running
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.running = this.drain().finally(() => {
      this.running = null
      if (!this.stopped) this.schedule(this.intervalMs)
    })
    return this.running
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    await this.running
  }

  private schedule(ms: number): void {
    if (this.stopped || this.timer !== null) return
    this.timer = setTimeout(() => {
      this.timer = null
      void this.runNow()
    }, ms)
  }

  private async drain(): Promise<void> {
    try {
      // A full batch means more is waiting: keep going (bounded, so a stop is never starved).
      for (let i = 0; i < 100 && !this.stopped; i++) if (!(await this.step())) return
    } catch (err) {
      this.log.error({ err, loop: this.name }, `${this.name} run failed`)
    }
  }
}

/**
 * The background worker: the outbox relay, the timer loop for due transitions and the built-in
 * consumers (notifications → Notifier port, cache invalidation → Cache port), each optional. The
 * API process calls it in-process for the relay and timers (its repositories are in memory); a
 * standalone worker process (apps/worker/main.ts) runs the consumers on RabbitMQ.
 *
 * Several workers may run the timers on the same repositories: the repositories' optimistic
 * versioning lets one apply a transition and makes the others skip it (ConcurrentModification,
 * handled inside RunDueTransitions), so each transition is applied once.
 */
export const startWorker = (options: StartWorkerOptions): Worker => {
  const log = options.log ?? silent
  const { useCases } = options
  const needs = (what: string) => {
    if (useCases === undefined) throw new Error(`startWorker: ${what} needs the engine's use cases`)
    return useCases
  }
  const counters = {
    relayed: 0,
    relayFailed: 0,
    transitionsApplied: 0,
    transitionsSkipped: 0,
    payoutsCreated: 0,
    payoutsPaid: 0,
  }
  const loops: Loop[] = []
  let runner: BackgroundRunner | null = options.runner ?? null
  const runnerFor = (what: string): BackgroundRunner => {
    runner ??= new BackgroundRunner(
      { useCases: needs(what) },
      { ...allTasks, notifications: false, earnings: false, webhooks: false },
    )
    return runner
  }

  if (options.relay) {
    const r0 = runnerFor('the outbox relay')
    const batchSize = options.relay.batchSize ?? 500
    loops.push(
      new Loop(
        'outbox relay',
        options.relay.intervalMs ?? 250,
        async () => {
          const r = await r0.relay(batchSize)
          // Events published in process feed the payout ledger here (over RabbitMQ its consumer does).
          if (r0.tasks.earnings) await r0.earnings()
          counters.relayed += r.published
          counters.relayFailed += r.failed
          options.onRelay?.(r)
          if (r.failed > 0) log.warn({ failed: r.failed }, 'broker did not confirm; events stay pending')
          return r.published === batchSize
        },
        log,
      ),
    )
  }
  if (options.timers) {
    const r0 = runnerFor('the timer loop')
    const limit = options.timers.limit ?? 500
    loops.push(
      new Loop(
        'due transitions',
        options.timers.intervalMs ?? 1_000,
        async () => {
          const r = await r0.timers(limit)
          counters.transitionsApplied += r.applied
          counters.transitionsSkipped += r.skipped
          if (r.applied > 0 || r.skipped > 0)
            log.info(
              { applied: r.applied, skipped: r.skipped, byTransition: r.byTransition },
              'due transitions',
            )
          return r.applied + r.skipped >= limit
        },
        log,
      ),
    )
  }

  if (options.payouts) {
    if (options.runner === undefined && needs('the payout loop').runDuePayouts === undefined)
      throw new Error('startWorker: the payout loop needs runDuePayouts')
    const r0 = runnerFor('the payout loop')
    const limit = options.payouts.limit ?? 500
    loops.push(
      new Loop(
        'due payouts',
        options.payouts.intervalMs ?? 60_000,
        async () => {
          const r = await r0.payouts(limit)
          counters.payoutsCreated += r.created
          counters.payoutsPaid += r.paid
          if (r.created + r.paid + r.failed + r.unavailable > 0) log.info({ ...r }, 'due payouts')
          return r.created + r.skipped >= limit
        },
        log,
      ),
    )
  }

  const handles = new Map<ConsumerName, SubscriptionHandle>()
  if (options.consumers) {
    const { source } = options.consumers
    const names = options.consumers.names ?? defaultConsumerNames
    for (const name of names) {
      let subscription: Subscription
      if (name === 'notifications') {
        subscription = notificationsConsumer(needs('the notifications consumer'), {
          sent: (event, notices) => {
            if (notices === 0)
              log.info({ eventId: event.id, type: event.type }, 'event concerns no active user')
          },
        })
      } else if (name === 'payouts') {
        const recordEarnings = needs('the payouts consumer').recordEarnings
        if (recordEarnings === undefined)
          throw new Error('startWorker: the payouts consumer needs recordEarnings')
        subscription = payoutsConsumer({ recordEarnings })
      } else {
        const cache = options.consumers.cache
        if (cache === undefined) throw new Error('startWorker: the cache-invalidation consumer needs a cache')
        subscription = cacheInvalidationConsumer(cache)
      }
      handles.set(name, source.subscribe(subscription))
    }
  }

  for (const loop of loops) loop.start()
  const ready = Promise.all([...handles.values()].map((h) => h.ready)).then(() => {
    log.info({ consumers: [...handles.keys()], loops: loops.length }, 'worker ready')
  })
  ready.catch(() => undefined)

  let closing: Promise<void> | null = null
  return {
    ready,
    stats: () => ({
      ...counters,
      consumers: Object.fromEntries([...handles].map(([n, h]) => [n, h.stats()])),
    }),
    runOnce: async () => {
      for (const loop of loops) await loop.runNow()
    },
    close: () => {
      closing ??= (async () => {
        await Promise.all(loops.map((l) => l.stop()))
        await Promise.all([...handles.values()].map((h) => h.close()))
        log.info({}, 'worker stopped')
      })()
      return closing
    },
  }
}
