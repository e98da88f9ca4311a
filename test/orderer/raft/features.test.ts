import { describe, expect, it } from 'vitest'
import { ProgressState } from '../../../src/orderer/raft/progress.js'
import { MessageType, StateType, message } from '../../../src/orderer/raft/types.js'
import { TestNetwork, hup, newRaft, propose, readMessages, storageWith } from './helpers.js'

describe('pre-vote (thesis §9.6)', () => {
  it('a partitioned node does not inflate its term, and does not disrupt the leader when it returns', () => {
    const n = TestNetwork.fresh(3, { preVote: true })
    n.hup(1)
    n.isolate(3)
    for (let i = 0; i < 5; i++) n.hup(3)
    expect(n.raft(3).term).toBe(1)
    expect(n.raft(3).state).toBe(StateType.PreCandidate)
    n.recover()
    n.propose(1) // the leader's append brings 3 back as a follower
    expect(n.raft(1).state).toBe(StateType.Leader)
    expect(n.raft(1).term).toBe(1)
    expect(n.raft(3).state).toBe(StateType.Follower)
  })

  it('without pre-vote the same node returns with a higher term and deposes the leader', () => {
    const n = TestNetwork.fresh(3)
    n.hup(1)
    n.isolate(3)
    for (let i = 0; i < 5; i++) n.hup(3)
    expect(n.raft(3).term).toBe(6)
    n.recover()
    n.hup(3)
    expect(n.raft(1).state).not.toBe(StateType.Leader)
    expect(n.raft(1).term).toBe(7)
  })

  it('a pre-candidate that wins the pre-vote campaigns for real in term + 1', () => {
    const n = TestNetwork.fresh(3, { preVote: true })
    n.hup(1)
    expect(n.raft(1).state).toBe(StateType.Leader)
    expect(n.raft(1).term).toBe(1)
    expect(n.delivered.filter(m => m.type === MessageType.PreVote).map(m => m.term)).toEqual([1, 1])
  })
})

describe('check-quorum and the leader lease (thesis §6.2, §4.2.3)', () => {
  it('a leader that hears from no quorum for an election timeout steps down', () => {
    const n = TestNetwork.fresh(3, { checkQuorum: true })
    n.hup(1)
    n.isolate(1)
    const leader = n.raft(1)
    for (let i = 0; i < 2 * 10 + 1; i++) { leader.tick(); n.send(...readMessages(leader)) }
    expect(leader.state).toBe(StateType.Follower)
  })

  it('a follower that heard from its leader recently ignores a vote request with a higher term', () => {
    const n = TestNetwork.fresh(3, { checkQuorum: true })
    n.hup(1)
    const follower = n.raft(2)
    follower.step(message({ type: MessageType.Vote, from: 3, to: 2, term: 5, index: 10, logTerm: 5 }))
    expect(follower.term).toBe(1)
    expect(readMessages(follower)).toEqual([])
  })

  it('a stale leader learns the new term from the followers\' answers and steps down', () => {
    const voters = [1, 2, 3]
    const config = { checkQuorum: true, preVote: true }
    // Node 3's election timeout is longer, so 2 and 3 do not split the vote.
    const n = new TestNetwork([newRaft(1, storageWith({ voters }), config), newRaft(2, storageWith({ voters }), config),
      newRaft(3, storageWith({ voters }), { ...config, random: () => 0.5 })])
    n.hup(1)
    n.isolate(1)
    const r2 = n.raft(2)
    const r3 = n.raft(3)
    for (let i = 0; i < 30 && r2.state !== StateType.Leader; i++) {
      r3.tick() // 3 must also see its lease expire before it grants a pre-vote
      r2.tick()
      n.send(...readMessages(r3), ...readMessages(r2))
    }
    expect(r2.state).toBe(StateType.Leader)
    n.recover()
    n.raft(1).step(message({ type: MessageType.Beat, from: 1, to: 1 }))
    n.send(...readMessages(n.raft(1)))
    expect(n.raft(1).state).toBe(StateType.Follower)
    expect(n.raft(1).term).toBe(r2.term)
  })
})

describe('leader transfer (thesis §3.10, TimeoutNow)', () => {
  const transfer = (n: TestNetwork, from: number, to: number): void => {
    n.send(message({ type: MessageType.TransferLeader, from: to, to: from }))
  }

  it('hands leadership to an up-to-date follower, which wins term + 1 at once', () => {
    const n = TestNetwork.fresh(3, { checkQuorum: true, preVote: true })
    n.hup(1)
    transfer(n, 1, 2)
    expect(n.raft(2).state).toBe(StateType.Leader)
    expect(n.raft(2).term).toBe(2)
    expect(n.raft(1).state).toBe(StateType.Follower)
    expect(n.delivered.some(m => m.type === MessageType.TimeoutNow && m.to === 2)).toBe(true)
  })

  it('first catches a lagging transferee up, then sends TimeoutNow', () => {
    const n = TestNetwork.fresh(3)
    n.hup(1)
    n.isolate(3)
    for (let i = 0; i < 3; i++) n.propose(1)
    n.recover()
    transfer(n, 1, 3)
    expect(n.raft(3).state).toBe(StateType.Leader)
    expect(n.raft(3).log.lastIndex()).toBeGreaterThanOrEqual(4)
  })

  it('drops proposals while a transfer is in progress, and abandons it after an election timeout', () => {
    const n = TestNetwork.fresh(3)
    n.hup(1)
    n.isolate(3)
    const leader = n.raft(1)
    leader.step(message({ type: MessageType.TransferLeader, from: 3, to: 1 })) // the local API call
    expect(leader.leadTransferee).toBe(3)
    expect(() => { propose(leader) }).toThrow(/transferred/)
    for (let i = 0; i < 10; i++) { leader.tick(); n.send(...readMessages(leader)) }
    expect(leader.leadTransferee).toBe(0)
    expect(leader.state).toBe(StateType.Leader)
    expect(() => { propose(leader) }).not.toThrow()
  })

  it('a follower forwards the request to its leader', () => {
    const n = TestNetwork.fresh(3)
    n.hup(1)
    n.send(message({ type: MessageType.TransferLeader, from: 3, to: 2 }))
    expect(n.raft(3).state).toBe(StateType.Leader)
  })
})

describe('flow control (MaxInflightBlocks)', () => {
  it('keeps at most maxInflightMsgs appends in flight to a replicating follower, freeing slots on acks', () => {
    const r = newRaft(1, storageWith({ voters: [1, 2] }), { maxInflightMsgs: 3 })
    hup(r)
    r.step(message({ type: MessageType.VoteResp, from: 2, to: 1, term: 1 }))
    readMessages(r)
    r.step(message({ type: MessageType.AppResp, from: 2, to: 1, term: 1, index: 1 })) // probe acknowledged
    expect(r.prs.get(2)?.state).toBe(ProgressState.Replicate)
    readMessages(r)
    for (let i = 0; i < 10; i++) propose(r, `p${i}`)
    const appends = readMessages(r).filter(m => m.type === MessageType.App)
    expect(appends.map(m => m.index)).toEqual([1, 2, 3])
    r.step(message({ type: MessageType.AppResp, from: 2, to: 1, term: 1, index: 3 }))
    expect(readMessages(r).filter(m => m.type === MessageType.App).length).toBeGreaterThanOrEqual(1)
  })

  it('sends a single append at a time to a probed follower', () => {
    const r = newRaft(1, storageWith({ voters: [1, 2] }))
    hup(r)
    r.step(message({ type: MessageType.VoteResp, from: 2, to: 1, term: 1 }))
    readMessages(r)
    for (let i = 0; i < 5; i++) propose(r, `p${i}`)
    expect(readMessages(r).filter(m => m.type === MessageType.App)).toHaveLength(0) // the first probe is unanswered
    r.step(message({ type: MessageType.HeartbeatResp, from: 2, to: 1, term: 1 }))
    expect(readMessages(r).filter(m => m.type === MessageType.App)).toHaveLength(1)
  })

  it('limits the entries of one append to maxSizePerMsg (at least one entry)', () => {
    const r = newRaft(1, storageWith({ voters: [1, 2] }), { maxSizePerMsg: 40 })
    hup(r)
    r.step(message({ type: MessageType.VoteResp, from: 2, to: 1, term: 1 }))
    r.step(message({ type: MessageType.AppResp, from: 2, to: 1, term: 1, index: 1 }))
    readMessages(r)
    propose(r, 'x'.repeat(30))
    propose(r, 'y'.repeat(30))
    const appends = readMessages(r).filter(m => m.type === MessageType.App)
    expect(appends.every(m => m.entries.length === 1)).toBe(true)
  })
})

describe('log repair speed-up (findConflictByTerm)', () => {
  it('skips a whole conflicting term per round trip', () => {
    const voters = [1, 2]
    const leader = newRaft(1, storageWith({ voters, terms: [1, 1, 1, 4, 4, 4, 4, 4], hardState: { term: 5, vote: 0, commit: 3 } }))
    const follower = newRaft(2, storageWith({ voters, terms: [1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 3, 3], hardState: { term: 4, vote: 0, commit: 3 } }))
    const n = new TestNetwork([leader, follower])
    n.hup(1)
    const rejections = n.delivered.filter(m => m.type === MessageType.AppResp && m.reject)
    expect(rejections.length).toBeLessThanOrEqual(2)
    expect(follower.log.lastIndex()).toBe(leader.log.lastIndex())
  })
})
