export { fromStripeAmount, stripeCurrency, toStripeAmount } from './amounts.js'
export { type DecodedStripeEvent, decodeStripeEvent } from './events.js'
export {
  type BreakerOptions,
  type BreakerState,
  CircuitBreaker,
  CircuitOpen,
  type RetryOptions,
  StripeTransient,
} from './resilience.js'
export {
  StripePaymentGateway,
  type StripePaymentGatewayOptions,
  StripeRejected,
  type StripeRequestRecord,
  type StripeResponseRecord,
} from './stripe-payment-gateway.js'
export {
  attemptKey,
  KEY_WINDOW_MS,
  StripePayoutGateway,
  type StripePayoutGatewayOptions,
} from './stripe-payout-gateway.js'
