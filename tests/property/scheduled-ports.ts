import { Effect } from 'effect'
import type fc from 'fast-check'

/**
 * Puts a fast-check scheduler in front of every call of an effectful port: each call waits until
 * the scheduler lets it run, so concurrent use cases interleave at every I/O step in whatever order
 * the scheduler picks (and fast-check can shrink a bad order), as they would against a database.
 * While `gate.open` is false calls pass straight through (set-up).
 */
export const scheduledPort = <T extends object>(
  s: fc.Scheduler,
  name: string,
  port: T,
  gate: { open: boolean },
): T =>
  new Proxy(port, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) =>
        Effect.flatMap(
          Effect.promise(() =>
            gate.open ? s.schedule(Promise.resolve(), `${name}.${String(prop)}`) : Promise.resolve(),
          ),
          () => value.apply(target, args) as Effect.Effect<unknown, unknown>,
        )
    },
  })

/** The ports whose calls are I/O in a real deployment (clock, ids and hashing are not raced). */
export const racedPorts = new Set([
  'AvailabilityStore',
  'BookingRepository',
  'PaymentRepository',
  'ListingRepository',
  'UserRepository',
  'PaymentGateway',
  'ReviewRepository',
])
