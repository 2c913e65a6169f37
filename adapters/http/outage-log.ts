import type { Logger } from 'pino'

/** How long without another refusal before an outage counts as over (and the next one is new). */
export const OUTAGE_QUIET_MS = 5_000

const serviceOf = (err: unknown): string => {
  if (typeof err !== 'object' || err === null) return 'unknown'
  const { _tag, operation } = err as { _tag?: unknown; operation?: unknown }
  // `idempotency.begin` → `idempotency`: one outage per backing store, whichever command failed.
  if (typeof operation === 'string') return operation.split(/[.\s]/)[0] ?? operation
  return typeof _tag === 'string' ? _tag : 'unknown'
}

interface Outage {
  readonly since: number
  last: number
  refused: number
}

/**
 * Requests refused with 503 because a backing service (idempotency keys, sessions) cannot be
 * reached, logged once per outage: one `warn` at the first refusal (with its error), the rest at
 * `debug`, and one `warn` when the outage is over — the first request answered after
 * `OUTAGE_QUIET_MS` without a refusal — saying how long it lasted and how many requests it refused.
 * An outage of minutes under load is two lines, not one per request.
 */
export class OutageLog {
  private readonly open = new Map<string, Outage>()

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  refused(
    err: unknown,
    request: { readonly requestId: string; readonly method: string; readonly path: string },
  ): void {
    const service = serviceOf(err)
    const now = this.now()
    const outage = this.open.get(service)
    if (outage === undefined || now - outage.last > OUTAGE_QUIET_MS) {
      if (outage !== undefined) this.close(service, outage)
      this.open.set(service, { since: now, last: now, refused: 1 })
      this.logger.warn(
        { err, service, ...request },
        `backing service unreachable (${service}): answering 503 until it is back`,
      )
      return
    }
    outage.last = now
    outage.refused += 1
    this.logger.debug({ service, ...request }, `backing service still unreachable (${service})`)
  }

  /** A request answered without a refusal: closes the outages quiet for long enough. */
  answered(): void {
    if (this.open.size === 0) return
    const now = this.now()
    for (const [service, outage] of this.open)
      if (now - outage.last > OUTAGE_QUIET_MS) this.close(service, outage)
  }

  private close(service: string, outage: Outage): void {
    this.open.delete(service)
    this.logger.warn(
      { service, refused: outage.refused, lastedMs: outage.last - outage.since },
      `backing service reachable again (${service}): ${outage.refused} requests answered 503 over ${outage.last - outage.since} ms`,
    )
  }
}
