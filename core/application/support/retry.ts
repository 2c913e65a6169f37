import { Effect } from 'effect'
import type { ConcurrentModification } from '../../domain/shared/errors.js'

/**
 * Re-runs a read-modify-write when another writer won the optimistic-concurrency race. The effect
 * must re-read its state on each run. After `times` losses the ConcurrentModification surfaces.
 */
export const retryOnConflict = <A, E>(
  self: Effect.Effect<A, E | ConcurrentModification>,
  times: number,
): Effect.Effect<A, E | ConcurrentModification> =>
  Effect.retry(self, {
    times,
    while: (e) => typeof e === 'object' && e !== null && '_tag' in e && e._tag === 'ConcurrentModification',
  })
