import type { IdKind, IdOf } from '../core/domain/shared/ids.js'
import { token } from './tokens.js'

/** The only source of new ids for the core. Ids are `prefix_…` strings (see `idPrefixes`). */
export interface IdGenerator {
  next<K extends IdKind>(kind: K): IdOf[K]
  /**
   * The id a request key names: the same kind and key always give the same id, in every process
   * and every generator of one deployment, different keys
   * different ids (a cryptographic digest of the key, never the key itself), and never an id `next`
   * gives. A client's retry of a request whose answer was lost therefore reaches the entity the
   * first attempt created: its id is taken, and the store's unique id refuses a second one.
   */
  fromKey<K extends IdKind>(kind: K, key: string): IdOf[K]
}
export const IdGenerator = token<IdGenerator>('IdGenerator')
