import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import Stripe from 'stripe'
import { bool, type Form, parseForm, record, str, strings } from './form.js'

/**
 * A stateful stand-in for the subset of Stripe's API that innkeeper uses, for tests: Customers,
 * PaymentMethods (Stripe's test tokens such as `pm_card_visa`), PaymentIntents (create, retrieve,
 * confirm, capture, cancel, with `expand[]=latest_charge`), Charges, Refunds, Transfers and Events.
 * Objects are the SDK's own types for the pinned API version, so payloads have Stripe's real shape.
 *
 * What makes it Stripe-like where it matters to the adapter:
 *  - idempotency keys: the same key and parameters replay the first answer (header
 *    `Idempotent-Replayed`), other parameters are a 400 `idempotency_error`;
 *  - errors as Stripe sends them (402 card errors with the PaymentIntent, 400
 *    `payment_intent_unexpected_state`, refunds above what is left refused);
 *  - webhooks: every change makes an Event, delivered to the endpoint (signed with the SDK's
 *    `generateTestHeaderString`) if its type is enabled, in order or shuffled, once or twice, and
 *    redelivered when the endpoint does not answer 2xx; or queued for a test to take;
 *  - faults on request: 429/5xx answers, requests that never answer (timeouts), connections reset
 *    before the work, answers lost after the work, and a full outage.
 */

export type Fault =
  | { readonly kind: 'status'; readonly status: 409 | 429 | 500 | 502 | 503 }
  /** Holds the request without answering: the client's timeout fires. */
  | { readonly kind: 'timeout' }
  /** Closes the connection before doing anything. */
  | { readonly kind: 'reset' }
  /** Does the work (and keeps the idempotent result), then closes the connection unanswered. */
  | { readonly kind: 'lost_response' }

export interface FaultRule {
  readonly fault: Fault
  /** How many matching requests it hits (default 1). */
  readonly times?: number
  readonly match?: (request: { readonly method: string; readonly path: string }) => boolean
}

export type OffSessionOutcome = 'card_declined' | 'authentication_required' | 'requires_action'

export interface RequestLogEntry {
  readonly method: string
  readonly path: string
  readonly idempotencyKey: string | null
  /** The status answered, or what happened instead. */
  outcome: number | 'outage' | 'timeout' | 'reset' | 'lost_response'
  replayed: boolean
}

export interface Delivery {
  readonly rawBody: string
  readonly signature: string
}

export interface DeliveryRecord {
  readonly eventId: string
  readonly type: string
  readonly status: number | 'network_error'
}

export interface StripeTestServerOptions {
  /** The time events and signatures carry, in ms (tests pass their manual clock). */
  readonly now: () => number
  readonly webhookSecret: string
  /** Where webhooks go; null keeps them queued for `takeDeliveries`. */
  readonly webhookUrl?: string | null
  /** Event types the endpoint subscribes to (default every type). */
  readonly enabledEvents?: readonly string[] | '*'
}

type Behavior =
  | { readonly kind: 'ok' }
  | {
      readonly kind: 'decline'
      readonly code: string
      readonly declineCode: string
      readonly message: string
    }
  /** Every payment needs 3-D Secure: on-session it waits for the payer, off-session it fails. */
  | { readonly kind: 'authenticate' }

/** Stripe's test payment methods (https://docs.stripe.com/testing), the ones the tests use. */
const TEST_METHODS: Readonly<Record<string, { behavior: Behavior; brand: string; last4: string }>> = {
  pm_card_visa: { behavior: { kind: 'ok' }, brand: 'visa', last4: '4242' },
  pm_card_mastercard: { behavior: { kind: 'ok' }, brand: 'mastercard', last4: '4444' },
  pm_card_chargeDeclined: {
    behavior: {
      kind: 'decline',
      code: 'card_declined',
      declineCode: 'generic_decline',
      message: 'Your card was declined.',
    },
    brand: 'visa',
    last4: '0002',
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    behavior: {
      kind: 'decline',
      code: 'card_declined',
      declineCode: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    },
    brand: 'visa',
    last4: '9995',
  },
  pm_card_authenticationRequired: { behavior: { kind: 'authenticate' }, brand: 'visa', last4: '3184' },
}

interface Answer {
  readonly status: number
  readonly body: unknown
}

class StripeFailure {
  constructor(
    readonly status: number,
    readonly error: Record<string, unknown>,
  ) {}
}

const CANCELABLE = [
  'requires_payment_method',
  'requires_capture',
  'requires_confirmation',
  'requires_action',
  'processing',
]

const clone = <T>(v: T): T => structuredClone(v)

/** mulberry32: a small seeded generator, so a shuffled delivery order is reproducible. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

export class StripeTestServer {
  readonly url: string
  webhookUrl: string | null
  enabledEvents: readonly string[] | '*'
  /** Deliver each webhook twice. */
  duplicate = false
  /** Shuffle each batch of webhooks (seeded). */
  reorder = false
  /** Every request's connection is dropped at once, as when Stripe cannot be reached. */
  outage = false

  readonly customers = new Map<string, Stripe.Customer>()
  readonly paymentMethods = new Map<string, Stripe.PaymentMethod>()
  readonly intents = new Map<string, Stripe.PaymentIntent>()
  readonly charges = new Map<string, Stripe.Charge>()
  readonly refunds = new Map<string, Stripe.Refund>()
  readonly transfers = new Map<string, Stripe.Transfer>()
  readonly events: Stripe.Event[] = []
  readonly log: RequestLogEntry[] = []
  readonly deliveries: DeliveryRecord[] = []

  private readonly behaviors = new Map<string, Behavior>()
  private readonly idempotent = new Map<string, { fingerprint: string; answer: Answer }>()
  private readonly faults: { rule: FaultRule; left: number }[] = []
  private readonly offSession: OffSessionOutcome[] = []
  private queue: { event: Stripe.Event; attempts: number }[] = []
  private readonly held = new Set<Socket>()
  private flushing: Promise<void> = Promise.resolve()
  private flushScheduled = false
  private seq = 0
  private random = seeded(7)

  private constructor(
    private readonly server: Server,
    private readonly options: StripeTestServerOptions,
  ) {
    const address = server.address() as AddressInfo
    this.url = `http://127.0.0.1:${address.port}`
    this.webhookUrl = options.webhookUrl ?? null
    this.enabledEvents = options.enabledEvents ?? '*'
  }

  static async start(options: StripeTestServerOptions): Promise<StripeTestServer> {
    let self: StripeTestServer | null = null
    const server = createServer((req, res) => {
      if (self === null) return void res.destroy()
      void self.handle(req, res)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    self = new StripeTestServer(server, options)
    return self
  }

  async close(): Promise<void> {
    for (const s of this.held) s.destroy()
    await this.flushing
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
  }

  // ---- test controls ----

  /** The next matching requests meet this fault. */
  inject(rule: FaultRule): void {
    this.faults.push({ rule, left: rule.times ?? 1 })
  }

  clearFaults(): void {
    this.faults.length = 0
  }

  /** The next off-session confirmation ends this way, whatever the card. */
  nextOffSession(outcome: OffSessionOutcome): void {
    this.offSession.push(outcome)
  }

  /**
   * Sends an event of any type about any object, whatever the endpoint subscribes to (as Stripe
   * does for an endpoint enabled for every type, `*`).
   */
  sendEvent(type: string, object: object): void {
    this.emit(type, object, null, true)
  }

  /** Queued webhooks, signed, oldest first (only when no endpoint URL is set). */
  takeDeliveries(): Delivery[] {
    const out = this.queue.map(({ event }) => this.sign(event))
    this.queue = []
    return out
  }

  /** Delivers every queued webhook to the endpoint now (and retries the ones that failed before). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.deliverQueued())
    return this.flushing
  }

  /**
   * Waits until every webhook has been delivered and answered, including the ones those deliveries
   * caused (the API's own calls back to Stripe). Deliveries that keep failing are dropped after five
   * attempts, as Stripe would eventually stop.
   */
  async idle(): Promise<void> {
    for (let round = 0; round < 200; round++) {
      await this.flushing
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (this.flushScheduled) continue
      if (this.queue.length === 0 || this.webhookUrl === null) return
      await this.flush()
    }
    throw new Error('the Stripe test server never became idle')
  }

  /** Requests as the server saw them, for counting. */
  requests(filter: { method?: string; path?: RegExp } = {}): RequestLogEntry[] {
    return this.log.filter(
      (e) =>
        (filter.method === undefined || e.method === filter.method) && (filter.path?.test(e.path) ?? true),
    )
  }

  /** PaymentIntents whose metadata names this booking. */
  intentsFor(bookingId: string): Stripe.PaymentIntent[] {
    return [...this.intents.values()].filter((pi) => pi.metadata.bookingId === bookingId)
  }

  /** Money actually taken for a booking: captured minus refunded, across its intents. */
  netCapturedFor(bookingId: string): number {
    let total = 0
    for (const pi of this.intentsFor(bookingId)) {
      const ch = typeof pi.latest_charge === 'string' ? this.charges.get(pi.latest_charge) : undefined
      if (ch !== undefined && ch.status === 'succeeded') total += ch.amount_captured - ch.amount_refunded
    }
    return total
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    const url = new URL(req.url ?? '/', 'http://stripe.test')
    const method = req.method ?? 'GET'
    const path = url.pathname
    const key = req.headers['idempotency-key']
    const idempotencyKey = typeof key === 'string' ? key : null
    const entry: RequestLogEntry = { method, path, idempotencyKey, outcome: 0, replayed: false }
    this.log.push(entry)

    if (this.outage) {
      entry.outcome = 'outage'
      return void req.socket.destroy()
    }
    const fault = this.takeFault(method, path)
    if (fault?.kind === 'reset') {
      entry.outcome = 'reset'
      return void req.socket.destroy()
    }
    if (fault?.kind === 'timeout') {
      entry.outcome = 'timeout'
      this.held.add(req.socket)
      req.socket.once('close', () => this.held.delete(req.socket))
      return
    }
    if (fault?.kind === 'status') {
      entry.outcome = fault.status
      return this.send(res, {
        status: fault.status,
        body: {
          error: {
            type: fault.status === 429 ? 'invalid_request_error' : 'api_error',
            ...(fault.status === 429
              ? { code: 'rate_limit' }
              : fault.status === 409
                ? { code: 'lock_timeout' }
                : {}),
            message: `Injected ${fault.status}`,
          },
        },
      })
    }

    const auth = req.headers.authorization ?? ''
    const apiKey = auth.startsWith('Bearer ') ? auth.slice(7) : ''
    if (!/^(sk|rk)_test_/.test(apiKey)) {
      entry.outcome = 401
      return this.send(res, {
        status: 401,
        body: { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } },
      })
    }
    const params = parseForm(method === 'GET' ? url.search.slice(1) : body)

    let answer: Answer
    const scoped = idempotencyKey === null || method !== 'POST' ? null : `${apiKey}:${idempotencyKey}`
    const fingerprint = `${method} ${path} ${JSON.stringify(params)}`
    const seen = scoped === null ? undefined : this.idempotent.get(scoped)
    if (seen !== undefined && seen.fingerprint !== fingerprint) {
      answer = {
        status: 400,
        body: {
          error: {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
          },
        },
      }
    } else if (seen !== undefined) {
      answer = seen.answer
      entry.replayed = true
    } else {
      answer = this.route(method, path, params, idempotencyKey)
      if (scoped !== null) this.idempotent.set(scoped, { fingerprint, answer })
    }
    if (fault?.kind === 'lost_response') {
      entry.outcome = 'lost_response'
      req.socket.destroy()
    } else {
      entry.outcome = answer.status
      this.send(res, answer, entry.replayed)
    }
    if (this.webhookUrl !== null && this.queue.length > 0 && !this.flushScheduled) {
      this.flushScheduled = true
      setImmediate(() => {
        this.flushScheduled = false
        void this.flush()
      })
    }
  }

  private send(res: ServerResponse, answer: Answer, replayed = false): void {
    res.statusCode = answer.status
    res.setHeader('content-type', 'application/json')
    res.setHeader('request-id', `req_${this.nextId()}`)
    res.setHeader('stripe-version', Stripe.API_VERSION)
    if (replayed) res.setHeader('idempotent-replayed', 'true')
    res.end(JSON.stringify(answer.body, null, 2))
  }

  private takeFault(method: string, path: string): Fault | null {
    for (const f of this.faults) {
      if (f.left <= 0) continue
      if (f.rule.match !== undefined && !f.rule.match({ method, path })) continue
      f.left--
      return f.rule.fault
    }
    return null
  }

  private route(method: string, path: string, p: Form, key: string | null): Answer {
    type Handler = (id: string) => unknown
    const routes: readonly (readonly [string, RegExp, Handler])[] = [
      ['POST', /^\/v1\/customers$/, () => this.createCustomer(p, key)],
      ['GET', /^\/v1\/customers\/([^/]+)$/, (id) => this.get(this.customers, id)],
      ['POST', /^\/v1\/payment_methods$/, () => this.createPaymentMethod(p, key)],
      ['GET', /^\/v1\/payment_methods\/([^/]+)$/, (id) => this.get(this.paymentMethods, id)],
      [
        'POST',
        /^\/v1\/payment_methods\/([^/]+)\/attach$/,
        (id) => this.attach(id, str(p, 'customer') ?? '', key),
      ],
      ['POST', /^\/v1\/payment_intents$/, () => this.createIntent(p, key)],
      ['GET', /^\/v1\/payment_intents\/([^/]+)$/, (id) => this.expand(this.get(this.intents, id), p)],
      [
        'POST',
        /^\/v1\/payment_intents\/([^/]+)\/confirm$/,
        (id) => this.expand(this.confirm(this.get(this.intents, id), p, key), p),
      ],
      [
        'POST',
        /^\/v1\/payment_intents\/([^/]+)\/capture$/,
        (id) => this.expand(this.capture(this.get(this.intents, id), p, key), p),
      ],
      [
        'POST',
        /^\/v1\/payment_intents\/([^/]+)\/cancel$/,
        (id) => this.expand(this.cancel(this.get(this.intents, id), p, key), p),
      ],
      ['GET', /^\/v1\/charges\/([^/]+)$/, (id) => this.get(this.charges, id)],
      ['POST', /^\/v1\/refunds$/, () => this.createRefund(p, key)],
      ['GET', /^\/v1\/refunds\/([^/]+)$/, (id) => this.get(this.refunds, id)],
      ['POST', /^\/v1\/transfers$/, () => this.createTransfer(p, key)],
      ['GET', /^\/v1\/transfers\/([^/]+)$/, (id) => this.get(this.transfers, id)],
      [
        'GET',
        /^\/v1\/events\/([^/]+)$/,
        (id) => this.events.find((e) => e.id === id) ?? this.missing('event', id),
      ],
    ]
    try {
      for (const [m, re, handler] of routes) {
        if (m !== method) continue
        const match = path.match(re)
        if (match !== null) return this.ok(handler(match[1] ?? ''))
      }
      throw new StripeFailure(404, {
        type: 'invalid_request_error',
        message: `Unrecognized request URL (${method}: ${path}).`,
      })
    } catch (e) {
      if (e instanceof StripeFailure) return { status: e.status, body: { error: e.error } }
      throw e
    }
  }

  private ok(body: unknown): Answer {
    return { status: 200, body }
  }

  private get<T>(map: Map<string, T>, id: string): T {
    return map.get(id) ?? this.missing(map === (this.intents as unknown) ? 'payment_intent' : 'object', id)
  }

  private missing(kind: string, id: string): never {
    throw new StripeFailure(404, {
      type: 'invalid_request_error',
      code: 'resource_missing',
      param: 'id',
      message: `No such ${kind}: '${id}'`,
    })
  }

  private invalid(
    message: string,
    param?: string,
    code?: string,
    extra: Record<string, unknown> = {},
  ): never {
    throw new StripeFailure(400, {
      type: 'invalid_request_error',
      message,
      ...(param === undefined ? {} : { param }),
      ...(code === undefined ? {} : { code }),
      ...extra,
    })
  }

  private nextId(): string {
    this.seq += 1
    return `${String(this.seq).padStart(8, '0')}${Math.floor(this.random() * 36 ** 6)
      .toString(36)
      .padStart(6, '0')}`
  }

  private nowSeconds(): number {
    return Math.floor(this.options.now() / 1000)
  }

  private positiveInt(p: Form, key: string, required: boolean): number | undefined {
    const raw = str(p, key)
    if (raw === undefined) {
      if (required) this.invalid(`Missing required param: ${key}.`, key, 'parameter_missing')
      return undefined
    }
    if (!/^\d+$/.test(raw)) this.invalid(`Invalid integer: ${raw}`, key, 'parameter_invalid_integer')
    const n = Number(raw)
    if (n < 1) this.invalid('Amount must be at least 1', key, 'amount_too_small')
    return n
  }

  // ---- resources ----

  private createCustomer(p: Form, key: string | null): Stripe.Customer {
    const c: Stripe.Customer = {
      id: `cus_${this.nextId()}`,
      object: 'customer',
      balance: 0,
      created: this.nowSeconds(),
      default_source: null,
      description: str(p, 'description') ?? null,
      email: str(p, 'email') ?? null,
      invoice_settings: {
        custom_fields: null,
        default_payment_method: null,
        footer: null,
        rendering_options: null,
      },
      livemode: false,
      metadata: record(p, 'metadata'),
      name: str(p, 'name') ?? null,
      shipping: null,
    }
    this.customers.set(c.id, c)
    this.emit('customer.created', c, key)
    return c
  }

  private newPaymentMethod(token: string, key: string | null): Stripe.PaymentMethod {
    const test = TEST_METHODS[token]
    if (test === undefined)
      this.invalid(`No such PaymentMethod: '${token}'`, 'payment_method', 'resource_missing')
    const pm: Stripe.PaymentMethod = {
      id: `pm_${this.nextId()}`,
      object: 'payment_method',
      billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
      card: {
        brand: test.brand,
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
        country: 'US',
        display_brand: test.brand,
        exp_month: 12,
        exp_year: 2034,
        funding: 'credit',
        generated_from: null,
        last4: test.last4,
        networks: { available: [test.brand], preferred: null },
        regulated_status: 'unregulated',
        three_d_secure_usage: { supported: true },
        wallet: null,
      },
      created: this.nowSeconds(),
      customer: null,
      customer_account: null,
      livemode: false,
      metadata: {},
      type: 'card',
    }
    this.paymentMethods.set(pm.id, pm)
    this.behaviors.set(pm.id, test.behavior)
    this.emit('payment_method.created', pm, key)
    return pm
  }

  private createPaymentMethod(p: Form, key: string | null): Stripe.PaymentMethod {
    if (str(p, 'type') !== 'card') this.invalid('Only card payment methods are supported here.', 'type')
    const card = p.card
    const token =
      card !== undefined && typeof card === 'object' && !Array.isArray(card) ? card.token : undefined
    const name = typeof token === 'string' ? token.replace(/^tok_/, 'pm_card_') : 'pm_card_visa'
    return this.newPaymentMethod(name, key)
  }

  private attach(pmId: string, customer: string, key: string | null): Stripe.PaymentMethod {
    const pm = this.get(this.paymentMethods, pmId)
    if (!this.customers.has(customer)) this.missing('customer', customer)
    pm.customer = customer
    this.emit('payment_method.attached', pm, key)
    return pm
  }

  /** A payment method named in a request: an existing one, or a test token that makes one. */
  private resolveMethod(ref: string, key: string | null): Stripe.PaymentMethod {
    return this.paymentMethods.get(ref) ?? this.newPaymentMethod(ref, key)
  }

  private createIntent(p: Form, key: string | null): Stripe.PaymentIntent {
    const amount = this.positiveInt(p, 'amount', true) as number
    const currency = str(p, 'currency')
    if (currency === undefined)
      this.invalid('Missing required param: currency.', 'currency', 'parameter_missing')
    if (!/^[a-z]{3}$/.test(currency)) this.invalid(`Invalid currency: ${currency}.`, 'currency')
    const captureMethod = str(p, 'capture_method') ?? 'automatic'
    if (!['automatic', 'automatic_async', 'manual'].includes(captureMethod))
      this.invalid(`Invalid capture_method: ${captureMethod}`, 'capture_method')
    const customer = str(p, 'customer') ?? null
    if (customer !== null && !this.customers.has(customer)) this.missing('customer', customer)
    const sfu = str(p, 'setup_future_usage')
    if (sfu !== undefined && sfu !== 'on_session' && sfu !== 'off_session')
      this.invalid(`Invalid setup_future_usage: ${sfu}`, 'setup_future_usage')
    const offSession = bool(p, 'off_session')
    const confirm = bool(p, 'confirm')
    if (offSession && !confirm) this.invalid('off_session can only be used with confirm=true.', 'off_session')
    const methodRef = str(p, 'payment_method')
    const allowed = strings(p, 'allowed_payment_method_types')
    const id = `pi_${this.nextId()}`
    const pi: Stripe.PaymentIntent = {
      id,
      object: 'payment_intent',
      allowed_payment_method_types: allowed.length > 0 ? allowed : null,
      amount,
      amount_capturable: 0,
      amount_details: { tip: {} },
      amount_received: 0,
      application: null,
      application_fee_amount: null,
      automatic_payment_methods: allowed.length > 0 ? null : { allow_redirects: 'always', enabled: true },
      canceled_at: null,
      cancellation_reason: null,
      capture_method: captureMethod,
      client_secret: `${id}_secret_${this.nextId()}`,
      confirmation_method: 'automatic',
      created: this.nowSeconds(),
      currency,
      customer,
      customer_account: null,
      description: str(p, 'description') ?? null,
      excluded_payment_method_types: null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      managed_payments: null,
      metadata: record(p, 'metadata'),
      next_action: null,
      on_behalf_of: null,
      payment_method: null,
      payment_method_configuration_details: null,
      payment_method_options: {
        card: {
          installments: null,
          mandate_options: null,
          network: null,
          request_three_d_secure: 'automatic',
        },
      },
      payment_method_types: allowed.length > 0 ? allowed : ['card'],
      payment_record: null,
      processing: null,
      receipt_email: null,
      review: null,
      setup_future_usage: sfu ?? null,
      shipping: null,
      source: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status: methodRef === undefined ? 'requires_payment_method' : 'requires_confirmation',
      transfer_data: null,
      transfer_group: null,
    }
    if (methodRef !== undefined) pi.payment_method = this.resolveMethod(methodRef, key).id
    this.intents.set(id, pi)
    this.emit('payment_intent.created', pi, key)
    if (!confirm) return this.expand(pi, p)
    return this.expand(this.runConfirmation(pi, offSession, key), p)
  }

  private confirm(pi: Stripe.PaymentIntent, p: Form, key: string | null): Stripe.PaymentIntent {
    if (pi.status !== 'requires_payment_method' && pi.status !== 'requires_confirmation')
      this.unexpectedState(pi, 'confirm', ['requires_payment_method', 'requires_confirmation'])
    const methodRef = str(p, 'payment_method')
    if (methodRef !== undefined) pi.payment_method = this.resolveMethod(methodRef, key).id
    if (pi.payment_method === null)
      this.invalid(
        "You cannot confirm this PaymentIntent because it's missing a payment method.",
        'payment_method',
        'payment_intent_unexpected_state',
      )
    return this.runConfirmation(pi, bool(p, 'off_session'), key)
  }

  /** The payment attempt: the card's behavior (or a queued off-session outcome) decides. */
  private runConfirmation(
    pi: Stripe.PaymentIntent,
    offSession: boolean,
    key: string | null,
  ): Stripe.PaymentIntent {
    const pmId = typeof pi.payment_method === 'string' ? pi.payment_method : (pi.payment_method?.id ?? '')
    const pm = this.get(this.paymentMethods, pmId)
    let behavior = this.behaviors.get(pmId) ?? { kind: 'ok' }
    const forced = offSession ? this.offSession.shift() : undefined
    if (forced === 'card_declined')
      behavior = {
        kind: 'decline',
        code: 'card_declined',
        declineCode: 'generic_decline',
        message: 'Your card was declined.',
      }
    if (forced === 'authentication_required') behavior = { kind: 'authenticate' }
    if (forced === 'requires_action') {
      pi.status = 'requires_action'
      pi.next_action = { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect' } }
      this.emit('payment_intent.requires_action', pi, key)
      return pi
    }
    if (behavior.kind === 'authenticate' && !offSession) {
      pi.status = 'requires_action'
      pi.next_action = { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect' } }
      this.emit('payment_intent.requires_action', pi, key)
      return pi
    }
    if (behavior.kind === 'authenticate' || behavior.kind === 'decline') {
      const code = behavior.kind === 'authenticate' ? 'authentication_required' : behavior.code
      const declineCode = behavior.kind === 'authenticate' ? 'authentication_required' : behavior.declineCode
      const message =
        behavior.kind === 'authenticate'
          ? 'Your card was declined. This transaction requires authentication.'
          : behavior.message
      const charge = this.newCharge(pi, pm, 'failed', false, { code, message })
      pi.latest_charge = charge.id
      pi.status = 'requires_payment_method'
      pi.last_payment_error = {
        type: 'card_error',
        charge: charge.id,
        code,
        decline_code: declineCode,
        message,
        payment_method: clone(pm),
      }
      this.emit('charge.failed', charge, key)
      this.emit('payment_intent.payment_failed', pi, key)
      throw new StripeFailure(402, {
        type: 'card_error',
        code,
        decline_code: declineCode,
        charge: charge.id,
        message,
        payment_intent: clone(pi),
        payment_method: clone(pm),
      })
    }
    const manual = pi.capture_method === 'manual'
    const charge = this.newCharge(pi, pm, 'succeeded', !manual, null)
    pi.latest_charge = charge.id
    pi.last_payment_error = null
    pi.next_action = null
    if (pi.setup_future_usage !== null && typeof pi.customer === 'string' && pm.customer === null) {
      pm.customer = pi.customer
      this.emit('payment_method.attached', pm, key)
    }
    this.emit('charge.succeeded', charge, key)
    if (manual) {
      pi.status = 'requires_capture'
      pi.amount_capturable = pi.amount
      this.emit('payment_intent.amount_capturable_updated', pi, key)
    } else {
      pi.status = 'succeeded'
      pi.amount_received = pi.amount
      this.emit('payment_intent.succeeded', pi, key)
    }
    return pi
  }

  private newCharge(
    pi: Stripe.PaymentIntent,
    pm: Stripe.PaymentMethod,
    status: 'succeeded' | 'failed',
    captured: boolean,
    failure: { code: string; message: string } | null,
  ): Stripe.Charge {
    const ch: Stripe.Charge = {
      id: `ch_${this.nextId()}`,
      object: 'charge',
      amount: pi.amount,
      amount_captured: captured ? pi.amount : 0,
      amount_refunded: 0,
      application: null,
      application_fee: null,
      application_fee_amount: null,
      balance_transaction: status === 'succeeded' && captured ? `txn_${this.nextId()}` : null,
      billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
      calculated_statement_descriptor: 'INNKEEPER',
      captured,
      created: this.nowSeconds(),
      currency: pi.currency,
      customer: pi.customer,
      description: null,
      disputed: false,
      failure_balance_transaction: null,
      failure_code: failure?.code ?? null,
      failure_message: failure?.message ?? null,
      fraud_details: {},
      livemode: false,
      metadata: { ...pi.metadata },
      on_behalf_of: null,
      outcome: {
        advice_code: null,
        network_advice_code: null,
        network_decline_code: null,
        network_status: status === 'succeeded' ? 'approved_by_network' : 'declined_by_network',
        reason: failure === null ? null : failure.code,
        risk_level: 'normal',
        seller_message:
          status === 'succeeded' ? 'Payment complete.' : 'The bank did not return any further details.',
        type: status === 'succeeded' ? 'authorized' : 'issuer_declined',
      },
      paid: status === 'succeeded',
      payment_intent: pi.id,
      payment_method: pm.id,
      payment_method_details: null,
      receipt_email: null,
      receipt_number: null,
      receipt_url: null,
      refunded: false,
      review: null,
      shipping: null,
      source: null,
      source_transfer: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status,
      transfer_data: null,
      transfer_group: null,
    }
    this.charges.set(ch.id, ch)
    return ch
  }

  private unexpectedState(pi: Stripe.PaymentIntent, action: string, allowed: readonly string[]): never {
    this.invalid(
      `This PaymentIntent could not be ${action === 'cancel' ? 'canceled' : `${action}d`} because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be ${action === 'cancel' ? 'canceled' : `${action}d`}: ${allowed.join(', ')}.`,
      undefined,
      'payment_intent_unexpected_state',
      { payment_intent: clone(pi) },
    )
  }

  private capture(pi: Stripe.PaymentIntent, p: Form, key: string | null): Stripe.PaymentIntent {
    if (pi.status !== 'requires_capture') this.unexpectedState(pi, 'capture', ['requires_capture'])
    const amount = this.positiveInt(p, 'amount_to_capture', false) ?? pi.amount_capturable
    if (amount > pi.amount_capturable)
      this.invalid('amount_to_capture is greater than the amount capturable.', 'amount_to_capture')
    const charge = this.charges.get(pi.latest_charge as string)
    if (charge === undefined) throw new Error(`no charge for ${pi.id}`)
    charge.captured = true
    charge.amount_captured = amount
    charge.balance_transaction = `txn_${this.nextId()}`
    pi.amount_received = amount
    pi.amount_capturable = 0
    pi.status = 'succeeded'
    this.emit('charge.captured', charge, key)
    this.emit('payment_intent.succeeded', pi, key)
    return pi
  }

  private cancel(pi: Stripe.PaymentIntent, p: Form, key: string | null): Stripe.PaymentIntent {
    if (!CANCELABLE.includes(pi.status)) this.unexpectedState(pi, 'cancel', CANCELABLE)
    pi.status = 'canceled'
    pi.canceled_at = this.nowSeconds()
    pi.cancellation_reason =
      (str(p, 'cancellation_reason') as Stripe.PaymentIntent.CancellationReason) ?? null
    pi.amount_capturable = 0
    pi.next_action = null
    this.emit('payment_intent.canceled', pi, key)
    return pi
  }

  private createRefund(p: Form, key: string | null): Stripe.Refund {
    const piId = str(p, 'payment_intent')
    const chId = str(p, 'charge')
    const pi = piId !== undefined ? this.get(this.intents, piId) : undefined
    const charge =
      chId !== undefined
        ? this.get(this.charges, chId)
        : typeof pi?.latest_charge === 'string'
          ? this.charges.get(pi.latest_charge)
          : undefined
    if (pi === undefined && chId === undefined)
      this.invalid(
        'One of the following params should be provided for this request: payment_intent or charge.',
      )
    if (charge === undefined || charge.status !== 'succeeded' || !charge.captured)
      this.invalid(`This PaymentIntent (${piId}) does not have a successful charge to refund.`)
    const left = charge.amount_captured - charge.amount_refunded
    if (left <= 0)
      this.invalid(`Charge ${charge.id} has already been refunded.`, undefined, 'charge_already_refunded')
    const amount = this.positiveInt(p, 'amount', false) ?? left
    if (amount > left)
      this.invalid(
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
        'amount',
      )
    const refund: Stripe.Refund = {
      id: `re_${this.nextId()}`,
      object: 'refund',
      amount,
      application: null,
      balance_transaction: `txn_${this.nextId()}`,
      charge: charge.id,
      created: this.nowSeconds(),
      currency: charge.currency,
      customer: charge.customer,
      customer_account: null,
      destination_details: {
        card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' },
        type: 'card',
      },
      metadata: record(p, 'metadata'),
      payment_intent: typeof charge.payment_intent === 'string' ? charge.payment_intent : null,
      payment_method: charge.payment_method,
      reason: (str(p, 'reason') as Stripe.Refund.Reason | undefined) ?? null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: 'succeeded',
      transfer_reversal: null,
    }
    this.refunds.set(refund.id, refund)
    charge.amount_refunded += amount
    charge.refunded = charge.amount_refunded >= charge.amount_captured
    this.emit('charge.refunded', charge, key)
    this.emit('refund.created', refund, key)
    return refund
  }

  private createTransfer(p: Form, key: string | null): Stripe.Transfer {
    const amount = this.positiveInt(p, 'amount', true) as number
    const currency = str(p, 'currency')
    const destination = str(p, 'destination')
    if (currency === undefined)
      this.invalid('Missing required param: currency.', 'currency', 'parameter_missing')
    if (destination === undefined)
      this.invalid('Missing required param: destination.', 'destination', 'parameter_missing')
    const id = `tr_${this.nextId()}`
    const t: Stripe.Transfer = {
      id,
      object: 'transfer',
      amount,
      amount_reversed: 0,
      balance_transaction: `txn_${this.nextId()}`,
      created: this.nowSeconds(),
      currency,
      description: str(p, 'description') ?? null,
      destination,
      destination_payment: `py_${this.nextId()}`,
      livemode: false,
      metadata: record(p, 'metadata'),
      reversals: { object: 'list', data: [], has_more: false, url: `/v1/transfers/${id}/reversals` },
      reversed: false,
      source_transaction: str(p, 'source_transaction') ?? null,
      source_type: 'card',
      transfer_group: str(p, 'transfer_group') ?? null,
    }
    this.transfers.set(id, t)
    this.emit('transfer.created', t, key)
    return t
  }

  /** The PaymentIntent as answered: `expand[]=latest_charge` etc. replace ids with objects. */
  private expand(pi: Stripe.PaymentIntent, p: Form): Stripe.PaymentIntent {
    const wanted = strings(p, 'expand')
    const out = clone(pi)
    if (wanted.includes('latest_charge') && typeof pi.latest_charge === 'string')
      out.latest_charge = clone(this.get(this.charges, pi.latest_charge))
    if (wanted.includes('customer') && typeof pi.customer === 'string')
      out.customer = clone(this.get(this.customers, pi.customer))
    if (wanted.includes('payment_method') && typeof pi.payment_method === 'string')
      out.payment_method = clone(this.get(this.paymentMethods, pi.payment_method))
    return out
  }

  // ---- events and webhooks ----

  private emit(type: string, object: object, idempotencyKey: string | null, always = false): void {
    const event = {
      id: `evt_${this.nextId()}`,
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: this.nowSeconds(),
      data: { object: clone(object) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: `req_${this.nextId()}`, idempotency_key: idempotencyKey },
      type,
    } as unknown as Stripe.Event
    this.events.push(event)
    if (always || this.enabledEvents === '*' || this.enabledEvents.includes(type))
      this.queue.push({ event, attempts: 0 })
  }

  private sign(event: Stripe.Event): Delivery {
    const rawBody = JSON.stringify(event, null, 2)
    const signature = Stripe.webhooks.generateTestHeaderString({
      payload: rawBody,
      secret: this.options.webhookSecret,
      timestamp: this.nowSeconds(),
    })
    return { rawBody, signature }
  }

  private async deliverQueued(): Promise<void> {
    const url = this.webhookUrl
    if (url === null) return
    let batch = this.queue
    this.queue = []
    if (this.reorder) {
      batch = [...batch]
      for (let i = batch.length - 1; i > 0; i--) {
        const j = Math.floor(this.random() * (i + 1))
        ;[batch[i], batch[j]] = [batch[j]!, batch[i]!]
      }
    }
    const failed: typeof batch = []
    for (const item of batch) {
      let ok = false
      for (let copy = 0; copy < (this.duplicate ? 2 : 1); copy++) {
        const d = this.sign(item.event)
        let status: number | 'network_error'
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': d.signature },
            body: d.rawBody,
          })
          await res.text()
          status = res.status
        } catch {
          status = 'network_error'
        }
        this.deliveries.push({ eventId: item.event.id, type: item.event.type, status })
        if (typeof status === 'number' && status >= 200 && status < 300) ok = true
      }
      // Stripe retries a delivery that was not acknowledged (for days; here a few flushes).
      if (!ok && item.attempts < 5) failed.push({ event: item.event, attempts: item.attempts + 1 })
    }
    this.queue = [...failed, ...this.queue]
  }
}
