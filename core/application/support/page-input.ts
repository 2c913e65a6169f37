import { Schema } from 'effect'
import type { PageRequest } from '../../../ports/pagination.js'
import { isChars } from './schemas.js'

/** Cursor pagination fields shared by every listing use case: `limit` 1–100 (default 20) and `cursor`. */
export const PageFields = {
  limit: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 100 }))),
  cursor: Schema.optionalKey(
    Schema.NullOr(
      Schema.String.check(isChars(0, 2048)).annotate({
        description: 'The next_cursor of the previous page of this same list; any other is refused (400)',
      }),
    ),
  ),
}
export const PageInput = Schema.Struct(PageFields)
export type PageInput = typeof PageInput.Type

export const DEFAULT_PAGE_SIZE = 20

export const toPageRequest = (p: {
  readonly limit?: number
  readonly cursor?: string | null
}): PageRequest => ({
  limit: p.limit ?? DEFAULT_PAGE_SIZE,
  cursor: p.cursor ?? null,
})
