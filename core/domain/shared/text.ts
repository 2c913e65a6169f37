import { Schema } from 'effect'

/**
 * What text a user may store: no control characters and no bidirectional overrides, which hide or
 * reorder what other people (hosts, guests, admins, log readers) see: NUL and the other C0 controls
 * (U+0000–U+001F: CR, ESC, …), DEL (U+007F), the C1 controls (U+0080–U+009F), the bidi embeddings,
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069; "Trojan Source"), and the line and
 * paragraph separators U+2028/U+2029 outside multi-line text. Multi-line free text (descriptions,
 * comments, messages, reasons, bios) may hold `\n` and `\t`, nothing else of these. The directional
 * marks U+200E/U+200F/U+061C are allowed in names and free text (right-to-left scripts need them
 * beside digits) and refused in e-mail addresses, where nothing invisible belongs.
 */
export type TextKind = 'single_line' | 'multi_line' | 'email'

const isControlOrOverride = (c: number): boolean =>
  c <= 0x1f || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)

/** The first character `kind` text may not hold, with its index, or null when there is none. */
export const forbiddenCharacter = (
  s: string,
  kind: TextKind,
): { readonly index: number; readonly code: number } | null => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (kind === 'multi_line' && (c === 0x0a || c === 0x09)) continue
    if (
      isControlOrOverride(c) ||
      ((c === 0x2028 || c === 0x2029) && kind !== 'multi_line') ||
      (kind === 'email' && (c === 0x200e || c === 0x200f || c === 0x061c))
    )
      return { index: i, code: c }
  }
  return null
}

const describe = (kind: TextKind): string =>
  kind === 'multi_line'
    ? 'control or bidirectional-override characters (only line breaks \\n and tabs \\t are allowed)'
    : 'control, line-break or bidirectional-override characters'

// The patterns name the control characters they refuse: that is their purpose, not a mistake.
const MULTI_LINE_TEXT =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters this pattern refuses
  /^[^\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$/
const EMAIL_TEXT =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters this pattern refuses
  /^[^\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]*$/
const SINGLE_LINE_TEXT =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters this pattern refuses
  /^[^\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]*$/

/** The same rule as a regular expression, for the OpenAPI document (`pattern`). */
export const textPattern = (kind: TextKind): RegExp =>
  kind === 'multi_line' ? MULTI_LINE_TEXT : kind === 'email' ? EMAIL_TEXT : SINGLE_LINE_TEXT

/**
 * The check every text field of the API carries (names, e-mails, titles, descriptions, house rules,
 * captions, comments, reasons …): a string holding a forbidden character (`forbiddenCharacter`) is
 * refused, naming the character and where it is.
 */
export const cleanText = (kind: TextKind) =>
  Schema.makeFilter((s: string) => refusal(s, kind), {
    description: `no ${describe(kind)}`,
    toJsonSchema: () => ({ pattern: textPattern(kind).source }),
  })

/** What `kind` text may not hold, as the inside of a regular-expression character class. */
const forbiddenClass = (kind: TextKind): string => textPattern(kind).source.slice('^[^'.length, -']*$'.length)

const refusal = (s: string, kind: TextKind): string | true => {
  const bad = forbiddenCharacter(s, kind)
  return (
    bad === null ||
    `must not contain ${describe(kind)}: U+${bad.code.toString(16).toUpperCase().padStart(4, '0')} at index ${bad.index}`
  )
}

/**
 * `cleanText` for text of a shape — `non_blank`: something besides white space; `email`:
 * local@domain.tld — published as one pattern that says both, not as two patterns in an `allOf`:
 * the same rule, and one that tools generating values from the document (json-schema-faker, Prism)
 * can meet.
 */
export const cleanShapedText = (kind: TextKind, shape: 'non_blank' | 'email') => {
  const f = forbiddenClass(kind)
  const [re, pattern, expected] =
    shape === 'non_blank'
      ? [/\S/, `^[^${f}]*[^\\s${f}][^${f}]*$`, 'a non-blank string']
      : [/^[^\s@]+@[^\s@]+\.[^\s@]+$/, `^[^\\s@${f}]+@[^\\s@${f}]+\\.[^\\s@${f}]+$`, 'an e-mail address']
  return Schema.makeFilter((s: string) => (re.test(s) ? refusal(s, kind) : `Expected ${expected}`), {
    expected: `${expected} without ${describe(kind)}`,
    toJsonSchema: () => ({ pattern }),
  })
}
