import { createHash, randomUUID } from 'node:crypto'
import { type IdKind, type IdOf, idPrefixes } from '../../core/domain/shared/ids.js'
import type { IdGenerator } from '../../ports/id-generator.js'

/** `prefix_<random UUID without dashes>`: 122 random bits per id (32 hex digits, no `k`). */
export class RandomIdGenerator implements IdGenerator {
  next<K extends IdKind>(kind: K): IdOf[K] {
    return `${idPrefixes[kind]}_${randomUUID().replaceAll('-', '')}` as IdOf[K]
  }

  /** `prefix_k<128 bits of the key's SHA-256>`: the `k` keeps it apart from every random id. */
  fromKey<K extends IdKind>(kind: K, key: string): IdOf[K] {
    return `${idPrefixes[kind]}_k${createHash('sha256').update(key).digest('hex').slice(0, 32)}` as IdOf[K]
  }
}
