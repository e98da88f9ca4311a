import 'fake-indexeddb/auto'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import { KvRaftPersistence, RAFT_TABLES } from '../../../src/orderer/raft/kv-persistence.js'
import { idbKvStoreFactory } from '../../../src/storage/idb.js'
import { DEFAULT_ETCDRAFT_OPTIONS } from '../../../src/orderer/raft/config.js'
import { RaftDriver } from '../../../src/orderer/raft/driver.js'
import type { RaftStateMachine, RaftTransport } from '../../../src/orderer/raft/driver.js'
import { MemoryRaftPersistence } from '../../../src/orderer/raft/persistence.js'
import type { PersistedRaftState, RaftPersistUpdate, RaftPersistence } from '../../../src/orderer/raft/persistence.js'
import { seededRandom } from '../../../src/orderer/raft/random.js'
import { StateType } from '../../../src/orderer/raft/types.js'
import type { Entry, Message, Snapshot } from '../../../src/orderer/raft/types.js'
import { FakeClock } from '../fake-clock.js'
import { bytes } from './helpers.js'

/** The memory persistence behind promises, as IndexedDB would answer. */
class AsyncPersistence implements RaftPersistence {
  constructor (readonly inner: MemoryRaftPersistence) {}
  async load (): Promise<PersistedRaftState> { return this.inner.load() }
  async save (update: RaftPersistUpdate): Promise<void> { this.inner.save(update) }
  async compact (snapshot: Snapshot): Promise<void> { this.inner.compact(snapshot) }
}

class Log implements RaftStateMachine {
  values: string[] = []
  async applyEntry (entry: Entry): Promise<void> {
    if (entry.data.byteLength > 0) this.values.push(new TextDecoder().decode(entry.data))
  }

  async applySnapshot (snapshot: Snapshot): Promise<void> {
    this.values = snapshot.data.byteLength === 0 ? [] : JSON.parse(new TextDecoder().decode(snapshot.data)) as string[]
  }

  async snapshotData (): Promise<Uint8Array> { return bytes(JSON.stringify(this.values)) }
}

type DiskFactory = (bootstrap: Snapshot) => Promise<RaftPersistence>

const backends: Array<[string, () => DiskFactory]> = [
  ['memory persistence behind promises', () => async bootstrap => new AsyncPersistence(new MemoryRaftPersistence(bootstrap))],
  ['KvRaftPersistence on IndexedDB (fake-indexeddb)', () => {
    const factory = idbKvStoreFactory({ indexedDB: new IDBFactory(), keyRange: IDBKeyRange })
    let n = 0
    return async bootstrap => await KvRaftPersistence.open(await factory.open(`raft-driver-${n++}`, RAFT_TABLES), bootstrap)
  }]
]

describe.each(backends)('RaftDriver (Fabric node.go loop on a clock, async persistence and a transport): %s', (_name, makeFactory) => {
  it('elects a leader, orders proposals on every node, fails over when the leader stops, and restarts from disk', async () => {
    const diskFactory = makeFactory()
    const clock = new FakeClock()
    const voters = [1, 2, 3]
    const genesis: Snapshot = { metadata: { index: 0, term: 0, confState: { voters } }, data: new Uint8Array(0) }
    const drivers = new Map<number, RaftDriver>()
    const disks = new Map<number, RaftPersistence>()
    for (const id of voters) disks.set(id, await diskFactory(genesis))
    const logs = new Map(voters.map(id => [id, new Log()]))
    const transport: RaftTransport = {
      send (m: Message) { queueMicrotask(() => { drivers.get(m.to)?.receive(m) }) }
    }
    const options = { ...DEFAULT_ETCDRAFT_OPTIONS, snapshotIntervalSize: 4 }
    const boot = async (id: number): Promise<RaftDriver> => {
      const driver = await RaftDriver.create({ id, options, random: seededRandom(id) },
        { clock, transport, persistence: disks.get(id) as RaftPersistence, stateMachine: logs.get(id) as Log })
      drivers.set(id, driver)
      driver.start()
      return driver
    }
    for (const id of voters) await boot(id)
    const leaderOf = (): RaftDriver | undefined => [...drivers.values()].find(d => d.rawNode.raft.state === StateType.Leader)

    await clock.advance(3_000)
    for (const d of drivers.values()) await d.idle()
    const first = leaderOf()
    expect(first).toBeDefined()
    first?.propose(bytes('tx1'))
    first?.propose(bytes('tx2'))
    await clock.advance(500)
    for (const id of voters) expect(logs.get(id)?.values, `node ${id}`).toEqual(['tx1', 'tx2'])

    // The leader's tab closes.
    const firstId = first?.rawNode.raft.id as number
    await first?.stop()
    drivers.delete(firstId)
    const stoppedAt = clock.now()
    while (leaderOf() === undefined && clock.now() - stoppedAt < 5_000) await clock.advance(100)
    const second = leaderOf()
    expect(second).toBeDefined()
    expect(clock.now() - stoppedAt).toBeLessThan(3_000) // ElectionTick 10 × 100 ms, randomized ×1–2, plus pre-vote
    second?.propose(bytes('tx3'))
    await clock.advance(500)
    const survivors = voters.filter(id => id !== firstId)
    for (const id of survivors) expect(logs.get(id)?.values).toEqual(['tx1', 'tx2', 'tx3'])

    // It reopens: state comes back from its disk (snapshot + log) and it catches up.
    logs.set(firstId, new Log())
    await boot(firstId)
    await clock.advance(1_000)
    expect(logs.get(firstId)?.values).toEqual(['tx1', 'tx2', 'tx3'])
    expect((await disks.get(firstId)?.load())?.snapshot.metadata.index).toBeGreaterThan(0) // snapshots were taken
    for (const d of drivers.values()) await d.stop()
  })
})
