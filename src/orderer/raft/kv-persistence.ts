import type { KvStore, TableSchema, WriteOp } from '../../storage/kv.js'
import { RaftError } from './errors.js'
import type { PersistedRaftState, RaftPersistUpdate, RaftPersistence } from './persistence.js'
import { EMPTY_HARD_STATE } from './types.js'
import type { Entry, EntryType, HardState, Snapshot } from './types.js'

/**
 * Layout in the KvStore (one store per channel and consenter, e.g. `weft-raft-<channel>`):
 *   raft_state   'hardState' → { term, vote, commit }
 *                'snapshot'  → { index, term, voters, data }
 *   raft_entries index (number) → { term, type, data }   (only entries after the snapshot)
 * Numbers sort numerically in both backends, so truncation and compaction are range deletes.
 */
export const RAFT_TABLES: readonly TableSchema[] = Object.freeze([{ name: 'raft_state' }, { name: 'raft_entries' }])

const STATE = 'raft_state'
const ENTRIES = 'raft_entries'

interface StoredSnapshot { index: number, term: number, voters: number[], data: Uint8Array }
interface StoredEntry { term: number, type: number, data: Uint8Array }

/**
 * RaftPersistence over the storage layer's KvStore (IndexedDB in a tab, memory in tests): each
 * save or compact is ONE `write()`, so hard state, entries and snapshot change together or not at
 * all (Fabric's WAL gives the same). Keeps the snapshot and last indexes in memory to check that a
 * save continues the log before writing anything.
 */
export class KvRaftPersistence implements RaftPersistence {
  private snapshotIndex = 0
  private lastIndex = 0

  private constructor (private readonly store: KvStore) {}

  /** Opens the persistence; a fresh store gets the bootstrap (genesis) snapshot. */
  static async open (store: KvStore, bootstrap: Snapshot): Promise<KvRaftPersistence> {
    const p = new KvRaftPersistence(store)
    const existing = await store.get<StoredSnapshot>(STATE, 'snapshot')
    if (existing === undefined) {
      await store.write([{ type: 'put', table: STATE, key: 'snapshot', value: toStored(bootstrap) }])
    }
    await p.load()
    return p
  }

  async load (): Promise<PersistedRaftState> {
    const [stored, hardState] = await Promise.all([
      this.store.get<StoredSnapshot>(STATE, 'snapshot'),
      this.store.get<HardState>(STATE, 'hardState')
    ])
    if (stored === undefined) throw new RaftError('RAFT_INVARIANT', 'raft persistence has no snapshot (not opened with a bootstrap)')
    const rows = await this.store.getRange<StoredEntry>(ENTRIES, { gt: stored.index })
    const entries: Entry[] = rows.map(({ key, value }) => ({ index: key as number, term: value.term, type: value.type as EntryType, data: value.data }))
    entries.forEach((e, i) => {
      if (e.index !== stored.index + 1 + i) throw new RaftError('RAFT_INVARIANT', `raft log has a gap before entry ${e.index}`)
    })
    this.snapshotIndex = stored.index
    this.lastIndex = stored.index + entries.length
    return { hardState: hardState ?? EMPTY_HARD_STATE, snapshot: fromStored(stored), entries }
  }

  async save (update: RaftPersistUpdate): Promise<void> {
    const ops: WriteOp[] = []
    let snapshotIndex = this.snapshotIndex
    let lastIndex = this.lastIndex
    if (update.snapshot !== undefined) {
      if (update.snapshot.metadata.index <= snapshotIndex) {
        throw new RaftError('RAFT_SNAPSHOT_OUT_OF_DATE', `save: snapshot ${update.snapshot.metadata.index} is not newer than ${snapshotIndex}`)
      }
      snapshotIndex = lastIndex = update.snapshot.metadata.index
      ops.push({ type: 'put', table: STATE, key: 'snapshot', value: toStored(update.snapshot) })
      ops.push({ type: 'delRange', table: ENTRIES, range: { gte: 0 } })
    }
    const first = update.entries[0]
    if (first !== undefined) {
      if (first.index <= snapshotIndex || first.index > lastIndex + 1) {
        throw new RaftError('RAFT_INVARIANT', `save: entry ${first.index} does not follow the log (last ${lastIndex})`)
      }
      // A new leader's entries replace our suffix from their first index on.
      if (first.index <= lastIndex) ops.push({ type: 'delRange', table: ENTRIES, range: { gte: first.index } })
      for (const e of update.entries) {
        ops.push({ type: 'put', table: ENTRIES, key: e.index, value: { term: e.term, type: e.type, data: e.data } satisfies StoredEntry })
      }
      lastIndex = (update.entries[update.entries.length - 1] as Entry).index
    }
    if (update.hardState !== undefined) ops.push({ type: 'put', table: STATE, key: 'hardState', value: { ...update.hardState } })
    if (ops.length === 0) return
    await this.store.write(ops)
    this.snapshotIndex = snapshotIndex
    this.lastIndex = lastIndex
  }

  async compact (snapshot: Snapshot): Promise<void> {
    const { index } = snapshot.metadata
    if (index <= this.snapshotIndex) return
    if (index > this.lastIndex) {
      throw new RaftError('RAFT_INVALID_ARGUMENT', `compact: snapshot ${index} is beyond the last entry ${this.lastIndex}`)
    }
    await this.store.write([
      { type: 'put', table: STATE, key: 'snapshot', value: toStored(snapshot) },
      { type: 'delRange', table: ENTRIES, range: { lte: index } }
    ])
    this.snapshotIndex = index
  }
}

function toStored (s: Snapshot): StoredSnapshot {
  return { index: s.metadata.index, term: s.metadata.term, voters: [...s.metadata.confState.voters], data: s.data }
}

function fromStored (s: StoredSnapshot): Snapshot {
  return { metadata: { index: s.index, term: s.term, confState: { voters: s.voters } }, data: s.data }
}
