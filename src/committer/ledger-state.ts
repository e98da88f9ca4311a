/**
 * The validator's view of committed state, read from a KvLedger.
 *
 * @module
 */
import type { Height, StateMetadata } from '../ledger/api.js'
import type { KvLedger } from '../ledger/index.js'
import type { CommittedKey, CommittedState } from '../validator/index.js'

export function ledgerCommittedState (ledger: KvLedger): CommittedState {
  return {
    async getVersion (namespace: string, key: string): Promise<Height | undefined> {
      return (await ledger.state.get(namespace, key))?.version
    },
    async getMetadata (namespace: string, key: string): Promise<StateMetadata | undefined> {
      return ledger.state.getMetadata(namespace, key)
    },
    async * range (namespace: string, startKey: string, endKey: string): AsyncGenerator<CommittedKey> {
      for await (const kv of ledger.state.range(namespace, startKey, endKey)) yield { key: kv.key, version: kv.version }
    },
    async txIdsExist (txIds: readonly string[]): Promise<boolean[]> {
      return await ledger.blockStore.txIdsExist(txIds)
    }
  }
}
