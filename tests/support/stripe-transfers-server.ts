import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A stand-in for the part of Stripe's API that Connect payouts use, for tests: `POST /v1/transfers`,
 * `GET /v1/transfers/{id}` and `GET /v1/transfers?transfer_group=…` (newest first), stateful, with Stripe's idempotency rules (the same
 * `Idempotency-Key` and parameters replay the first response with `Idempotent-Replayed: true`;
 * other parameters get a 400 `idempotency_error`), its error bodies, and the failures a client must
 * survive: 5xx or 429 answers before anything is done, connections dropped before the request is
 * handled, and connections dropped after the transfer was made (the response lost). Every request
 * is recorded with its headers and decoded form body. Listens on 127.0.0.1 only.
 */

export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly headers: Readonly<Record<string, string | undefined>>
  /** The form body, keys as sent (`metadata[payoutId]`). */
  readonly form: Readonly<Record<string, string>>
}

export interface StoredTransfer {
  readonly id: string
  readonly amount: number
  readonly currency: string
  readonly destination: string
  readonly metadata: Readonly<Record<string, string>>
  readonly transferGroup: string | null
}

type Fault =
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'drop-before' }
  | { readonly kind: 'drop-after' }

export interface StripeTransfersServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string
  readonly requests: RecordedRequest[]
  /** Transfers made, in order (replays are not new transfers). */
  transfers(): readonly StoredTransfer[]
  /** The next `count` transfer requests meet this fault. */
  fault(fault: Fault, count?: number): void
  /** Transfers to this account are refused (`No such destination`). */
  closeAccount(id: string): void
  /** Forgets every idempotency key seen so far, as Stripe prunes keys older than 24 hours. */
  forgetKeys(): void
  close(): Promise<void>
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'request-id': `req_${Math.random().toString(36).slice(2, 12)}`,
    ...headers,
  })
  res.end(text)
}

const stripeError = (res: ServerResponse, status: number, type: string, message: string, extra = {}) =>
  json(res, status, { error: { type, message, ...extra } })

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })

const metadataOf = (form: Record<string, string>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(form)) {
    const m = /^metadata\[(.+)\]$/.exec(k)
    if (m !== null) out[m[1]!] = v
  }
  return out
}

const transferObject = (t: StoredTransfer, created: number) => ({
  id: t.id,
  object: 'transfer',
  amount: t.amount,
  amount_reversed: 0,
  balance_transaction: `txn_${t.id.slice(3)}`,
  created,
  currency: t.currency,
  description: null,
  destination: t.destination,
  destination_payment: `py_${t.id.slice(3)}`,
  livemode: false,
  metadata: t.metadata,
  reversals: {
    object: 'list',
    data: [],
    has_more: false,
    total_count: 0,
    url: `/v1/transfers/${t.id}/reversals`,
  },
  reversed: false,
  source_transaction: null,
  source_type: 'card',
  transfer_group: t.transferGroup,
})

export const startStripeTransfersServer = async (): Promise<StripeTransfersServer> => {
  const requests: RecordedRequest[] = []
  const made: StoredTransfer[] = []
  const byId = new Map<string, { transfer: StoredTransfer; created: number }>()
  const byKey = new Map<string, { body: string; status: number; response: unknown }>()
  const closed = new Set<string>()
  const faults: Fault[] = []
  let seq = 0

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req)
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const form = Object.fromEntries(new URLSearchParams(body))
      const headers: Record<string, string | undefined> = {}
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(',') : v
      requests.push({ method: req.method ?? '', path: url.pathname, headers, form })

      if (!/^Bearer sk_(test|live)_\w+$/.test(headers.authorization ?? ''))
        return stripeError(res, 401, 'invalid_request_error', 'Invalid API Key provided')

      const get = /^\/v1\/transfers\/([\w]+)$/.exec(url.pathname)
      if (req.method === 'GET' && get !== null) {
        const found = byId.get(get[1]!)
        return found === undefined
          ? stripeError(res, 404, 'invalid_request_error', `No such transfer: '${get[1]}'`, {
              code: 'resource_missing',
            })
          : json(res, 200, transferObject(found.transfer, found.created))
      }
      if (req.method === 'GET' && url.pathname === '/v1/transfers') {
        const group = url.searchParams.get('transfer_group')
        const limit = Number(url.searchParams.get('limit') ?? '10')
        const data = made
          .filter((t) => group === null || t.transferGroup === group)
          .reverse()
          .slice(0, limit)
          .map((t) => transferObject(t, byId.get(t.id)!.created))
        return json(res, 200, { object: 'list', data, has_more: false, url: '/v1/transfers' })
      }
      if (req.method !== 'POST' || url.pathname !== '/v1/transfers')
        return stripeError(
          res,
          404,
          'invalid_request_error',
          `Unrecognized request URL (${req.method}: ${url.pathname})`,
        )

      const fault = faults.shift()
      if (fault?.kind === 'drop-before') return req.socket.destroy()
      if (fault?.kind === 'status')
        return fault.status === 429
          ? stripeError(res, 429, 'invalid_request_error', 'Too many requests', { code: 'rate_limit' })
          : stripeError(res, fault.status, 'api_error', 'Something went wrong on our end (simulated)')

      const key = headers['idempotency-key']
      if (key !== undefined) {
        const seen = byKey.get(key)
        if (seen !== undefined) {
          if (seen.body !== body)
            return stripeError(
              res,
              400,
              'idempotency_error',
              `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            )
          return json(res, seen.status, seen.response, { 'idempotent-replayed': 'true' })
        }
      }
      const remember = (status: number, response: unknown) => {
        if (key !== undefined) byKey.set(key, { body, status, response })
      }

      const amount = Number(form.amount)
      const currency = form.currency ?? ''
      const destination = form.destination ?? ''
      if (!Number.isSafeInteger(amount) || amount <= 0) {
        const e = {
          error: { type: 'invalid_request_error', message: 'Invalid positive integer', param: 'amount' },
        }
        remember(400, e)
        return json(res, 400, e)
      }
      if (!/^[a-z]{3}$/.test(currency)) {
        const e = {
          error: {
            type: 'invalid_request_error',
            message: `Invalid currency: ${currency}`,
            param: 'currency',
          },
        }
        remember(400, e)
        return json(res, 400, e)
      }
      if (!/^acct_\w+$/.test(destination) || closed.has(destination)) {
        const e = {
          error: {
            type: 'invalid_request_error',
            code: 'resource_missing',
            message: `No such destination: '${destination}'`,
            param: 'destination',
          },
        }
        remember(400, e)
        return json(res, 400, e)
      }
      seq += 1
      const transfer: StoredTransfer = {
        id: `tr_${String(seq).padStart(14, '0')}`,
        amount,
        currency,
        destination,
        metadata: metadataOf(form),
        transferGroup: form.transfer_group ?? null,
      }
      const created = Math.floor(Date.now() / 1000)
      made.push(transfer)
      byId.set(transfer.id, { transfer, created })
      const response = transferObject(transfer, created)
      remember(200, response)
      // The transfer is made, but the client never hears of it.
      if (fault?.kind === 'drop-after') return req.socket.destroy()
      return json(res, 200, response)
    })().catch(() => res.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    transfers: () => [...made],
    fault: (f, count = 1) => {
      for (let i = 0; i < count; i++) faults.push(f)
    },
    closeAccount: (id) => {
      closed.add(id)
    },
    forgetKeys: () => {
      byKey.clear()
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
