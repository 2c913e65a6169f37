import type { IdKind, IdOf } from '../core/domain/shared/ids.js'
import { token } from './tokens.js'

/** The only source of new ids for the core. Ids are `prefix_…` strings (see `idPrefixes`). */
export interface IdGenerator {
  next<K extends IdKind>(kind: K): IdOf[K]
}
export const IdGenerator = token<IdGenerator>('IdGenerator')
