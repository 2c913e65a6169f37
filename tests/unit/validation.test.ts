import { Effect, Result, Schema } from 'effect'
import { describe, expect, it } from 'vitest'
import { ValidationFailed } from '../../core/domain/shared/errors.js'
import { decodeInput, decodeInputResult } from '../../core/domain/shared/validation.js'

const CreateListing = Schema.Struct({
  title: Schema.String,
  maxGuests: Schema.Number,
  location: Schema.Struct({ city: Schema.String, lat: Schema.Number }),
  photos: Schema.Array(Schema.Struct({ url: Schema.String, caption: Schema.String })),
})
const valid = {
  title: 'Loft',
  maxGuests: 2,
  location: { city: 'Berlin', lat: 52.5 },
  photos: [{ url: 'https://x/1.jpg', caption: 'front' }],
}

const failureOf = (input: unknown): ValidationFailed => {
  const r = Effect.runSync(Effect.result(decodeInput(CreateListing, input)))
  if (Result.isSuccess(r)) throw new Error('expected a ValidationFailed')
  return r.failure
}
const paths = (e: ValidationFailed) => e.issues.map((i) => i.path).sort()

describe('validation: decodeInput', () => {
  it('decodes valid input to its type', () => {
    expect(Effect.runSync(decodeInput(CreateListing, valid))).toEqual(valid)
  })

  it('rejects an unknown top-level key, naming it', () => {
    const e = failureOf({ ...valid, isAdmin: true })
    expect(e).toBeInstanceOf(ValidationFailed)
    expect(e._tag).toBe('ValidationFailed')
    expect(e.code).toBe('validation_failed')
    expect(paths(e)).toEqual(['isAdmin'])
  })

  it('rejects an unknown nested key with a dotted path', () => {
    expect(paths(failureOf({ ...valid, location: { ...valid.location, zip: '10115' } }))).toEqual([
      'location.zip',
    ])
  })

  it('reports field paths dotted, array indexes included (location.lat, photos.1.url)', () => {
    const e = failureOf({
      ...valid,
      location: { city: 'Berlin', lat: 'north' },
      photos: [valid.photos[0], { url: 42, caption: 'back' }],
    })
    expect(paths(e)).toEqual(['location.lat', 'photos.1.url'])
    for (const i of e.issues) expect(i.message.length).toBeGreaterThan(0)
  })

  it('reports every problem, not only the first', () => {
    const e = failureOf({ title: 1, maxGuests: 'two', location: valid.location, photos: [], extra: 1 })
    expect(paths(e)).toEqual(['extra', 'maxGuests', 'title'])
  })

  it('reports a missing key at its path', () => {
    const { title: _omit, ...rest } = valid
    expect(paths(failureOf(rest))).toEqual(['title'])
  })

  it('a non-object input is reported at the root (empty path)', () => {
    expect(paths(failureOf('nope'))).toEqual([''])
    expect(failureOf('nope').message).toMatch(/^\(root\): /)
  })

  it('decodeInputResult gives the same answer synchronously', () => {
    const r = decodeInputResult(CreateListing, { ...valid, location: { city: 'B', lat: 1, zip: 'x' } })
    expect(Result.isFailure(r) && r.failure.issues.map((i) => i.path)).toEqual(['location.zip'])
    expect(Result.isSuccess(decodeInputResult(CreateListing, valid))).toBe(true)
  })
})
