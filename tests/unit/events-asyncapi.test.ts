import { readFileSync } from 'node:fs'
import specs from '@asyncapi/specs'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { Schema } from 'effect'
import { describe, expect, it } from 'vitest'
import { toCloudEvent } from '../../adapters/amqp/cloud-event.js'
import { invalidatingTypes } from '../../adapters/http/cache-invalidation.js'
import { asyncApiDocument } from '../../apps/worker/asyncapi.js'
import { notificationTypes } from '../../apps/worker/consumers.js'
import { eventCatalogue } from '../../core/domain/events/catalogue.js'
import { eventTypes } from '../../core/domain/events/events.js'
import { recipientsOf } from '../../core/domain/notifications/routing.js'
import { activeListing, bookAndPay, makeWorld } from '../integration/engine-fixtures.js'

const newAjv = () => {
  // The AsyncAPI 3.0.0 schema is draft-07.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false })
  ;(addFormats as unknown as (a: Ajv) => void)(ajv)
  return ajv
}

type Doc = {
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>
  operations: Record<string, { action: string; channel: { $ref: string } }>
  components: { messages: Record<string, { name: string; payload: object; contentType: string }> }
}

const doc = asyncApiDocument() as unknown as Doc
const messageOf = (type: string) => Object.values(doc.components.messages).find((m) => m.name === type)!

const fieldsOf = (type: (typeof eventTypes)[number]): string[] => {
  const js = Schema.toJsonSchemaDocument(eventCatalogue[type].data).schema as { properties?: object }
  return Object.keys(js.properties ?? {})
}

describe('AsyncAPI document (generated from the catalogue schemas)', () => {
  it('is a valid AsyncAPI 3.0.0 document by the official JSON schema (@asyncapi/specs)', () => {
    const validate = newAjv().compile(specs.schemasWithoutId['3.0.0'] as object)
    const ok = validate(doc)
    expect(validate.errors ?? []).toEqual([])
    expect(ok).toBe(true)
    // The validator does reject a broken document (this test can fail).
    expect(validate({ ...doc, channels: { broken: { address: 42 } } })).toBe(false)
  })

  it('has one channel, message and send operation per event type, addressed by routing key', () => {
    const addresses = Object.values(doc.channels).map((c) => c.address)
    expect(addresses.sort()).toEqual([...eventTypes].sort())
    expect(Object.keys(doc.operations)).toHaveLength(eventTypes.length)
    for (const op of Object.values(doc.operations)) expect(op.action).toBe('send')
    for (const t of eventTypes) expect(messageOf(t).contentType).toBe('application/cloudevents+json')
  })

  it('each payload schema accepts the events the engine really emits and rejects a broken one', async () => {
    const w = await makeWorld()
    const l = await activeListing(w)
    await bookAndPay(w, l.id, { checkIn: '2026-04-01', checkOut: '2026-04-04' })
    await w.engine.tick()
    const emitted = w.engine.adapters.publisher.published()
    expect(emitted.length).toBeGreaterThan(5)
    const ajv = newAjv()
    for (const e of emitted) {
      const validate = ajv.compile(messageOf(e.type).payload)
      const wire: unknown = JSON.parse(JSON.stringify(toCloudEvent(e)))
      expect(validate(wire), `${e.type}: ${JSON.stringify(validate.errors)}`).toBe(true)
      const broken = { ...(wire as object), data: { ...e.data, [fieldsOf(e.type)[0]!]: 12.5 } }
      expect(validate(broken)).toBe(false)
    }
  })
})

describe('docs/events.md', () => {
  const md = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8')
  const slug = (heading: string) =>
    heading
      .toLowerCase()
      .replace(/[^a-z0-9 _-]/g, '')
      .trim()
      .replace(/ /g, '-')
  const sections = new Map<string, string>()
  for (const part of md.split(/^#{2,3} /m).slice(1)) {
    const [heading = '', ...body] = part.split('\n')
    sections.set(slug(heading), body.join('\n'))
  }
  /** A type's section plus the shared payload sections it links to. */
  const sectionOf = (type: string): string => {
    const own = sections.get(slug(`\`${type}\``))
    if (own === undefined) return ''
    const linked = [...own.matchAll(/\]\(#([a-z0-9_-]+)\)/g)].map((m) => sections.get(m[1]!) ?? '')
    return [own, ...linked].join('\n')
  }

  it('has a section for every event type, with its version and every payload field', () => {
    for (const t of eventTypes) {
      const text = sectionOf(t)
      expect(text, `no section for ${t}`).not.toBe('')
      expect(text).toMatch(/Version 1\./)
      for (const field of fieldsOf(t))
        expect(text, `${t} does not document ${field}`).toContain(`\`${field}\``)
    }
  })

  it('the catalogue table lists every type with its version and the built-in consumers that bind it', () => {
    for (const t of eventTypes) {
      const row = md.split('\n').find((l) => l.startsWith(`| \`${t}\` |`))
      expect(row, `no row for ${t}`).toBeDefined()
      const cells = row!.split('|').map((c) => c.trim())
      expect(cells[2]).toBe('1')
      expect(cells[4]!.includes('✉')).toBe(notificationTypes.includes(t))
      expect(cells[4]!.includes('♻')).toBe(invalidatingTypes.includes(t))
    }
  })

  it('the notification queue binds exactly the types NotifyOnEvent sends something for', () => {
    const data = { userId: 'u', hostId: 'h', guestId: 'g', payerId: 'p', subjectId: 's' }
    for (const t of eventTypes) {
      const e = { id: 'evt_1', type: t, subject: 'x', time: 0, data } as unknown as Parameters<
        typeof recipientsOf
      >[0]
      expect(recipientsOf(e).length > 0, t).toBe(notificationTypes.includes(t))
    }
  })
})
