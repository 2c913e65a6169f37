/**
 * The one cursor codec of the engine: a page cursor is a small JSON value in base64url (no
 * padding), opaque to callers. Whoever issues a cursor chooses what is in it and checks the shape
 * of what comes back. Written without node:buffer, so the core can use it as well as the adapters.
 */
export const encodeCursor = (value: unknown): string =>
  btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

/** The JSON value in a cursor, or undefined when the string is not one (never throws). */
export const decodeCursor = (cursor: string): unknown => {
  try {
    const bytes = Uint8Array.from(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')), (ch) =>
      ch.charCodeAt(0),
    )
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown
  } catch {
    return undefined
  }
}

/**
 * A short fingerprint of a JSON value (FNV-1a, 32 bits, twice with two seeds): what a cursor
 * carries to say which search issued it. It detects a cursor sent with another search; it is not a
 * secret and proves nothing.
 */
export const fingerprintOf = (value: unknown): string => {
  const text = JSON.stringify(value) ?? ''
  const fnv = (seed: number): number => {
    let h = seed
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i)
      h = Math.imul(h, 0x01000193)
    }
    return h >>> 0
  }
  return fnv(0x811c9dc5).toString(36) + fnv(0x2f1a7c3b).toString(36)
}
