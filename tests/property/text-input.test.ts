import { Result, Schema } from 'effect'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BoundedString, Email, NonBlank } from '../../core/application/support/schemas.js'
import { forbiddenCharacter, type TextKind, textPattern } from '../../core/domain/shared/text.js'

/*
 * Issue 15 item 5: control and bidirectional-override characters are refused in names, e-mails and
 * free text. Any string holding one is refused by every text schema; plain text (any language,
 * emoji, right-to-left marks in names) is accepted; multi-line free text may hold \n and \t only.
 */
const RUNS = process.env.INNKEEPER_DEEP === '1' ? 5_000 : 500

/** Characters no text field may hold, whatever its kind. */
const ALWAYS_FORBIDDEN = [
  ...Array.from({ length: 0x20 }, (_, c) => c).filter((c) => c !== 0x0a && c !== 0x09),
  ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i),
  0x202a,
  0x202b,
  0x202c,
  0x202d,
  0x202e,
  0x2066,
  0x2067,
  0x2068,
  0x2069,
].map((c) => String.fromCharCode(c))
/** Forbidden in single-line text and e-mails, allowed in multi-line text. */
const LINE_BREAKS = ['\n', '\t', '\u2028', '\u2029']

/** Plain text: letters of several scripts, digits, punctuation, spaces and emoji; nothing forbidden. */
const plainChar = fc.oneof(
  fc.constantFrom(..."abcXYZ019 .,-'’éçñßøÅЖжΩ中文日本語한국어عربيעברית".split('')),
  fc.constantFrom('😀', '🏠', '👍🏽'),
  fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
)
const plain = fc.array(plainChar, { minLength: 1, maxLength: 40 }).map((cs) => `x${cs.join('')}`)

const accepts = (schema: Schema.Codec<string, string, never, never>, s: string) =>
  Result.isSuccess(Schema.decodeUnknownResult(schema)(s))

const fields: readonly (readonly [string, Schema.Codec<string, string, never, never>, TextKind])[] = [
  ['name (NonBlank)', NonBlank(200), 'single_line'],
  ['caption (BoundedString)', BoundedString(200), 'single_line'],
  ['comment (NonBlank multi-line)', NonBlank(200, 'multi_line'), 'multi_line'],
  ['description (BoundedString multi-line)', BoundedString(200, 'multi_line'), 'multi_line'],
]

describe('text fields refuse control and bidi-override characters', () => {
  for (const [name, schema, kind] of fields)
    it(`${name}: plain text accepted; with a forbidden character inserted anywhere, refused`, () => {
      fc.assert(
        fc.property(
          plain,
          fc.nat(),
          fc.constantFrom(...ALWAYS_FORBIDDEN, ...LINE_BREAKS),
          (text, at, bad) => {
            expect(accepts(schema, text)).toBe(true)
            const i = at % (text.length + 1)
            const tainted = text.slice(0, i) + bad + text.slice(i)
            const allowed = kind === 'multi_line' && LINE_BREAKS.includes(bad)
            expect(accepts(schema, tainted)).toBe(allowed)
          },
        ),
        { numRuns: RUNS },
      )
    })

  it('e-mail: a valid address is accepted; with any forbidden character or directional mark, refused', () => {
    const local = fc.stringMatching(/^[a-z0-9.]{1,20}$/).filter((s) => !s.startsWith('.'))
    fc.assert(
      fc.property(
        local,
        fc.constantFrom(...ALWAYS_FORBIDDEN, '\u200e', '\u200f', '\u061c', '\u2028'),
        (l, bad) => {
          const email = `${l}@example.com`
          expect(accepts(Email, email)).toBe(true)
          expect(accepts(Email, `${l}${bad}@example.com`)).toBe(false)
          expect(accepts(Email, `${l}@exa${bad}mple.com`)).toBe(false)
        },
      ),
      { numRuns: RUNS },
    )
  })

  it('right-to-left marks are allowed in names (Arabic and Hebrew beside digits need them)', () => {
    expect(accepts(NonBlank(50), 'שלום\u200f 12')).toBe(true)
    expect(accepts(NonBlank(50), 'مرحبا\u061c 3')).toBe(true)
  })

  it('the refusal names the character and where it is', () => {
    const r = Schema.decodeUnknownResult(NonBlank(50))('abc\u202Edef')
    expect(Result.isFailure(r) && String(r.failure)).toMatch(/U\+202E at index 3/)
  })

  it('the OpenAPI pattern says exactly what the check says, for every character of the BMP', () => {
    for (const kind of ['single_line', 'multi_line', 'email'] as const) {
      const re = new RegExp(textPattern(kind).source)
      for (let c = 0; c < 0x10000; c++) {
        const s = String.fromCharCode(c)
        if ((forbiddenCharacter(s, kind) === null) !== re.test(s))
          throw new Error(`${kind}: U+${c.toString(16)} disagrees`)
      }
    }
  })
})
