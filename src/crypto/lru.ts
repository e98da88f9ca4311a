/**
 * A bounded least-recently-used map (Map keeps insertion order; a hit re-inserts the entry).
 * Used for per-public-key caches (imported CryptoKeys, precomputed point tables) and by the MSP
 * for deserialized/validated identities, so that a hostile stream of fresh keys cannot grow
 * memory without bound.
 */
export class LruCache<K, V> {
  readonly #max: number
  readonly #map = new Map<K, V>()

  constructor (maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`)
    this.#max = maxEntries
  }

  get size (): number { return this.#map.size }

  get (key: K): V | undefined {
    const value = this.#map.get(key)
    if (value === undefined) return undefined
    this.#map.delete(key)
    this.#map.set(key, value)
    return value
  }

  has (key: K): boolean { return this.#map.has(key) }

  set (key: K, value: V): void {
    this.#map.delete(key)
    this.#map.set(key, value)
    if (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next()
      if (oldest.done !== true) this.#map.delete(oldest.value)
    }
  }

  delete (key: K): boolean { return this.#map.delete(key) }

  clear (): void { this.#map.clear() }
}
