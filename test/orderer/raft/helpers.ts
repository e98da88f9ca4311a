import type { RaftConfig } from '../../../src/orderer/raft/config.js'
import { RaftError } from '../../../src/orderer/raft/errors.js'
import { Raft } from '../../../src/orderer/raft/raft.js'
import { MemoryStorage } from '../../../src/orderer/raft/storage.js'
import { EntryType, MessageType, message } from '../../../src/orderer/raft/types.js'
import type { Entry, HardState, Message } from '../../../src/orderer/raft/types.js'

/**
 * Test scaffolding after etcd's raft_test.go: Rafts stepped by hand and a synchronous network
 * that delivers until quiescent, with cuts, isolation and ignored message types.
 */

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)

export function entry (index: number, term: number, data = ''): Entry {
  return { index, term, type: EntryType.Normal, data: bytes(data) }
}

/** Entries 1..n with the given terms (etcd's `ents` / `entsWithConfig`). */
export function entriesWithTerms (terms: readonly number[]): Entry[] {
  return terms.map((term, i) => entry(i + 1, term, `e${i + 1}t${term}`))
}

export interface StorageInit {
  readonly voters: readonly number[]
  readonly terms?: readonly number[]
  readonly hardState?: HardState
}

export function storageWith ({ voters, terms = [], hardState }: StorageInit): MemoryStorage {
  const storage = new MemoryStorage({ metadata: { index: 0, term: 0, confState: { voters } }, data: new Uint8Array(0) })
  storage.append(entriesWithTerms(terms))
  if (hardState !== undefined) storage.setHardState(hardState)
  return storage
}

export type TestConfig = Partial<Omit<RaftConfig, 'id'>>

/** etcd's newTestConfig: no pre-vote, no check-quorum, and a fixed election timeout of electionTick. */
export function newRaft (id: number, storage: MemoryStorage, config: TestConfig = {}): Raft {
  return new Raft({
    id,
    electionTick: 10,
    heartbeatTick: 1,
    maxInflightMsgs: 256,
    maxSizePerMsg: Number.MAX_SAFE_INTEGER,
    preVote: false,
    checkQuorum: false,
    random: () => 0,
    ...config
  }, storage)
}

export function readMessages (r: Raft): Message[] {
  const msgs = r.msgs
  r.msgs = []
  return msgs
}

export function hup (r: Raft): void {
  r.step(message({ type: MessageType.Hup, from: r.id }))
}

export function propose (r: Raft, data = 'x'): void {
  r.step(message({ type: MessageType.Prop, from: r.id, entries: [{ term: 0, index: 0, type: EntryType.Normal, data: bytes(data) }] }))
}

/** All entries of a node's log from firstIndex, as "index/term" strings. */
export function logOf (r: Raft): string[] {
  const log = r.log
  return log.slice(log.firstIndex(), log.lastIndex() + 1, Number.MAX_SAFE_INTEGER).map(e => `${e.index}/${e.term}`)
}

export class TestNetwork {
  readonly peers = new Map<number, Raft>()
  private readonly cut = new Set<string>()
  private readonly ignored = new Set<MessageType>()
  readonly delivered: Message[] = []

  constructor (rafts: readonly Raft[]) {
    for (const r of rafts) this.peers.set(r.id, r)
  }

  /** etcd newNetwork: n fresh nodes 1..n with default config. */
  static fresh (n: number, config: TestConfig = {}): TestNetwork {
    const voters = Array.from({ length: n }, (_, i) => i + 1)
    return new TestNetwork(voters.map(id => newRaft(id, storageWith({ voters }), config)))
  }

  raft (id: number): Raft {
    const r = this.peers.get(id)
    if (r === undefined) throw new Error(`no peer ${id}`)
    return r
  }

  /** Delivers messages, and everything they cause, until no message is left. */
  send (...msgs: Message[]): void {
    const queue = [...msgs]
    while (queue.length > 0) {
      const m = queue.shift() as Message
      if (this.cut.has(`${m.from}-${m.to}`) || this.ignored.has(m.type)) continue
      const peer = this.peers.get(m.to)
      if (peer === undefined) continue
      this.delivered.push(m)
      try {
        peer.step(m)
      } catch (err) {
        if (!(err instanceof RaftError && err.code === 'RAFT_PROPOSAL_DROPPED')) throw err
      }
      queue.push(...readMessages(peer))
    }
  }

  hup (id: number): void {
    this.send(message({ type: MessageType.Hup, from: id, to: id }))
  }

  propose (id: number, data = 'x'): void {
    this.send(message({ type: MessageType.Prop, from: id, to: id, entries: [{ term: 0, index: 0, type: EntryType.Normal, data: bytes(data) }] }))
  }

  cutLink (a: number, b: number): void {
    this.cut.add(`${a}-${b}`)
    this.cut.add(`${b}-${a}`)
  }

  isolate (id: number): void {
    for (const other of this.peers.keys()) if (other !== id) this.cutLink(id, other)
  }

  ignore (type: MessageType): void {
    this.ignored.add(type)
  }

  recover (): void {
    this.cut.clear()
    this.ignored.clear()
  }
}
