import { describe, expect, it } from 'vitest'
import { contentVisibleTo, isRevealed, isVisible, revealed } from '../../core/domain/reviews/review.js'
import { instant } from '../../core/domain/shared/time.js'
import { makeReview } from '../contract/fixtures.js'

describe('double-blind reviews: who may read what a review says', () => {
  const blind = makeReview('rev_1', { revealedAt: null })

  it('before it is revealed, only its author reads it', () => {
    expect(isRevealed(blind)).toBe(false)
    expect(contentVisibleTo(blind, blind.authorId)).toBe(true)
    expect(contentVisibleTo(blind, blind.subjectId)).toBe(false)
    expect(contentVisibleTo(blind, null)).toBe(false)
  })

  it('once revealed, everyone does; the public list also leaves out what an admin hid', () => {
    const open = revealed(blind, instant(Date.UTC(2026, 0, 2)))
    expect(open.version).toBe(blind.version + 1)
    expect(isRevealed(open)).toBe(true)
    expect(contentVisibleTo(open, null)).toBe(true)
    expect(isVisible(open)).toBe(true)
    expect(isVisible({ ...open, hidden: true })).toBe(false)
  })
})
