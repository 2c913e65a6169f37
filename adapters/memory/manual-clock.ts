import { type Instant, instant } from '../../core/domain/shared/time.js'
import type { Clock } from '../../ports/clock.js'

/** 2026-01-01T00:00:00Z: a fixed default start so runs are reproducible. */
export const DEFAULT_START = instant(Date.UTC(2026, 0, 1))

/**
 * A clock that moves only when told to: for tests and simulations. Given a `source` (e.g. the system
 * time) it follows that source instead, shifted by whatever `advance` and `set` added: the in-memory
 * API server runs on real time, yet a development session can still jump ahead to a check-in day.
 */
export class ManualClock implements Clock {
  private current: number
  private readonly source: (() => number) | undefined

  constructor(start: Instant | number = DEFAULT_START, options: { readonly source?: () => number } = {}) {
    this.source = options.source
    this.current = this.source === undefined ? start : 0
  }

  now(): Instant {
    return instant(this.source === undefined ? this.current : this.source() + this.current)
  }

  set(at: Instant | number): void {
    this.current = this.source === undefined ? at : at - this.source()
  }

  advance(ms: number): Instant {
    this.current += ms
    return this.now()
  }
}
