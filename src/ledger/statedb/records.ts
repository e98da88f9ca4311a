/**
 * The state DB's stored record shapes (keys: see ./keys.ts). Short field names: these are
 * structured-cloned by IndexedDB once per key at compaction.
 */

/** `state` table: the latest committed value of one key. */
export interface StateRecord {
  n: string
  k: string
  v: Uint8Array
  /** Version: block number and tx number of the write. */
  b: number
  t: number
  /** Mango index entries (multiEntry IndexedDB index 'mango'), see ./mango-indexes.ts. */
  ix?: string[]
}

/** `stateMetadata` table: a key's metadata entries. */
export interface MetadataRecord {
  n: string
  k: string
  m: Array<[string, Uint8Array]>
}

/** `stateInfo` table, key ['index', ns]: the CouchDB index definition files of a namespace. */
export interface IndexRecord {
  ns: string
  definitions: string[]
}
