/**
 * Which public keys own a comb table in WASM memory. Keys are remembered (decoded, validated)
 * in an LRU; a key gets a table once it has been used `tableAfterUses` times, so one-off keys
 * never pay the ~5 ms build (they take the slower table-less path in WASM instead). When all
 * slots are taken, the least recently used table is evicted — never one that the batch being
 * packed already refers to.
 * @module
 */
import { bytesToHex } from '@noble/hashes/utils.js'
import { decodePublicKey } from '../ecdsa.js'
import { LruCache } from '../lru.js'

export interface KeyEntry {
  readonly id: string
  /** x ‖ y, 32-byte big-endian each. */
  readonly xy: Uint8Array
  uses: number
  /** Table slot, or −1. */
  slot: number
}

export interface KeySlotsOptions {
  readonly slots: number
  readonly tableAfterUses: number
  readonly rememberedKeys: number
  /** Builds a table; returns false when the key is rejected (cannot happen for decoded keys). */
  readonly build: (slot: number, xy: Uint8Array) => boolean
}

export class KeySlots {
  readonly #options: KeySlotsOptions
  readonly #keys: LruCache<string, KeyEntry | null>
  readonly #owners: (KeyEntry | undefined)[]
  readonly #lastUse: number[]
  readonly #slotById = new Map<string, number>()
  #epoch = 0
  #tablesBuilt = 0

  constructor (options: KeySlotsOptions) {
    this.#options = options
    this.#keys = new LruCache(options.rememberedKeys)
    this.#owners = new Array<KeyEntry | undefined>(options.slots).fill(undefined)
    this.#lastUse = new Array<number>(options.slots).fill(-1)
  }

  /** Tables built so far (for tests and the app). */
  get tablesBuilt (): number { return this.#tablesBuilt }

  /** Starts packing a new batch: slots touched from now on are protected from eviction. */
  beginBatch (): void {
    this.#epoch++
  }

  /** The decoded key (counting one use), or null for bytes that are not a P-256 point. */
  lookup (publicKey: Uint8Array): KeyEntry | null {
    const id = bytesToHex(publicKey)
    let entry = this.#keys.get(id)
    if (entry === undefined) {
      const point = decodePublicKey(publicKey)
      if (point === null) {
        entry = null
      } else {
        const xy = point.toBytes(false).subarray(1)
        entry = { id, xy, uses: 0, slot: this.#slotById.get(id) ?? -1 }
      }
      this.#keys.set(id, entry)
    }
    if (entry !== null) {
      entry.uses++
      if (entry.slot >= 0) this.#lastUse[entry.slot] = this.#epoch
    }
    return entry
  }

  /**
   * The table slot to use for `entry` in the current batch, building a table if the key has
   * earned one and a slot can be freed; −1 means "no table" (use the raw key).
   */
  slotFor (entry: KeyEntry): number {
    if (entry.slot >= 0 && this.#owners[entry.slot]?.id === entry.id) {
      this.#owners[entry.slot] = entry // the LRU may have re-created the entry
      this.#lastUse[entry.slot] = this.#epoch
      return entry.slot
    }
    entry.slot = -1
    if (entry.uses < this.#options.tableAfterUses) return -1
    const slot = this.#victim()
    if (slot < 0) return -1
    const previous = this.#owners[slot]
    if (previous !== undefined) {
      previous.slot = -1
      this.#slotById.delete(previous.id)
    }
    this.#owners[slot] = undefined
    if (!this.#options.build(slot, entry.xy)) return -1
    this.#tablesBuilt++
    this.#owners[slot] = entry
    this.#slotById.set(entry.id, slot)
    this.#lastUse[slot] = this.#epoch
    entry.slot = slot
    return slot
  }

  // A free slot, else the least recently used one not touched by the current batch, else −1.
  #victim (): number {
    let best = -1
    for (let s = 0; s < this.#owners.length; s++) {
      if (this.#owners[s] === undefined) return s
      const last = this.#lastUse[s] as number
      if (last === this.#epoch) continue
      if (best < 0 || last < (this.#lastUse[best] as number)) best = s
    }
    return best
  }
}
