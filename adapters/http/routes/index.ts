import type { Route } from '../route.js'
import { adminRoutes } from './admin.js'
import { authRoutes } from './auth.js'
import { bookingRoutes } from './bookings.js'
import type { RouteDeps } from './common.js'
import { listingRoutes } from './listings.js'
import { paymentRoutes } from './payments.js'
import { payoutRoutes } from './payouts.js'
import { userRoutes } from './users.js'

export { defaultLoginLimits, type LoginLimits, type RouteDeps } from './common.js'

/** Every route of the API, in matching order (`/users/me` before `/users/{id}`). */
export const apiRoutes = (deps: RouteDeps): Route[] => [
  ...authRoutes(deps),
  ...userRoutes(deps),
  ...listingRoutes(deps),
  ...bookingRoutes(deps),
  ...paymentRoutes(deps),
  ...payoutRoutes(deps),
  ...adminRoutes(deps),
]
