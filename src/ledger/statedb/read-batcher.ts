/**
 * Coalesces point reads issued in the same tick into ONE storage round trip (one IndexedDB
 * transaction with every get fired at once). Concurrent simulations (an endorser serving several
 * proposals) then share transactions: in Chromium a transaction per awaited get costs ~0.45 ms,
 * while gets fired together run ~6× faster (docs/ledger.md).
 */
import type { KvKey, KvStore } from '../../storage/kv.js'

interface Pending<T> {
  key: KvKey
  resolve: (value: T | undefined) => void
  reject: (err: unknown) => void
}

export class ReadBatcher<T> {
  private pending: Array<Pending<T>> = []

  constructor (private readonly store: KvStore, private readonly table: string) {}

  get (key: KvKey): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) queueMicrotask(() => { this.flush() })
      this.pending.push({ key, resolve, reject })
    })
  }

  private flush (): void {
    const batch = this.pending
    this.pending = []
    this.store.getMany<T>(this.table, batch.map((p) => p.key)).then(
      (values) => { batch.forEach((p, i) => { p.resolve(values[i]) }) },
      (err: unknown) => { for (const p of batch) p.reject(err) }
    )
  }
}
