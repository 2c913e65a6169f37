import { Cause, Effect, Exit, Option } from 'effect'

/**
 * Unwraps an Exit: the value, or the expected error itself (not a wrapper), or the defect.
 * `onFailure` sees each expected error before it is thrown (the Promise facade remembers which
 * rejections were a use case's typed failures, so that `catch` can narrow to them).
 */
export const runToPromise = async <A, E>(
  effect: Effect.Effect<A, E>,
  onFailure?: (failure: E) => void,
): Promise<A> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return exit.value
  const failure = Cause.findErrorOption(exit.cause)
  if (Option.isSome(failure)) {
    onFailure?.(failure.value)
    throw failure.value
  }
  throw Cause.squash(exit.cause)
}
