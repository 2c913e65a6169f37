import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SortedIndex } from '../../adapters/memory/support.js'

/**
 * The in-memory repositories' newest-first index (held oldest first so that inserts append)
 * against a model: a map of id → time, sorted by time descending, then id descending. After any
 * sequence of upserts (new ids, moved ids, repeated ids) and removals, `ids()` and every page
 * size walked to the end give the model's order, each id once.
 */

type Op =
  | { readonly kind: 'upsert'; readonly id: string; readonly at: number }
  | { readonly kind: 'remove'; readonly id: string }

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('upsert' as const),
      id: fc.integer({ min: 0, max: 30 }).map((n) => `id_${n.toString().padStart(2, '0')}`),
      // Few distinct times, so ties broken by id are common; mostly increasing like real records.
      at: fc.integer({ min: 0, max: 12 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('remove' as const),
      id: fc.integer({ min: 0, max: 30 }).map((n) => `id_${n.toString().padStart(2, '0')}`),
    }),
  },
)

const modelOrder = (model: ReadonlyMap<string, number>): string[] =>
  [...model.entries()]
    .sort(([ia, a], [ib, b]) => (a !== b ? b - a : ia < ib ? 1 : ia > ib ? -1 : 0))
    .map(([id]) => id)

describe('SortedIndex (newest first) against a sorted model', () => {
  it('ids() and paging to the end follow the model after any upserts and removals', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), fc.integer({ min: 1, max: 7 }), (ops, limit) => {
        const index = new SortedIndex()
        const model = new Map<string, number>()
        for (const o of ops) {
          if (o.kind === 'upsert') {
            index.upsert(o.id, o.at)
            model.set(o.id, o.at)
          } else {
            index.remove(o.id)
            model.delete(o.id)
          }
        }
        const expected = modelOrder(model)
        expect(index.size).toBe(expected.length)
        expect([...index.ids()]).toEqual(expected)
        const walked: string[] = []
        let cursor: string | null = null
        for (let pages = 0; pages <= expected.length + 1; pages++) {
          const page = index.page({ limit, cursor })
          expect(page.items.length).toBeLessThanOrEqual(limit)
          walked.push(...page.items)
          cursor = page.nextCursor
          if (cursor === null) break
        }
        expect(cursor).toBeNull()
        expect(walked).toEqual(expected)
      }),
      { numRuns: 500 },
    )
  })

  it('a cursor keeps its place when the entry it names is removed or newer entries arrive', () => {
    const index = new SortedIndex()
    for (let i = 0; i < 10; i++) index.upsert(`id_${i}`, i)
    const first = index.page({ limit: 3, cursor: null })
    expect(first.items).toEqual(['id_9', 'id_8', 'id_7'])
    index.remove('id_7')
    index.upsert('id_new', 100)
    expect(index.page({ limit: 3, cursor: first.nextCursor }).items).toEqual(['id_6', 'id_5', 'id_4'])
  })
})
