/**
 * A deliberately ill-typed input for a use case, past its compile-time input type: HTTP and plain
 * JavaScript callers may send anything, and tests of the run-time decoding must still send it. The
 * one cast of these tests, named so that a reader sees it is on purpose.
 */
export const untyped = <T>(input: unknown): T => input as T
