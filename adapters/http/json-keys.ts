/**
 * The first object key that appears twice in the same object of a JSON text, as a path
 * (`guests`, `pricing.cleaningFee`), or null. `JSON.parse` keeps the last of duplicate keys, so a
 * body `{"guests": 1, "guests": 9}` means what the parser last read, which a client, a proxy's
 * validator and the server may each read differently: such bodies are refused. The text is already
 * known to be valid JSON, so the scan only follows strings, nesting and the key positions.
 */
export const firstDuplicateKey = (text: string): string | null =>
  firstKeyWhere(text, (key, seen) => seen.has(key))

/**
 * Keys that name the prototype machinery of a JavaScript object: a body carrying one is refused
 * whatever its depth (prototype pollution), not merely left to fail a schema as an unknown field.
 */
export const FORBIDDEN_JSON_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/** The path of the first forbidden key (`__proto__`, `constructor`, `prototype`) in a JSON text, or null. */
export const firstForbiddenKey = (text: string): string | null =>
  firstKeyWhere(text, (key) => FORBIDDEN_JSON_KEYS.has(key))

/** The path of the first object key `stop` accepts (given the keys of its object read before it). */
const firstKeyWhere = (
  text: string,
  stop: (key: string, seen: ReadonlySet<string>) => boolean,
): string | null => {
  interface Frame {
    readonly keys: Set<string> | null // null: an array
    readonly name: string
    expectKey: boolean
  }
  const stack: Frame[] = []
  let pendingName = ''
  let i = 0
  const readString = (): string => {
    // At the opening quote; returns the decoded string and leaves i after the closing quote.
    let out = ''
    i++
    while (i < text.length) {
      const c = text[i]!
      if (c === '"') {
        i++
        return out
      }
      if (c === '\\') {
        const e = text[i + 1]
        if (e === 'u') {
          out += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16))
          i += 6
        } else {
          out +=
            e === 'n'
              ? '\n'
              : e === 't'
                ? '\t'
                : e === 'r'
                  ? '\r'
                  : e === 'b'
                    ? '\b'
                    : e === 'f'
                      ? '\f'
                      : (e ?? '')
          i += 2
        }
        continue
      }
      out += c
      i++
    }
    return out
  }
  const path = (key: string) => [...stack.map((f) => f.name).filter((n) => n !== ''), key].join('.')
  while (i < text.length) {
    const c = text[i]!
    const top = stack[stack.length - 1]
    if (c === '"') {
      const s = readString()
      if (top?.keys != null && top.expectKey) {
        if (stop(s, top.keys)) return path(s)
        top.keys.add(s)
        top.expectKey = false
        pendingName = s
      }
      continue
    }
    if (c === '{' || c === '[') {
      const name = top?.keys != null ? pendingName : top === undefined ? '' : '[]'
      stack.push({ keys: c === '{' ? new Set() : null, name, expectKey: c === '{' })
    } else if (c === '}' || c === ']') stack.pop()
    else if (c === ',' && top?.keys != null) top.expectKey = true
    i++
  }
  return null
}
