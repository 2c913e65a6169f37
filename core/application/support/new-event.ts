import type { IdGenerator } from '../../../ports/id-generator.js'
import type { DomainEvent, EventType } from '../../domain/events/events.js'
import type { Instant } from '../../domain/shared/time.js'

export const newEvent = (
  ids: IdGenerator,
  time: Instant,
  type: EventType,
  subject: string,
  data: DomainEvent['data'],
): DomainEvent => ({ id: ids.next('event'), type, subject, time, data })
