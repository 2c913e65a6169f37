import { randomUUID } from 'node:crypto'
import { type IdKind, type IdOf, idPrefixes } from '../../core/domain/shared/ids.js'
import type { IdGenerator } from '../../ports/id-generator.js'

/** `prefix_<random UUID without dashes>`: 122 random bits per id. */
export class RandomIdGenerator implements IdGenerator {
  next<K extends IdKind>(kind: K): IdOf[K] {
    return `${idPrefixes[kind]}_${randomUUID().replaceAll('-', '')}` as IdOf[K]
  }
}
