import { Effect, Schema } from 'effect'
import type { Page } from '../../ports/pagination.js'
import { isVisible, type Review } from '../domain/reviews/review.js'
import type { UserNotFound, ValidationFailed } from '../domain/shared/errors.js'
import { asId } from '../domain/shared/ids.js'
import { decodeInput } from '../domain/shared/validation.js'
import type { CoreDeps } from './support/deps.js'
import { findUser } from './support/load.js'
import { PageFields, toPageRequest } from './support/page-input.js'
import { NonBlank } from './support/schemas.js'

export const ListUserReviewsInput = Schema.Struct({ userId: NonBlank(64), ...PageFields })
export type ListUserReviewsInput = typeof ListUserReviewsInput.Type

/**
 * The public reviews about a user (as a host: their guests' reviews; as a guest: their hosts'),
 * newest first: only revealed, not hidden ones. A page may hold fewer than `limit` items.
 */
export class ListUserReviews {
  constructor(private readonly deps: Pick<CoreDeps, 'users' | 'reviews'>) {}

  execute(
    raw: typeof ListUserReviewsInput.Encoded,
  ): Effect.Effect<Page<Review>, ValidationFailed | UserNotFound> {
    const { users, reviews } = this.deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(ListUserReviewsInput, raw)
      const user = yield* findUser(users, asId('user', input.userId))
      const page = yield* reviews.bySubject(user.id, toPageRequest(input))
      return { items: page.items.filter(isVisible), nextCursor: page.nextCursor }
    })
  }
}
