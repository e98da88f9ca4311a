/**
 * What the validator reads of committed state (the ledger implements it; tests use a map).
 *
 * @module
 */
import type { Height, StateMetadata } from '../ledger/api.js'

export interface CommittedKey {
  key: string
  version: Height
}

export interface CommittedState {
  /** Version of the committed value, undefined when the key does not exist. */
  getVersion(namespace: string, key: string): Promise<Height | undefined>
  getMetadata(namespace: string, key: string): Promise<StateMetadata | undefined>
  /** Committed keys in [startKey, endKey) ('' = unbounded), Fabric's (UTF-8 byte) order. */
  range(namespace: string, startKey: string, endKey: string): AsyncIterable<CommittedKey>
  /** True when a transaction with this id is already on the ledger (any validation code). */
  txIdExists(txId: string): Promise<boolean>
  /**
   * txIdExists for many txIds in one storage round trip, answers in input order. Optional: the
   * validator asks it once per block for every txId when present, else txIdExists per txId.
   */
  txIdsExist?(txIds: readonly string[]): Promise<boolean[]>
}
