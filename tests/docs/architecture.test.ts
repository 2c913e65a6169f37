import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * docs/architecture.md is the newcomers' map (issue 11, item 7): every file and folder it names must
 * exist, so a move or a rename that forgets the map fails here.
 */
const root = fileURLToPath(new URL('../../', import.meta.url))
const doc = readFileSync(`${root}docs/architecture.md`, 'utf8')

describe('docs/architecture.md', () => {
  const named = [...doc.matchAll(/`((?:core|ports|adapters|apps|tests|docs|bench)\/[^`\s]*)`/g)]
    .map((m) => m[1]!)
    // Patterns stand for families of paths (`adapters/<family>/`, `tests/contract/*.contract.ts`).
    .filter((p) => !/[<*]/.test(p))

  it('names the files of a booking request’s path and of every layer', () => {
    expect(named.length).toBeGreaterThan(40)
    for (const step of [
      'adapters/http/routes/bookings.ts',
      'core/application/request-booking.ts',
      'core/application/relay-outbox.ts',
    ])
      expect(named).toContain(step)
  })

  it('every file and folder it names exists', () => {
    expect(named.filter((p) => !existsSync(`${root}${p}`))).toEqual([])
  })
})
