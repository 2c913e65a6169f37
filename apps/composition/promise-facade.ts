import type { Effect } from 'effect'
import { runToPromise } from './run-to-promise.js'
import type { UseCases } from './use-cases.js'

/**
 * One use case as a Promise-returning function: the same parameters as its `execute`, resolving
 * with the value and rejecting with the typed error itself (a tagged error with `_tag` and `code`).
 */
export type PromiseMethod<U> = U extends {
  execute(...args: infer P): Effect.Effect<infer A, infer _E>
}
  ? (...args: P) => Promise<A>
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

/**
 * Wraps each use case's `execute` into a function returning a Promise. The use cases are shared,
 * not copied: the facade is as stateless as they are.
 */
export const promiseFacade = <T extends { readonly [K in keyof T]: Executable }>(
  useCases: T,
): PromiseFacade<T> => {
  const out: Record<string, (...args: readonly never[]) => Promise<unknown>> = {}
  for (const [name, useCase] of Object.entries(useCases) as [string, Executable][])
    out[name] = (...args) => runToPromise(useCase.execute(...args))
  return out as PromiseFacade<T>
}
