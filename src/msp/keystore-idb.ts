import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import { MspError } from './errors.js'
import { checkLabel, type KeyStore, type StoredKey } from './keystore.js'

interface KeyDb extends DBSchema {
  keys: { key: string, value: StoredKey }
}

const STORE = 'keys'

/**
 * Keys in IndexedDB (database `weft-keys` unless named), one record per label. CryptoKeys are
 * stored as themselves — IndexedDB structured-clones them with `extractable: false` preserved —
 * so a WebCrypto key never exists as bytes outside the browser's key storage.
 */
export class IdbKeyStore implements KeyStore {
  readonly #db: IDBPDatabase<KeyDb>

  private constructor (db: IDBPDatabase<KeyDb>) {
    this.#db = db
  }

  static async open (name = 'weft-keys'): Promise<IdbKeyStore> {
    if ((globalThis as { indexedDB?: IDBFactory }).indexedDB === undefined) {
      throw new MspError('MSP_MALFORMED', 'IndexedDB is not available here')
    }
    const db = await openDB<KeyDb>(name, 1, {
      upgrade (database) { database.createObjectStore(STORE) }
    })
    return new IdbKeyStore(db)
  }

  async get (label: string): Promise<StoredKey | undefined> { return await this.#db.get(STORE, label) }
  async put (label: string, key: StoredKey): Promise<void> { await this.#db.put(STORE, key, checkLabel(label)) }
  async delete (label: string): Promise<void> { await this.#db.delete(STORE, label) }
  async labels (): Promise<string[]> { return (await this.#db.getAllKeys(STORE)).sort() }
  close (): void { this.#db.close() }
}
