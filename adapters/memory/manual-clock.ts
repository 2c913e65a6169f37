import { type Instant, instant } from '../../core/shared/time.js'
import type { Clock } from '../../ports/clock.js'

/** 2026-01-01T00:00:00Z: a fixed default start so runs are reproducible. */
export const DEFAULT_START = instant(Date.UTC(2026, 0, 1))

/** A clock that moves only when told to: for tests and simulations. */
export class ManualClock implements Clock {
  private current: number

  constructor(start: Instant | number = DEFAULT_START) {
    this.current = start
  }

  now(): Instant {
    return instant(this.current)
  }

  set(at: Instant | number): void {
    this.current = at
  }

  advance(ms: number): Instant {
    this.current += ms
    return instant(this.current)
  }
}
