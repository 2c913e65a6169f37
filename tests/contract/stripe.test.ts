import { payerConfirms, startStripeRig, testMethodFor } from '../support/stripe-test-server/harness.js'
import { T0 } from './fixtures.js'
import { paymentGatewayContract } from './payment-gateway.contract.js'

/**
 * The same PaymentGateway contract as the in-memory gateway, run against StripePaymentGateway
 * talking to the stateful Stripe test server through the real SDK: idempotency, captures, voids,
 * refunds, off-session charges and signed webhooks as Stripe does them.
 */
paymentGatewayContract('stripe (stateful Stripe test server)', async () => {
  const rig = await startStripeRig({ start: T0 })
  return {
    gateway: rig.gateway,
    clock: rig.clock,
    secret: rig.secret,
    confirmPayment: (ref, outcome, message) => payerConfirms(rig.payer, ref, testMethodFor(outcome, message)),
    takeDeliveries: async () => rig.server.takeDeliveries(),
    declineNextOffSession: (reason = 'card_declined') => rig.server.nextOffSession(reason),
    emitUnusedEvent: async () =>
      rig.server.sendEvent('customer.updated', { id: 'cus_unused', object: 'customer' }),
    cleanup: () => rig.close(),
  }
})
