/**
 * Adapts the validator's `CommittedState` (src/validator/state.ts) to the builder's
 * `CommittedVersionReader`. The version reads are fired together in one tick, which the state
 * DB's ReadBatcher (src/ledger/statedb/read-batcher.ts) turns into one storage round trip.
 * @module
 */
import type { Height } from '../../ledger/api.js'
import type { CommittedState } from '../state.js'
import type { CommittedKeyVersion, CommittedVersionReader, NsKey } from './intern.js'

export function committedVersionReader (state: CommittedState): CommittedVersionReader {
  return {
    async fetchCommittedVersions (keys: readonly NsKey[]): Promise<Array<Height | undefined>> {
      return await Promise.all(keys.map(({ namespace, key }) => state.getVersion(namespace, key)))
    },
    async scanCommittedRange (namespace: string, startKey: string, endKey: string): Promise<CommittedKeyVersion[]> {
      const out: CommittedKeyVersion[] = []
      for await (const { key, version } of state.range(namespace, startKey, endKey)) out.push({ key, version })
      return out
    }
  }
}
