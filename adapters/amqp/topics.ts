import { type EventType, eventTypes } from '../../core/domain/events/events.js'

/**
 * AMQP topic matching: `*` is exactly one dot-separated word, `#` zero or more words. Used to say
 * which event types a binding pattern selects (`innkeeper.booking.#`).
 */
export const topicMatches = (pattern: string, routingKey: string): boolean => {
  const p = pattern.split('.')
  const k = routingKey.split('.')
  const go = (i: number, j: number): boolean => {
    if (i === p.length) return j === k.length
    if (p[i] === '#') return go(i + 1, j) || (j < k.length && go(i, j + 1))
    if (j === k.length) return false
    return (p[i] === '*' || p[i] === k[j]) && go(i + 1, j + 1)
  }
  return go(0, 0)
}

/** The catalogued event types a set of binding patterns selects. */
export const typesMatching = (patterns: readonly string[]): readonly EventType[] =>
  eventTypes.filter((t) => patterns.some((p) => topicMatches(p, t)))
