import { Effect, Exit } from 'effect'
import type { InMemoryEventPublisher, ProviderDelivery } from '../../adapters/memory/index.js'
import { earningTypes } from '../../core/application/record-earnings.js'
import type { RelayResult } from '../../core/application/relay-outbox.js'
import type { PayoutRunReport } from '../../core/application/run-due-payouts.js'
import type { DueReport } from '../../core/application/run-due-transitions.js'
import type { DomainEvent } from '../../core/domain/events/events.js'
import { runToPromise } from './run-to-promise.js'
import type { UseCases } from './use-cases.js'

/**
 * Which background tasks a process runs. One process per deployment runs the shared ones (timers,
 * relay, notifications, earnings, payouts): the API itself while repositories are in its memory,
 * the worker (`npm run worker`) once they are shared (Mongo). Webhooks of the in-memory payment
 * provider are queued in the process that created the payment, so that process always delivers them.
 */
export interface BackgroundTasks {
  /** Deliver the in-memory payment provider's queued webhooks (process-local). */
  readonly webhooks: boolean
  /** Due transitions: hold expiry, check-in and check-out, review reveal. */
  readonly timers: boolean
  /** The outbox relay: pending events to the publisher. */
  readonly relay: boolean
  /** Notifications of the events this process publishes in memory (NotifyOnEvent). */
  readonly notifications: boolean
  /** The payout ledger follows the booking events this process publishes in memory. */
  readonly earnings: boolean
  /** Due host payouts opened and transferred. */
  readonly payouts: boolean
}

/** Everything: a process that is the whole deployment (in-memory repositories, tests, simulations). */
export const allTasks: BackgroundTasks = {
  webhooks: true,
  timers: true,
  relay: true,
  notifications: true,
  earnings: true,
  payouts: true,
}

/** An API process on shared repositories: the worker owns the rest. */
export const apiOnSharedStoreTasks: BackgroundTasks = {
  webhooks: true,
  timers: false,
  relay: false,
  notifications: false,
  earnings: false,
  payouts: false,
}

export interface TickReport {
  readonly due: DueReport
  readonly revealedReviews: number
  readonly paymentEvents: number
  readonly relayed: number
  /** Events the broker did not confirm in this turn's relay runs (they stay pending). */
  readonly relayFailed: number
  readonly payouts: PayoutRunReport
}

const noDue: DueReport = { applied: 0, skipped: 0, byTransition: {}, reviewsRevealed: 0 }
const noPayouts: PayoutRunReport = { created: 0, paid: 0, failed: 0, unavailable: 0, deferred: 0, skipped: 0 }
const noRelay: RelayResult = { published: 0, failed: 0 }

/** The use cases the runner drives (the payout and webhook ones only for those tasks). */
export type RunnerUseCases = Pick<UseCases, 'relayOutbox' | 'runDueTransitions' | 'notifyOnEvent'> &
  Partial<Pick<UseCases, 'recordEarnings' | 'runDuePayouts' | 'applyPaymentEvent'>>

export interface BackgroundRunnerParts {
  readonly useCases: RunnerUseCases
  /** Takes the webhooks the in-memory provider queued (none when another provider is bound). */
  readonly takeDeliveries?: () => ProviderDelivery[]
  /** The in-process publisher whose events notifications and earnings follow (those tasks only). */
  readonly publisher?: InMemoryEventPublisher
}

const needs = <A>(what: A | undefined, name: string): A => {
  if (what === undefined) throw new Error(`BackgroundRunner: this task needs ${name}`)
  return what
}

/**
 * The one background runner: each task is one method here, used by `engine.tick()` (one turn of
 * all of them, in order) and by the worker's loops (apps/worker/worker.ts runs `timers`, `relay` and
 * `payouts` on their own intervals), so the API's in-memory mode and the worker run the same code.
 * Several runners may share repositories: optimistic versions let one apply a due transition and make
 * the others skip it; the relay delivers at least once and consumers de-duplicate by event id.
 */
export class BackgroundRunner {
  private readonly notifying = new Set<Promise<unknown>>()
  private readonly earningEvents: DomainEvent[] = []

  constructor(
    private readonly parts: BackgroundRunnerParts,
    readonly tasks: BackgroundTasks = allTasks,
  ) {
    const { useCases, publisher } = parts
    if (tasks.notifications)
      // The in-process consumer of published events: notifications, as the worker does with a broker.
      needs(publisher, 'an in-memory publisher').subscribe((event) => {
        const p: Promise<unknown> = Effect.runPromise(useCases.notifyOnEvent.execute(event)).finally(() =>
          this.notifying.delete(p),
        )
        this.notifying.add(p)
      })
    if (tasks.earnings)
      // Booking events that change what a host earns are kept as they are published and recorded by
      // the next turn, after its relay (RecordEarnings reconciles, so a redelivery writes nothing).
      needs(publisher, 'an in-memory publisher').subscribe((event) => {
        if (earningTypes.includes(event.type)) this.earningEvents.push(event)
      })
  }

  /** Delivers the webhooks the in-memory payment provider has queued, in order; returns how many. */
  async webhooks(): Promise<number> {
    let delivered = 0
    for (const d of this.parts.takeDeliveries?.() ?? []) {
      // A webhook that fails to apply is redelivered by the provider; here it is simply retried once.
      const apply = needs(this.parts.useCases.applyPaymentEvent, 'applyPaymentEvent')
      const exit = await Effect.runPromiseExit(apply.execute(d))
      if (Exit.isFailure(exit)) await Effect.runPromiseExit(apply.execute(d))
      delivered++
    }
    return delivered
  }

  /** Applies due transitions (one process applies a given one: optimistic versions decide). */
  timers(limit = 10_000): Promise<DueReport> {
    return runToPromise(this.parts.useCases.runDueTransitions.execute({ limit }))
  }

  /** Publishes pending outbox events, then waits for the in-process notifications they caused. */
  async relay(batchSize = 1_000): Promise<RelayResult> {
    const r = await runToPromise(this.parts.useCases.relayOutbox.execute({ batchSize }))
    await Promise.all(this.notifying)
    return r
  }

  /** Records the earnings of the booking events published since the last call; returns rows written. */
  async earnings(): Promise<number> {
    let written = 0
    const record = needs(this.parts.useCases.recordEarnings, 'recordEarnings')
    for (const event of this.earningEvents.splice(0)) {
      // A lost race is retried once here; the next delivery of any event of the booking heals the rest.
      let exit = await Effect.runPromiseExit(record.execute(event))
      if (Exit.isFailure(exit)) exit = await Effect.runPromiseExit(record.execute(event))
      if (Exit.isSuccess(exit)) written += exit.value
    }
    return written
  }

  /** Opens and transfers due host payouts. */
  payouts(limit = 10_000): Promise<PayoutRunReport> {
    return runToPromise(needs(this.parts.useCases.runDuePayouts, 'runDuePayouts').execute({ limit }))
  }

  /**
   * One turn of the tasks this process runs: payment webhooks, due transitions (review reveals
   * included), outbox relay (published events reach the in-process notifications), the payout
   * ledger's earnings from the events relayed, due host payouts, and a second relay for what those wrote.
   */
  async tick(): Promise<TickReport> {
    const t = this.tasks
    const paymentEvents = t.webhooks ? await this.webhooks() : 0
    const due = t.timers ? await this.timers() : noDue
    const relayed = t.relay ? await this.relay() : noRelay
    // The ledger takes in the booking changes just relayed; payouts come after, so they see them.
    const earnings = t.earnings ? await this.earnings() : 0
    const payouts = t.payouts ? await this.payouts() : noPayouts
    let { published, failed } = relayed
    if (t.relay && earnings + payouts.created + payouts.paid + payouts.failed > 0) {
      const again = await this.relay()
      published += again.published
      failed += again.failed
    }
    return {
      due,
      revealedReviews: due.reviewsRevealed,
      paymentEvents,
      relayed: published,
      relayFailed: failed,
      payouts,
    }
  }
}
