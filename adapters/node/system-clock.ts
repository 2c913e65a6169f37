import { type Instant, instant } from '../../core/domain/shared/time.js'
import type { Clock } from '../../ports/clock.js'

/** The machine's wall clock. */
export class SystemClock implements Clock {
  now(): Instant {
    return instant(Date.now())
  }
}
