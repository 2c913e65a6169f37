/** Cursor pagination: the cursor is opaque to callers and owned by the adapter that issued it. */
export interface PageRequest {
  readonly limit: number
  readonly cursor: string | null
}
export interface Page<T> {
  readonly items: readonly T[]
  readonly nextCursor: string | null
}
