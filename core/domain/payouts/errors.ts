import { Data } from 'effect'
import { PaymentProviderUnavailable } from '../shared/errors.js'

/**
 * A payout provider that cannot be reached fails with `PaymentProviderUnavailable`, the one typed
 * unavailable error of every provider that moves money (payments and payouts go through the same
 * provider, and an outage is one outage): one stable `code` (`payment_provider_unavailable`), one
 * `retryAfterMs`, one 503 with `Retry-After` should it ever reach the API. Nothing moved: the payout
 * stays pending and is tried again without paying twice.
 *
 * @deprecated since 0.3.0: use `PaymentProviderUnavailable` (this is the same class).
 */
export const PayoutProviderUnavailable = PaymentProviderUnavailable
/** @deprecated since 0.3.0: use `PaymentProviderUnavailable`. */
export type PayoutProviderUnavailable = PaymentProviderUnavailable

/**
 * The provider refused the transfer for good (no such connected account, account closed, the
 * idempotency key reused with other parameters). Nothing moved: the payout fails and its amount
 * goes back to the host's balance.
 */
export class PayoutRejected extends Data.TaggedError('PayoutRejected')<{
  readonly provider: string
  readonly reason: string
}> {
  readonly code = 'payout_rejected' as const
  override get message(): string {
    return `the payout provider ${this.provider} refused the transfer: ${this.reason}`
  }
}
