import { describe, expect, it } from 'vitest'
import { ConfChangeType } from '../../../src/orderer/raft/conf-change.js'
import { isWeftError } from '../../../src/shared/errors.js'
import { MessageType, StateType } from '../../../src/orderer/raft/types.js'
import { ScriptedCluster } from './cluster.js'

function committedEverywhere (c: ScriptedCluster, ids: readonly number[]): number[] {
  return ids.map(id => c.node(id).machine.appliedIndex)
}

describe('§6 membership changes, one consenter at a time (Fabric)', () => {
  it('an added consenter catches up from the log and then counts towards the quorum', () => {
    const c = new ScriptedCluster([1, 2, 3])
    c.campaign(1)
    c.propose(1, 'before')
    c.add(4)
    c.act(1, n => { n.node.proposeConfChange({ type: ConfChangeType.AddNode, nodeId: 4 }) })
    c.tick([1], 2) // heartbeats carry the commit of the change to everyone
    for (const id of [1, 2, 3, 4]) expect(c.node(id).node.raft.confState().voters, `node ${id}`).toEqual([1, 2, 3, 4])
    expect(c.node(4).machine).toEqual(c.node(1).machine)
    // Four voters need three: with two of them cut off nothing commits, with one it does.
    c.isolate(3)
    c.isolate(4)
    const before = c.node(1).node.raft.log.committed
    c.propose(1, 'needs three')
    expect(c.node(1).node.raft.log.committed).toBe(before)
    c.heal()
    c.isolate(4)
    c.tick([1], 1)
    expect(c.node(1).node.raft.log.committed).toBe(before + 1)
  })

  it('a removed consenter halts and the rest commit with the smaller quorum', () => {
    const c = new ScriptedCluster([1, 2, 3])
    c.campaign(1)
    c.act(1, n => { n.node.proposeConfChange({ type: ConfChangeType.RemoveNode, nodeId: 3 }) })
    c.tick([1], 2)
    expect(c.node(3).halted).toBe(true)
    expect(c.node(1).node.raft.confState().voters).toEqual([1, 2])
    c.propose(1, 'two of two')
    expect(committedEverywhere(c, [1, 2])).toEqual([3, 3]) // 1: leader's empty entry, 2: the change
  })

  it('a second change is refused while the first is not applied, and a new leader waits for its own first entry', () => {
    const c = new ScriptedCluster([1, 2, 3])
    c.campaign(1)
    c.isolate(2)
    c.isolate(3) // the first change cannot commit
    c.act(1, n => { n.node.proposeConfChange({ type: ConfChangeType.RemoveNode, nodeId: 3 }) })
    let error: unknown
    try {
      c.node(1).node.proposeConfChange({ type: ConfChangeType.RemoveNode, nodeId: 2 })
    } catch (err) { error = err }
    expect(isWeftError(error, 'RAFT_PROPOSAL_DROPPED')).toBe(true)

    // A fresh leader has not applied its empty entry yet: conf changes wait (the single-server-change fix).
    const d = new ScriptedCluster([1, 2, 3])
    d.ignore(MessageType.App)
    d.campaign(1)
    expect(d.node(1).node.raft.state).toBe(StateType.Leader)
    error = undefined
    try {
      d.node(1).node.proposeConfChange({ type: ConfChangeType.AddNode, nodeId: 4 })
    } catch (err) { error = err }
    expect(isWeftError(error, 'RAFT_PROPOSAL_DROPPED')).toBe(true)
    d.heal()
    d.tick([1], 1) // the empty entry commits and applies
    d.act(1, n => { n.node.proposeConfChange({ type: ConfChangeType.AddNode, nodeId: 4 }) })
    expect(d.node(2).node.raft.confState().voters).toEqual([1, 2, 3, 4])
  })

  it('removing the leader makes it step down; the others elect a leader among themselves', () => {
    const c = new ScriptedCluster([1, 2, 3])
    c.campaign(1)
    c.act(1, n => { n.node.proposeConfChange({ type: ConfChangeType.RemoveNode, nodeId: 1 }) })
    expect(c.node(1).halted).toBe(true)
    const leader = c.elect()
    expect([2, 3]).toContain(leader.id)
    expect(leader.node.raft.confState().voters).toEqual([2, 3])
    c.propose(leader.id, 'after removal')
    expect(c.node(2).machine).toEqual(c.node(3).machine)
  })
})

describe('§7 log compaction and InstallSnapshot', () => {
  it('a follower that was down while the leader compacted its log is sent a snapshot and catches up', () => {
    const c = new ScriptedCluster([1, 2, 3], { snapshotIntervalSize: 64 })
    c.campaign(1)
    c.crash(3)
    for (let i = 0; i < 20; i++) c.propose(1, `entry ${i} with some payload`)
    const leaderStorage = c.node(1).storage
    expect(leaderStorage.firstIndex()).toBeGreaterThan(2) // compacted
    c.restart(3)
    c.tick([1], 3)
    expect(c.sent.some(m => m.type === MessageType.Snap && m.to === 3)).toBe(true)
    expect(c.checker.snapshotsInstalled).toBeGreaterThanOrEqual(1)
    expect(c.node(3).machine).toEqual(c.node(1).machine)
    // And it keeps replicating normally afterwards.
    c.propose(1, 'after the snapshot')
    expect(c.node(3).machine).toEqual(c.node(1).machine)
  })

  it('a snapshot that is lost is retried once the transport reports the failure', () => {
    const c = new ScriptedCluster([1, 2, 3], { snapshotIntervalSize: 64 })
    c.campaign(1)
    c.crash(3)
    for (let i = 0; i < 10; i++) c.propose(1, `entry ${i} with some payload`)
    c.restart(3)
    c.isolate(3)
    c.tick([1, 2], 3) // snapshots to 3 are lost and reported failed
    c.heal()
    c.tick([1, 2], 3)
    expect(c.node(3).machine).toEqual(c.node(1).machine)
  })

  it('a restarted node resumes from its snapshot and re-applies only what follows it', () => {
    const c = new ScriptedCluster([1, 2, 3], { snapshotIntervalSize: 64 })
    c.campaign(1)
    for (let i = 0; i < 10; i++) c.propose(1, `entry ${i} with some payload`)
    const snapshotIndex = c.node(2).storage.snapshot().metadata.index
    expect(snapshotIndex).toBeGreaterThan(0)
    c.crash(2)
    c.restart(2)
    expect(c.node(2).node.raft.log.firstIndex()).toBe(snapshotIndex + 1)
    c.tick([1], 2)
    expect(c.node(2).machine).toEqual(c.node(1).machine)
  })
})

describe('restart from persisted state', () => {
  it('every committed entry survives a restart of the whole cluster', () => {
    const c = new ScriptedCluster([1, 2, 3])
    c.campaign(1)
    for (let i = 0; i < 5; i++) c.propose(1, `v${i}`)
    const state = c.node(1).machine
    for (const id of [1, 2, 3]) c.crash(id)
    for (const id of [1, 2, 3]) c.restart(id)
    const leader = c.elect()
    c.propose(leader.id, 'after restart')
    for (const id of [1, 2, 3]) expect(c.node(id).machine.appliedIndex).toBeGreaterThan(state.appliedIndex)
    // The checker compared every re-applied entry with what was committed before the restart.
    expect(c.checker.maxCommitted).toBe(c.node(leader.id).machine.appliedIndex)
  })

  it('a node keeps its term and vote across a crash, so it cannot vote twice in a term', () => {
    const c = new ScriptedCluster([1, 2, 3], { params: { preVote: false, checkQuorum: false } })
    c.isolate(3)
    c.campaign(1)
    expect(c.node(2).node.raft.vote).toBe(1)
    c.crash(2)
    c.restart(2)
    expect(c.node(2).node.raft.term).toBe(1)
    expect(c.node(2).node.raft.vote).toBe(1)
    const r2 = c.node(2).node.raft
    r2.step({ type: MessageType.Vote, from: 3, to: 2, term: 1, logTerm: 0, index: 0, entries: [], commit: 0, reject: false, rejectHint: 0 })
    const answer = r2.msgs.find(m => m.type === MessageType.VoteResp && m.to === 3)
    expect(answer?.reject).toBe(true)
  })

  it('entries not yet persisted when a leader crashes are lost, and were never sent', () => {
    const c = new ScriptedCluster([1, 2, 3])
    c.campaign(1)
    const last = c.node(1).node.raft.log.lastIndex()
    c.node(1).pendingCrash = 'before-persist'
    c.act(1, n => { n.node.propose(new TextEncoder().encode('lost')) })
    expect(c.node(1).alive).toBe(false)
    expect(c.node(2).node.raft.log.lastIndex()).toBe(last)
    c.restart(1)
    expect(c.node(1).node.raft.log.lastIndex()).toBe(last)
    expect(c.node(1).node.raft.state).toBe(StateType.Follower)
  })
})
