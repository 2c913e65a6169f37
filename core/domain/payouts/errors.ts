import { Data } from 'effect'

/**
 * The payout provider could not be reached (network errors, timeouts, 429 or 5xx after the
 * adapter's bounded retries). Nothing moved: the payout stays pending and is tried again with the
 * same idempotency key, so it is never paid twice.
 */
export class PayoutProviderUnavailable extends Data.TaggedError('PayoutProviderUnavailable')<{
  readonly provider: string
  readonly reason: string
}> {
  readonly code = 'payout_provider_unavailable' as const
  override get message(): string {
    return `the payout provider ${this.provider} is unavailable: ${this.reason}`
  }
}

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
