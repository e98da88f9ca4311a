import { OrdererError } from './errors.js'

/**
 * Fabric's channel `BatchSize` (orderer/configuration.proto) and `BatchTimeout`.
 * Fabric defaults (configtx.yaml): MaxMessageCount 500, AbsoluteMaxBytes 10 MB, PreferredMaxBytes
 * 2 MB, BatchTimeout 2 s. Weft: BatchTimeout 250 ms — a workshop wants to see its transaction in
 * a block at once, and tab networks carry far less load than a production orderer.
 */
export interface BatchConfig {
  readonly maxMessageCount: number
  /** Envelopes larger than this are refused at Broadcast (413), never cut. */
  readonly absoluteMaxBytes: number
  readonly preferredMaxBytes: number
  readonly batchTimeoutMs: number
}

export const DEFAULT_BATCH_CONFIG: BatchConfig = Object.freeze({
  maxMessageCount: 500,
  absoluteMaxBytes: 10 * 1024 * 1024,
  preferredMaxBytes: 2 * 1024 * 1024,
  batchTimeoutMs: 250
})

export function validateBatchConfig (config: BatchConfig): void {
  for (const field of ['maxMessageCount', 'absoluteMaxBytes', 'preferredMaxBytes', 'batchTimeoutMs'] as const) {
    const value = config[field]
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new OrdererError('ORDERER_INVALID_CONFIG', `${field}: expected a positive integer, got ${String(value)}`)
    }
  }
  if (config.preferredMaxBytes > config.absoluteMaxBytes) {
    throw new OrdererError('ORDERER_INVALID_CONFIG',
      `preferredMaxBytes (${config.preferredMaxBytes}) exceeds absoluteMaxBytes (${config.absoluteMaxBytes})`)
  }
}

/** An ordered message and its size as Fabric counts it: len(payload) + len(signature). */
export interface SizedMessage<T> {
  readonly message: T
  readonly size: number
}

export interface Ordered<T> {
  /** Zero, one or two batches to turn into blocks now, oldest first. */
  readonly batches: T[][]
  /** Whether messages wait in the pending batch: the caller (re)arms the BatchTimeout timer. */
  readonly pending: boolean
}

/**
 * The block cutter (Fabric orderer/common/blockcutter/blockcutter.go `receiver`): pure, no timer.
 * Rules, in Fabric's order:
 *  - a message larger than PreferredMaxBytes cuts what is pending, then goes alone in its own batch;
 *  - a message that would push the pending batch past PreferredMaxBytes cuts the batch first;
 *  - reaching MaxMessageCount cuts the batch.
 * The caller cuts on BatchTimeout with `cut()`, and cuts around config transactions (they are
 * isolated in their own block: cut(), then a batch of just the config message).
 */
export class BlockCutter<T> {
  private pendingBatch: T[] = []
  private pendingBytes = 0

  constructor (private config: BatchConfig) {
    validateBatchConfig(config)
  }

  /** A config block may change BatchSize; Fabric reads it per message from the channel config. */
  updateConfig (config: BatchConfig): void {
    validateBatchConfig(config)
    this.config = config
  }

  ordered ({ message, size }: SizedMessage<T>): Ordered<T> {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new OrdererError('ORDERER_INVALID_ARGUMENT', `message size: expected a non-negative integer, got ${String(size)}`)
    }
    const batches: T[][] = []
    if (size > this.config.preferredMaxBytes) {
      if (this.pendingBatch.length > 0) batches.push(this.cut())
      batches.push([message])
      return { batches, pending: false }
    }
    if (this.pendingBytes + size > this.config.preferredMaxBytes) batches.push(this.cut())
    this.pendingBatch.push(message)
    this.pendingBytes += size
    if (this.pendingBatch.length >= this.config.maxMessageCount) batches.push(this.cut())
    return { batches, pending: this.pendingBatch.length > 0 }
  }

  /** Returns the pending batch (possibly empty) and starts a new one. */
  cut (): T[] {
    const batch = this.pendingBatch
    this.pendingBatch = []
    this.pendingBytes = 0
    return batch
  }

  get pendingCount (): number {
    return this.pendingBatch.length
  }
}
