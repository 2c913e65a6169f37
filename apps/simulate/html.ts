import { addDays, localDate } from '../../core/domain/shared/dates.js'
import { formatMoney, pct, type SimulationReport } from './report.js'

/** Escapes text for HTML and SVG. */
const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const n = (x: number): string => x.toLocaleString('en-US')
const f1 = (x: number): string => (Math.round(x * 10) / 10).toString()

const W = 760
const PAD = { left: 56, right: 16, top: 16, bottom: 36 }

/** A line chart of values in [0, 1] over days, with a gridline every 25 % and a label per month. */
const occupancyChart = (daily: readonly number[], start: string): string => {
  const h = 240
  const iw = W - PAD.left - PAD.right
  const ih = h - PAD.top - PAD.bottom
  const x = (i: number) => PAD.left + (daily.length <= 1 ? iw / 2 : (i / (daily.length - 1)) * iw)
  const y = (v: number) => PAD.top + ih - Math.max(0, Math.min(1, v)) * ih
  const parts: string[] = []
  for (const g of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${f1(y(g))}" y2="${f1(y(g))}" class="grid"/>`,
    )
    parts.push(
      `<text x="${PAD.left - 6}" y="${f1(y(g) + 4)}" class="axis" text-anchor="end">${g * 100}%</text>`,
    )
  }
  const first = localDate(start)
  for (let i = 0; i < daily.length; i++) {
    const d = addDays(first, i)
    if (d.endsWith('-01') || i === 0)
      parts.push(
        `<text x="${f1(x(i))}" y="${h - 12}" class="axis" text-anchor="middle">${esc(d.slice(0, 7))}</text>`,
        `<line x1="${f1(x(i))}" x2="${f1(x(i))}" y1="${PAD.top}" y2="${PAD.top + ih}" class="grid"/>`,
      )
  }
  const path = daily.map((v, i) => `${i === 0 ? 'M' : 'L'}${f1(x(i))},${f1(y(v))}`).join(' ')
  const area = `${path} L${f1(x(daily.length - 1))},${f1(y(0))} L${f1(x(0))},${f1(y(0))} Z`
  parts.push(`<path d="${area}" class="area"/>`, `<path d="${path}" class="line"/>`)
  return `<svg viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" aria-label="Occupancy by day">${parts.join('')}</svg>`
}

/** Horizontal bars with labels and values. */
const barChart = (rows: readonly { label: string; value: number; cls?: string }[], label: string): string => {
  const barH = 22
  const h = PAD.top + rows.length * (barH + 8) + 8
  const left = 190
  const iw = W - left - 90
  const max = Math.max(1, ...rows.map((r) => r.value))
  const parts = rows.map((r, i) => {
    const y = PAD.top + i * (barH + 8)
    const w = (r.value / max) * iw
    return (
      `<text x="${left - 8}" y="${y + 15}" class="label" text-anchor="end">${esc(r.label)}</text>` +
      `<rect x="${left}" y="${y}" width="${f1(Math.max(0.5, w))}" height="${barH}" class="${r.cls ?? 'bar'}"/>` +
      `<text x="${f1(left + w + 6)}" y="${y + 15}" class="value">${n(r.value)}</text>`
    )
  })
  return `<svg viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" aria-label="${esc(label)}">${parts.join('')}</svg>`
}

/** Pay-in and refunds per month of one currency, as paired columns. */
const moneyChart = (m: SimulationReport['money'][number]): string => {
  const h = 220
  const iw = W - PAD.left - PAD.right
  const ih = h - PAD.top - PAD.bottom
  const months = m.byMonth
  const max = Math.max(1, ...months.map((x) => Math.max(x.payIn, x.refunds)))
  const slot = iw / Math.max(1, months.length)
  const bw = Math.max(2, Math.min(28, slot / 2 - 4))
  const y = (v: number) => PAD.top + ih - (v / max) * ih
  const parts: string[] = []
  for (const g of [0, 0.5, 1]) {
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${f1(y(g * max))}" y2="${f1(y(g * max))}" class="grid"/>`,
    )
    parts.push(
      `<text x="${PAD.left - 6}" y="${f1(y(g * max) + 4)}" class="axis" text-anchor="end">${esc(compact(g * max, m.currency))}</text>`,
    )
  }
  months.forEach((x, i) => {
    const cx = PAD.left + slot * i + slot / 2
    parts.push(
      `<rect x="${f1(cx - bw - 1)}" y="${f1(y(x.payIn))}" width="${f1(bw)}" height="${f1(PAD.top + ih - y(x.payIn))}" class="bar"><title>pay-in ${esc(formatMoney(x.payIn, m.currency))}</title></rect>`,
      `<rect x="${f1(cx + 1)}" y="${f1(y(x.refunds))}" width="${f1(bw)}" height="${f1(PAD.top + ih - y(x.refunds))}" class="bar refund"><title>refunds ${esc(formatMoney(x.refunds, m.currency))}</title></rect>`,
      `<text x="${f1(cx)}" y="${h - 12}" class="axis" text-anchor="middle">${esc(x.month)}</text>`,
    )
  })
  return `<svg viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" aria-label="Pay-in and refunds by month, ${esc(m.currency)}">${parts.join('')}</svg>`
}

/** A short money label for an axis: 12.3k, 4.5M, in major units. */
const compact = (minor: number, currency: string): string => {
  const digits =
    new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
    2
  const major = minor / 10 ** digits
  const abs = Math.abs(major)
  return abs >= 1e6 ? `${f1(major / 1e6)}M` : abs >= 1e3 ? `${f1(major / 1e3)}k` : f1(major)
}

const tableHtml = (head: readonly string[], rows: readonly (readonly string[])[]): string =>
  `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map(
      (r) => `<tr>${r.map((c, i) => (i === 0 ? `<th>${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join('')}</tr>`,
    )
    .join('')}</tbody></table>`

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2433;margin:24px auto;max-width:820px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde2ea;padding-bottom:4px}
p.meta{color:#566074;margin:0 0 12px}
table{border-collapse:collapse;margin:8px 0 12px;font-variant-numeric:tabular-nums}
th,td{padding:3px 10px;border-bottom:1px solid #eef1f5;text-align:right}th:first-child{text-align:left}thead th{color:#566074;font-weight:600}
.ok{color:#1a7f37;font-weight:600}.broken{color:#cf222e;font-weight:700}
svg{display:block;margin:8px 0;max-width:100%;height:auto}
svg .grid{stroke:#e6e9ef;stroke-width:1}svg .axis{fill:#6b7487;font-size:11px}
svg .line{fill:none;stroke:#2f6feb;stroke-width:1.6}svg .area{fill:#2f6feb;opacity:.12}
svg .bar{fill:#2f6feb}svg .bar.refund{fill:#e5534b}svg .bar.bad{fill:#e5534b}svg .bar.meh{fill:#d4a72c}svg .bar.good{fill:#1a7f37}
svg .label{fill:#1d2433;font-size:12px}svg .value{fill:#566074;font-size:12px}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;vertical-align:middle}
`

/**
 * The report as one self-contained HTML page: inline CSS and inline SVG charts (occupancy over
 * time, bookings by outcome, pay-in and refunds by month per currency), no scripts, no links, no
 * network.
 */
export const renderHtml = (r: SimulationReport): string => {
  const c = r.config
  const b = r.bookings
  const outcomes = [
    { label: 'booking attempts', value: b.attempts },
    { label: 'confirmed', value: b.confirmed, cls: 'bar good' },
    { label: 'completed stays', value: b.completed, cls: 'bar good' },
    { label: 'modified', value: b.modified },
    { label: 'cancelled', value: b.cancelled, cls: 'bar meh' },
    { label: 'declined by host', value: b.declined, cls: 'bar meh' },
    { label: 'expired', value: b.expired, cls: 'bar meh' },
    { label: 'conflicts prevented', value: b.conflictsPrevented.total, cls: 'bar bad' },
  ]
  const inv = Object.entries(r.invariants)
  const allOk = inv.every(([, v]) => v === 0)
  const p = r.performance
  const body = [
    `<h1>innkeeper simulation</h1>`,
    `<p class="meta">seed ${c.seed} · ${n(c.listings)} listings · ${n(c.guests)} guests · ${c.days} days from ${esc(c.start)} to ${esc(c.end)} · ${pct(c.paymentFailureRate)} of card payments declined · password hash cost N=${c.passwordHashCost} (simulation only)</p>`,
    `<p class="meta">${n(r.marketplace.hosts)} hosts · ${n(r.marketplace.units)} bookable units in ${c.cities.length} cities (${esc(c.cities.join(', '))}) · ${pct(r.marketplace.instantBookShare)} instant book</p>`,
    `<h2>Invariants <span class="${allOk ? 'ok' : 'broken'}">${allOk ? 'all hold' : 'BROKEN'}</span></h2>`,
    tableHtml(
      ['invariant', 'count'],
      inv.map(([k, v]) => [k, String(v)]),
    ),
    `<p class="meta">checked ${n(r.checked.bookings)} bookings, ${n(r.checked.payments)} payments, ${n(r.checked.listingNights)} listing-nights, ${n(r.checked.reviews)} reviews on the final state</p>`,
    `<h2>Occupancy over time</h2>`,
    `<p class="meta">booked unit-nights ÷ sellable unit-nights, per day; overall ${pct(r.occupancy.overall.occupancy)}</p>`,
    occupancyChart(r.occupancy.daily, c.start),
    tableHtml(
      ['city', 'occupancy', 'booked', 'sellable'],
      Object.entries(r.occupancy.byCity).map(([k, v]) => [
        k,
        pct(v.occupancy),
        n(v.bookedNights),
        n(v.sellableNights),
      ]),
    ),
    tableHtml(
      ['month', 'occupancy', 'booked', 'sellable'],
      Object.entries(r.occupancy.byMonth).map(([k, v]) => [
        k,
        pct(v.occupancy),
        n(v.bookedNights),
        n(v.sellableNights),
      ]),
    ),
    `<h2>Bookings by outcome</h2>`,
    barChart(outcomes, 'Bookings by outcome'),
    tableHtml(
      ['final state', 'bookings'],
      Object.entries(b.byState).map(([k, v]) => [k, n(v)]),
    ),
    `<p class="meta">${n(r.activity.searches)} searches (${n(r.activity.searchesWithoutResults)} found nothing) · ${n(r.activity.paymentsDeclined)} cards declined, ${n(r.activity.paymentRetries)} retried · ${n(r.activity.checkoutsAbandoned)} checkouts abandoned · host answers: ${n(r.activity.hostResponses.accepted)} accepted, ${n(r.activity.hostResponses.declined)} declined, ${n(r.activity.hostResponses.tooLate)} too late, ${n(r.activity.hostResponses.neverAnswered)} never</p>`,
    `<h2>Revenue and refunds by month</h2>`,
    `<p class="legend"><span style="background:#2f6feb"></span>pay-in<span style="background:#e5534b"></span>refunds</p>`,
    ...r.money.flatMap((m) => [`<h3>${esc(m.currency)}</h3>`, moneyChart(m)]),
    tableHtml(
      ['currency', 'pay-in', 'refunds', 'net', 'host payouts', 'platform fees', 'taxes', 'unaccounted'],
      r.money.map((m) => [
        m.currency,
        formatMoney(m.payIn, m.currency),
        formatMoney(m.refunds, m.currency),
        formatMoney(m.net, m.currency),
        formatMoney(m.hostPayouts, m.currency),
        formatMoney(m.platformFees, m.currency),
        formatMoney(m.taxes, m.currency),
        formatMoney(m.unaccounted, m.currency),
      ]),
    ),
    `<h2>Reviews</h2>`,
    tableHtml(
      ['direction', 'reviews', 'average', 'revealed'],
      [
        [
          'guest → listing',
          n(r.reviews.guestToListing.count),
          String(r.reviews.guestToListing.average ?? '—'),
          n(r.reviews.guestToListing.revealed),
        ],
        [
          'host → guest',
          n(r.reviews.hostToGuest.count),
          String(r.reviews.hostToGuest.average ?? '—'),
          n(r.reviews.hostToGuest.revealed),
        ],
      ],
    ),
    `<h2>Performance</h2>`,
    `<p class="meta">wall clock on the machine that ran it: setup ${p.seconds.setup} s, run ${p.seconds.run} s, audit ${p.seconds.audit} s · RSS ${p.memoryMB.rss} MB</p>`,
    tableHtml(
      ['use case', 'calls', 'ops/s', 'p50 ms', 'p95 ms', 'p99 ms'],
      Object.entries(p.useCases).map(([k, v]) => [
        k,
        n(v.count),
        n(v.opsPerSec),
        v.p50.toFixed(3),
        v.p95.toFixed(3),
        v.p99.toFixed(3),
      ]),
    ),
  ]
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>innkeeper simulation, seed ${c.seed}</title><style>${STYLE}</style></head>
<body>
${body.join('\n')}
</body></html>
`
}
