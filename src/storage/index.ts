/**
 * The storage contract (`KvStore`) and its backends; the ledger and the Raft log persist through it.
 *
 * @module
 */
export type * from './kv.js'
export { StorageError } from './errors.js'
export type { StorageErrorCode } from './errors.js'
export { idbKvStoreFactory } from './idb.js'
export type { IdbKvStoreInit } from './idb.js'
export { memoryKvStoreFactory } from './memory.js'
export { compareKeys, isValidKey } from './keys.js'
