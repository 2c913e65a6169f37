import { Effect } from 'effect'
import { PayoutRejected } from '../../core/domain/payouts/errors.js'
import { PaymentProviderUnavailable } from '../../core/domain/shared/errors.js'
import type { Currency } from '../../core/domain/shared/money.js'
import type { PayoutGateway, Transfer, TransferRequest } from '../../ports/payouts.js'

/** What Stripe calls a connected account id. */
const ACCOUNT_PATTERN = /^acct_[A-Za-z0-9]{1,64}$/

interface Stored {
  readonly request: TransferRequest
  readonly transfer: Transfer
}

/**
 * A payout provider in memory, behaving as Stripe Connect transfers do: a transfer to an
 * `acct_…` account; the same idempotency key with the same parameters returns the first transfer,
 * with other parameters it is refused. Tests close accounts and make the provider unreachable.
 */
export class InMemoryPayoutGateway implements PayoutGateway {
  readonly provider = 'memory'
  private readonly byKey = new Map<string, Stored>()
  private readonly log: Transfer[] = []
  private readonly closed = new Set<string>()
  private outages = 0
  private seq = 0
  /** Calls made, including replays and failures. */
  calls = 0

  transfer(request: TransferRequest): Effect.Effect<Transfer, PaymentProviderUnavailable | PayoutRejected> {
    return Effect.suspend((): Effect.Effect<Transfer, PaymentProviderUnavailable | PayoutRejected> => {
      this.calls++
      if (this.outages > 0) {
        this.outages--
        return Effect.fail(
          new PaymentProviderUnavailable({
            provider: this.provider,
            reason: 'unreachable (simulated)',
            retryAfterMs: 1_000,
          }),
        )
      }
      const reject = (reason: string) => Effect.fail(new PayoutRejected({ provider: this.provider, reason }))
      const previous = this.byKey.get(request.idempotencyKey)
      if (previous !== undefined) {
        const p = previous.request
        const same =
          p.amount === request.amount &&
          p.currency === request.currency &&
          p.destination === request.destination
        return same
          ? Effect.succeed(previous.transfer)
          : reject('idempotency key reused with different parameters')
      }
      if (!Number.isSafeInteger(request.amount) || request.amount <= 0)
        return reject('amount must be a positive integer')
      if (!ACCOUNT_PATTERN.test(request.destination) || this.closed.has(request.destination))
        return reject(`no such destination: ${request.destination}`)
      this.seq++
      const transfer: Transfer = {
        transferRef: `tr_mem_${String(this.seq).padStart(8, '0')}`,
        amount: request.amount,
        currency: request.currency,
        destination: request.destination,
      }
      this.byKey.set(request.idempotencyKey, { request, transfer })
      this.log.push(transfer)
      return Effect.succeed(transfer)
    })
  }

  /** Every transfer made (replays of a key are not new transfers), in order. */
  transfers(): readonly Transfer[] {
    return [...this.log]
  }

  /** What was transferred to a destination in a currency, in total. */
  totalTo(destination: string, currency: Currency): number {
    let sum = 0
    for (const t of this.log) if (t.destination === destination && t.currency === currency) sum += t.amount
    return sum
  }

  /** Refuses every later transfer to the account (closed at the provider). */
  closeAccount(destination: string): void {
    this.closed.add(destination)
  }

  /** The next `count` calls find the provider unreachable. */
  failNext(count = 1): void {
    this.outages += count
  }

  /** The provider is reachable again (outages still queued are dropped). */
  recover(): void {
    this.outages = 0
  }
}
