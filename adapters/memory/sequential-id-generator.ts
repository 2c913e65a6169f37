import { createHash } from 'node:crypto'
import { type IdKind, type IdOf, idPrefixes } from '../../core/domain/shared/ids.js'
import type { IdGenerator } from '../../ports/id-generator.js'

export interface SequentialIdOptions {
  /** Inserted after the prefix (`usr_sim1_000001`), so several generators never collide. */
  readonly namespace?: string
  /** The first counter value of every kind (default 1). */
  readonly seed?: number
  /** Zero-padded width of the counter (default 6). */
  readonly width?: number
}

/** Deterministic ids `prefix_[namespace_]000001`, one counter per kind. */
export class SequentialIdGenerator implements IdGenerator {
  private readonly counters = new Map<IdKind, number>()
  private readonly namespace: string
  private readonly seed: number
  private readonly width: number

  constructor(options: SequentialIdOptions = {}) {
    this.namespace = options.namespace ? `${options.namespace}_` : ''
    this.seed = options.seed ?? 1
    this.width = options.width ?? 6
  }

  next<K extends IdKind>(kind: K): IdOf[K] {
    const n = this.counters.get(kind) ?? this.seed
    this.counters.set(kind, n + 1)
    return `${idPrefixes[kind]}_${this.namespace}${String(n).padStart(this.width, '0')}` as IdOf[K]
  }

  /**
   * `prefix_k<digest>`: never one of the counters' ids, and without the namespace, so every
   * generator (every process) names the same id for a key.
   */
  fromKey<K extends IdKind>(kind: K, key: string): IdOf[K] {
    return `${idPrefixes[kind]}_k${createHash('sha256').update(key).digest('hex').slice(0, 32)}` as IdOf[K]
  }
}
