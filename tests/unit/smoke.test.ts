import { describe, expect, it } from 'vitest'
import { addDays, localDate } from '../../core/shared/dates.js'

describe('dates', () => {
  it('adds days across a month end', () => {
    expect(addDays(localDate('2026-01-31'), 1)).toBe('2026-02-01')
  })
})
