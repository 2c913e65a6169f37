import type { Effect } from 'effect'
import { runToPromise } from './run-to-promise.js'
import type { UseCases } from './use-cases.js'

/**
 * One use case as a Promise-returning function: the same parameters as its `execute`, resolving
 * with the value and rejecting with the typed error itself (a tagged error with `_tag` and `code`).
 * `isFailure(e)` narrows a caught value to the use case's error union without casts:
 *
 *     try { await promises.requestBooking(guest, stay) }
 *     catch (e) {
 *       if (!promises.requestBooking.isFailure(e)) throw e // a defect, not an expected failure
 *       switch (e.code) { case 'nights_unavailable': e.nights; break; … }
 *     }
 */
export type PromiseMethod<U> = U extends {
  execute(...args: infer P): Effect.Effect<infer A, infer E>
}
  ? ((...args: P) => Promise<A>) & {
      /**
       * True when `e` is an expected failure that this method rejected with (never for a defect, or
       * for another method's failure): narrows `e` to the use case's typed error union.
       */
      readonly isFailure: (e: unknown) => e is E
    }
  : never

/** The errors a use case's Promise may reject with (for `catch` clauses that narrow on `_tag`). */
export type PromiseError<U> = U extends { execute(...args: infer _P): Effect.Effect<infer _A, infer E> }
  ? E
  : never

/** Every use case, for callers that do not use Effect. */
export type PromiseFacade<T = UseCases> = { readonly [K in keyof T]: PromiseMethod<T[K]> }

interface Executable {
  execute(...args: readonly never[]): Effect.Effect<unknown, unknown>
}

/** One facade method and the guard that recognises its own expected failures. */
const promiseMethod = (useCase: Executable) => {
  // Identity, not shape: a method's failures are the error objects it rejected with, so the guard
  // is exact (a look-alike, a defect or another method's failure is not one).
  const failures = new WeakSet<object>()
  const remember = (e: unknown) => {
    if (typeof e === 'object' && e !== null) failures.add(e)
  }
  return Object.assign((...args: readonly never[]) => runToPromise(useCase.execute(...args), remember), {
    isFailure: (e: unknown): boolean => typeof e === 'object' && e !== null && failures.has(e),
  })
}

/**
 * Wraps each use case's `execute` into a function returning a Promise. The use cases are shared,
 * not copied: the facade is as stateless as they are (each method only remembers, weakly, the
 * errors it rejected with).
 */
export const promiseFacade = <T extends { readonly [K in keyof T]: Executable }>(
  useCases: T,
): PromiseFacade<T> => {
  const out: Record<string, ReturnType<typeof promiseMethod>> = {}
  for (const [name, useCase] of Object.entries(useCases) as [string, Executable][])
    out[name] = promiseMethod(useCase)
  return out as unknown as PromiseFacade<T>
}
