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
  /**
   * For each txId, whether a transaction with it is already on the ledger (any validation code),
   * in input order. The validator asks once per block for all its txIds: one storage round trip.
   */
  txIdsExist(txIds: readonly string[]): Promise<boolean[]>
}
