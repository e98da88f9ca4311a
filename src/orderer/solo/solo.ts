/**
 * A single in-process orderer (Fabric's retired "solo" consensus) behind the small
 * OrderingService interface createTestNetwork uses: envelopes submitted within one batch
 * timeout are cut into one block (or sooner at maxMessageCount), chained by header hash and
 * delivered in order to every subscriber. The Raft ordering service (src/orderer) can replace
 * it behind the same interface.
 *
 * Not done here: block signatures in the SIGNATURES metadata and config blocks.
 *
 * @module
 */
import { Block, blockDataHash, blockHeaderHash, newBlock } from '../../protos/index.js'
import { OrdererError } from '../errors.js'

export interface OrderingService {
  /** Accepts an envelope for ordering (Fabric's Broadcast). */
  broadcast(envelope: Uint8Array): Promise<void>
  /** Every block from the next one on, in order (Fabric's Deliver); returns an unsubscribe function. */
  deliver(listener: (block: Block) => Promise<void>): () => void
  close(): Promise<void>
}

export interface SoloOrdererInit {
  /** Default 500 (Fabric's BatchSize.MaxMessageCount). */
  maxMessageCount?: number
  /** Default 5 ms (Fabric's default is 2 s; tests want blocks quickly). */
  batchTimeoutMs?: number
}

export class SoloOrderer implements OrderingService {
  readonly #listeners = new Set<(block: Block) => Promise<void>>()
  readonly #maxCount: number
  readonly #timeout: number
  #pending: Uint8Array[] = []
  #timer: ReturnType<typeof setTimeout> | undefined
  #height = 0
  #previousHash: Uint8Array = new Uint8Array(0)
  #delivery: Promise<unknown> = Promise.resolve()
  #closed = false
  /** Errors thrown by subscribers (a peer that failed to commit), for tests and logs. */
  readonly deliveryErrors: unknown[] = []

  constructor (init: SoloOrdererInit = {}) {
    this.#maxCount = init.maxMessageCount ?? 500
    this.#timeout = init.batchTimeoutMs ?? 5
  }

  get height (): number { return this.#height }

  async broadcast (envelope: Uint8Array): Promise<void> {
    if (this.#closed) throw new OrdererError('ORDERER_INVALID_ARGUMENT', 'orderer is closed')
    if (!(envelope instanceof Uint8Array) || envelope.length === 0) throw new OrdererError('ORDERER_INVALID_ARGUMENT', 'envelope must be non-empty bytes')
    this.#pending.push(envelope)
    if (this.#pending.length >= this.#maxCount) this.#cut()
    else this.#timer ??= setTimeout(() => { this.#cut() }, this.#timeout)
  }

  deliver (listener: (block: Block) => Promise<void>): () => void {
    this.#listeners.add(listener)
    return () => { this.#listeners.delete(listener) }
  }

  /** Resolves once every block cut so far reached every subscriber. */
  async flush (): Promise<void> {
    if (this.#pending.length > 0) this.#cut()
    await this.#delivery
  }

  async close (): Promise<void> {
    this.#closed = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#delivery
    this.#listeners.clear()
  }

  #cut (): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    if (this.#pending.length === 0) return
    const batch = this.#pending
    this.#pending = []
    const block = newBlock(this.#height, this.#previousHash)
    ;(block.data as { data: Uint8Array[] }).data = batch
    ;(block.header as { dataHash: Uint8Array }).dataHash = blockDataHash({ data: batch })
    this.#previousHash = blockHeaderHash(block.header as NonNullable<Block['header']>)
    this.#height++
    const listeners = [...this.#listeners]
    this.#delivery = this.#delivery.then(async () => {
      // Each subscriber gets its own copy; one failing subscriber does not stop the others.
      await Promise.all(listeners.map(async (l) => {
        try {
          await l(Block.decode(Block.encode(block)))
        } catch (err) {
          this.deliveryErrors.push(err)
        }
      }))
    })
  }
}
