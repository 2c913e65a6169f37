import { describe, expect, it } from 'vitest'
import { availableUnits, hasFreeUnit, unitsTaken } from '../../core/domain/availability/night.js'

describe('availability arithmetic (core/domain/availability/night.ts)', () => {
  it('available = units − held − booked', () => {
    expect(availableUnits(5, 1, 2, false)).toBe(2)
    expect(availableUnits(1, 0, 0, false)).toBe(1)
    expect(availableUnits(3, 0, 3, false)).toBe(0)
  })

  it('a blocked night has nothing available, whatever its units', () => {
    expect(availableUnits(5, 0, 0, true)).toBe(0)
    expect(availableUnits(5, 1, 1, true)).toBe(0)
  })

  it('never negative: units lowered under what is taken leave 0, not a debt', () => {
    expect(availableUnits(1, 1, 2, false)).toBe(0)
    expect(availableUnits(0, 0, 0, false)).toBe(0)
  })

  it('a night is free for a stay with at least one unit available; taken counts held and booked', () => {
    expect(hasFreeUnit({ available: 1 })).toBe(true)
    expect(hasFreeUnit({ available: 0 })).toBe(false)
    expect(unitsTaken({ held: 2, booked: 3 })).toBe(5)
  })
})
