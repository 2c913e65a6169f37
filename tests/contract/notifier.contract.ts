import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Notification, Notifier } from '../../ports/notifier.js'
import { run } from './fixtures.js'

export interface NotifierHarness {
  readonly notifier: Notifier
  /** What actually went out, in order. */
  readonly sent: () => Promise<readonly Notification[]>
  readonly cleanup?: () => Promise<void>
}

const note = (dedupeKey: string, to = 'guest@example.com'): Notification => ({
  channel: 'email',
  to,
  template: 'booking_confirmed',
  data: { bookingId: 'bkg_1', nights: 3 },
  dedupeKey,
})

export const notifierContract = (name: string, make: () => Promise<NotifierHarness>) =>
  describe(`Notifier contract: ${name}`, () => {
    let h: NotifierHarness
    beforeEach(async () => {
      h = await make()
    })
    afterEach(async () => {
      await h.cleanup?.()
    })

    it('sends each notification with its channel, address, template and data', async () => {
      await run(h.notifier.send(note('k1')))
      await run(
        h.notifier.send({ ...note('k2', '+351900000000'), channel: 'sms', template: 'payment_failed' }),
      )
      expect(await h.sent()).toEqual([
        note('k1'),
        { ...note('k2', '+351900000000'), channel: 'sms', template: 'payment_failed' },
      ])
    })

    it('a notification with an already used dedupeKey is not sent again', async () => {
      await run(h.notifier.send(note('same')))
      await run(h.notifier.send(note('same')))
      await run(h.notifier.send({ ...note('same'), to: 'other@example.com' }))
      expect(await h.sent()).toHaveLength(1)
    })
  })
