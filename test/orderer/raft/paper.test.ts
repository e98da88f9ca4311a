import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../../src/orderer/raft/random.js'
import { MessageType, StateType, message } from '../../../src/orderer/raft/types.js'
import { TestNetwork, entriesWithTerms, hup, logOf, newRaft, propose, readMessages, storageWith } from './helpers.js'

// The Raft paper's rules as named tests (Ongaro & Ousterhout, "In Search of an Understandable
// Consensus Algorithm", 2014), after etcd's raft_paper_test.go. Section numbers are the paper's.

describe('§5.1 terms', () => {
  it('a node starts as a follower', () => {
    const r = newRaft(1, storageWith({ voters: [1, 2, 3] }))
    expect(r.state).toBe(StateType.Follower)
  })

  it('a message with a higher term updates the term and makes the receiver a follower', () => {
    for (const type of [MessageType.App, MessageType.Heartbeat, MessageType.Vote]) {
      const r = newRaft(1, storageWith({ voters: [1, 2, 3] }))
      hup(r) // candidate in term 1
      r.step(message({ type, from: 2, to: 1, term: 2 }))
      expect(r.term).toBe(2)
      expect(r.state).toBe(StateType.Follower)
      expect(r.lead).toBe(type === MessageType.Vote ? 0 : 2)
    }
  })

  it('a message with a stale term is ignored', () => {
    const r = newRaft(1, storageWith({ voters: [1, 2, 3], hardState: { term: 2, vote: 0, commit: 0 } }))
    r.step(message({ type: MessageType.App, from: 2, to: 1, term: 1, entries: entriesWithTerms([1]) }))
    expect(r.log.lastIndex()).toBe(0)
    expect(r.lead).toBe(0)
  })
})

describe('§5.2 leader election', () => {
  it('a leader sends heartbeats to every follower every heartbeat tick', () => {
    const r = newRaft(1, storageWith({ voters: [1, 2, 3] }))
    hup(r)
    r.step(message({ type: MessageType.VoteResp, from: 2, to: 1, term: 1 }))
    expect(r.state).toBe(StateType.Leader)
    readMessages(r)
    r.tick()
    const beats = readMessages(r)
    expect(beats.map(m => [m.type, m.to])).toEqual([[MessageType.Heartbeat, 2], [MessageType.Heartbeat, 3]])
  })

  it('a follower that hears nothing for an election timeout becomes a candidate, votes for itself and requests votes', () => {
    const r = newRaft(1, storageWith({ voters: [1, 2, 3] }))
    for (let i = 0; i < 10; i++) r.tick() // random() = 0: the timeout is exactly electionTick
    expect(r.state).toBe(StateType.Candidate)
    expect(r.term).toBe(1)
    expect(r.vote).toBe(1)
    const votes = readMessages(r)
    expect(votes.map(m => [m.type, m.to, m.term])).toEqual([[MessageType.Vote, 2, 1], [MessageType.Vote, 3, 1]])
  })

  it('a candidate wins with a majority, loses to a majority of rejections, waits otherwise', () => {
    const cases: Array<[number, Record<number, boolean>, StateType]> = [
      [1, {}, StateType.Leader],
      [3, { 2: true, 3: true }, StateType.Leader],
      [3, { 2: true }, StateType.Leader],
      [5, { 2: true, 3: true, 4: true, 5: true }, StateType.Leader],
      [5, { 2: true, 3: true }, StateType.Leader],
      [3, { 2: false, 3: false }, StateType.Follower],
      [5, { 2: false, 3: false, 4: false, 5: false }, StateType.Follower],
      [5, { 2: true, 3: false, 4: false, 5: false }, StateType.Follower],
      [3, {}, StateType.Candidate],
      [5, { 2: true }, StateType.Candidate],
      [5, { 2: false, 3: false }, StateType.Candidate]
    ]
    for (const [size, votes, want] of cases) {
      const voters = Array.from({ length: size }, (_, i) => i + 1)
      const r = newRaft(1, storageWith({ voters }))
      hup(r)
      for (const [from, granted] of Object.entries(votes)) {
        r.step(message({ type: MessageType.VoteResp, from: Number(from), to: 1, term: r.term, reject: !granted }))
      }
      expect(r.state, `${size} voters, votes ${JSON.stringify(votes)}`).toBe(want)
      expect(r.term).toBe(1)
    }
  })

  it('a follower votes for at most one candidate per term, first come first served', () => {
    const cases: Array<[number, number, boolean]> = [[0, 2, false], [0, 3, false], [2, 2, false], [3, 3, false], [2, 3, true], [3, 2, true]]
    for (const [vote, candidate, rejected] of cases) {
      const r = newRaft(1, storageWith({ voters: [1, 2, 3], hardState: { term: 1, vote, commit: 0 } }))
      r.step(message({ type: MessageType.Vote, from: candidate, to: 1, term: 1 }))
      const [resp] = readMessages(r)
      expect(resp?.type).toBe(MessageType.VoteResp)
      expect(resp?.reject).toBe(rejected)
    }
  })

  it('a candidate steps down when it hears from a leader of its term or a newer one', () => {
    for (const term of [1, 2]) {
      const r = newRaft(1, storageWith({ voters: [1, 2, 3] }))
      hup(r)
      r.step(message({ type: MessageType.App, from: 2, to: 1, term }))
      expect(r.state).toBe(StateType.Follower)
      expect(r.term).toBe(term)
      expect(r.lead).toBe(2)
    }
  })

  it('election timeouts are randomized in [electionTick, 2 × electionTick)', () => {
    const seen = new Set<number>()
    for (let i = 0; i < 40; i++) {
      const r = newRaft(1, storageWith({ voters: [1, 2, 3] }), { random: seededRandom(i) })
      let ticks = 0
      while (r.state === StateType.Follower) { r.tick(); ticks++ }
      seen.add(ticks)
      expect(ticks).toBeGreaterThanOrEqual(10)
      expect(ticks).toBeLessThan(20)
    }
    expect(seen.size).toBeGreaterThan(5)
  })

  it('a three-node cluster elects exactly one leader and the others follow it', () => {
    const n = TestNetwork.fresh(3)
    n.hup(1)
    expect(n.raft(1).state).toBe(StateType.Leader)
    expect(n.raft(2).lead).toBe(1)
    expect(n.raft(3).lead).toBe(1)
  })
})

describe('§5.3 log replication', () => {
  it('the leader appends a proposal and sends it to every follower', () => {
    const n = TestNetwork.fresh(3)
    n.hup(1)
    const leader = n.raft(1)
    propose(leader, 'some data')
    const msgs = readMessages(leader)
    expect(msgs.map(m => [m.type, m.to, m.index, m.entries.length])).toEqual([[MessageType.App, 2, 1, 1], [MessageType.App, 3, 1, 1]])
    expect(leader.log.lastIndex()).toBe(2)
  })

  it('the leader commits once a majority stored the entry, and followers learn the commit index', () => {
    const n = TestNetwork.fresh(5)
    n.hup(1)
    n.isolate(4)
    n.isolate(5)
    n.propose(1, 'v')
    expect(n.raft(1).log.committed).toBe(2)
    n.isolate(3)
    n.propose(1, 'w') // only 1 and 2 have it: no majority of five
    expect(n.raft(1).log.committed).toBe(2)
    n.recover()
    n.send(message({ type: MessageType.Beat, from: 1, to: 1 }))
    for (const id of [1, 2, 3, 4, 5]) expect(n.raft(id).log.committed, `node ${id}`).toBe(3)
  })

  it('a follower rejects an append whose previous entry does not match (the consistency check)', () => {
    const r = newRaft(1, storageWith({ voters: [1, 2, 3], terms: [1, 2], hardState: { term: 2, vote: 0, commit: 1 } }))
    const cases: Array<[number, number, boolean, number]> = [
      [0, 0, false, 2], [1, 1, false, 2], [2, 2, false, 2], [2, 1, true, 2], [3, 3, true, 2]
    ]
    for (const [index, logTerm, reject, wantLast] of cases) {
      r.step(message({ type: MessageType.App, from: 2, to: 1, term: 2, index, logTerm }))
      const [resp] = readMessages(r)
      expect(resp?.reject, `append after ${index}/${logTerm}`).toBe(reject)
      expect(r.log.lastIndex()).toBe(wantLast)
    }
  })

  it('a follower deletes a conflicting suffix and appends the leader\'s entries', () => {
    const r = newRaft(1, storageWith({ voters: [1, 2, 3], terms: [1, 2, 2], hardState: { term: 3, vote: 0, commit: 1 } }))
    r.step(message({ type: MessageType.App, from: 2, to: 1, term: 3, index: 1, logTerm: 1, entries: entriesWithTerms([1, 3]).slice(1) }))
    expect(logOf(r)).toEqual(['1/1', '2/3'])
  })

  it('Figure 7: a new leader brings each follower\'s log in line with its own (cases a–f)', () => {
    const leaderTerms = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6]
    const followers: Record<string, number[]> = {
      a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
      b: [1, 1, 1, 4],
      c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
      d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
      e: [1, 1, 1, 4, 4, 4, 4],
      f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]
    }
    for (const [name, terms] of Object.entries(followers)) {
      const voters = [1, 2, 3]
      const leader = newRaft(1, storageWith({ voters, terms: leaderTerms, hardState: { term: 8, vote: 0, commit: leaderTerms.length } }))
      const follower = newRaft(2, storageWith({ voters, terms, hardState: { term: 7, vote: 0, commit: 0 } }))
      const n = new TestNetwork([leader, follower]) // node 3 is a black hole
      n.hup(1)
      // Node 3 grants its vote: the leader must win even where follower (d) refuses.
      n.send(message({ type: MessageType.VoteResp, from: 3, to: 1, term: leader.term }))
      expect(leader.state, name).toBe(StateType.Leader)
      n.propose(1)
      expect(logOf(follower), `follower (${name})`).toEqual(logOf(leader))
      expect(leader.log.committed).toBe(leader.log.lastIndex())
    }
  })
})

describe('§5.4.1 election restriction', () => {
  it('a voter refuses a candidate whose log is less up to date than its own', () => {
    // [voter's last terms, candidate's last index, candidate's last term, rejected]
    const cases: Array<[number[], number, number, boolean]> = [
      [[1], 1, 1, false], [[1], 1, 2, false], [[1, 1], 1, 1, true],
      [[1, 1], 1, 2, false], [[2], 1, 1, true], [[2], 2, 1, true], [[1, 2], 1, 3, false], [[1, 2], 5, 1, true]
    ]
    for (const [terms, index, logTerm, rejected] of cases) {
      const r = newRaft(1, storageWith({ voters: [1, 2], terms }))
      r.step(message({ type: MessageType.Vote, from: 2, to: 1, term: 3, index, logTerm }))
      const [resp] = readMessages(r)
      expect(resp?.reject, `voter ${JSON.stringify(terms)} vs ${index}/${logTerm}`).toBe(rejected)
    }
  })

  it('the winner of an election overwrites newer but uncommitted entries of the losers (etcd TestLeaderElectionOverwriteNewerLogs)', () => {
    const voters = [1, 2, 3, 4, 5]
    // 1 led term 1 and replicated to 2; 3 led term 2 and wrote an entry nobody got; 4 and 5 voted for 3.
    const n = new TestNetwork([
      newRaft(1, storageWith({ voters, terms: [1], hardState: { term: 1, vote: 1, commit: 0 } })),
      newRaft(2, storageWith({ voters, terms: [1], hardState: { term: 1, vote: 1, commit: 0 } })),
      newRaft(3, storageWith({ voters, terms: [2], hardState: { term: 2, vote: 3, commit: 0 } })),
      newRaft(4, storageWith({ voters, hardState: { term: 2, vote: 3, commit: 0 } })),
      newRaft(5, storageWith({ voters, hardState: { term: 2, vote: 3, commit: 0 } }))
    ])
    n.hup(1)
    expect(n.raft(1).state).toBe(StateType.Follower) // a quorum already voted in term 2
    expect(n.raft(1).term).toBe(2)
    n.hup(1)
    expect(n.raft(1).state).toBe(StateType.Leader)
    expect(n.raft(1).term).toBe(3)
    for (const id of voters) expect(logOf(n.raft(id)), `node ${id}`).toEqual(['1/1', '2/3'])
  })
})

describe('Figure 8: a leader commits entries of earlier terms only through an entry of its own term', () => {
  const voters = [1, 2, 3, 4, 5]

  it('(c) an old-term entry stored on a majority is not committed by counting replicas', () => {
    // S1 led term 2 and stored index 2 on S2; S5 won term 3 with S3 and S4; S1 is now back.
    const s1 = newRaft(1, storageWith({ voters, terms: [1, 2], hardState: { term: 3, vote: 0, commit: 1 } }))
    hup(s1)
    for (const from of [2, 3]) s1.step(message({ type: MessageType.VoteResp, from, to: 1, term: 4 }))
    expect(s1.state).toBe(StateType.Leader)
    expect(s1.term).toBe(4)
    expect(logOf(s1)).toEqual(['1/1', '2/2', '3/4']) // the leader's empty entry of term 4
    // S2 and S3 acknowledge index 2 (term 2): with S1 that is 3 of 5, but it is not of term 4.
    for (const from of [2, 3]) s1.step(message({ type: MessageType.AppResp, from, to: 1, term: 4, index: 2 }))
    expect(s1.log.committed).toBe(1)
    // Once the term-4 entry is on a majority, it and everything before it commit.
    for (const from of [2, 3]) s1.step(message({ type: MessageType.AppResp, from, to: 1, term: 4, index: 3 }))
    expect(s1.log.committed).toBe(3)
  })

  it('(d) because a later leader may overwrite such an entry', () => {
    // State after (c) had S1 crashed before its term-4 entry spread: index 2/2 is on S1, S2, S3.
    const n = new TestNetwork([
      newRaft(1, storageWith({ voters, terms: [1, 2], hardState: { term: 4, vote: 1, commit: 1 } })),
      newRaft(2, storageWith({ voters, terms: [1, 2], hardState: { term: 4, vote: 1, commit: 1 } })),
      newRaft(3, storageWith({ voters, terms: [1, 2], hardState: { term: 4, vote: 1, commit: 1 } })),
      newRaft(4, storageWith({ voters, terms: [1], hardState: { term: 4, vote: 1, commit: 1 } })),
      newRaft(5, storageWith({ voters, terms: [1, 3], hardState: { term: 3, vote: 5, commit: 1 } }))
    ])
    n.isolate(1)
    n.hup(5) // term 4: everyone already voted
    n.hup(5) // term 5: S2, S3, S4 grant, since S5's last term 3 beats their 2
    expect(n.raft(5).state).toBe(StateType.Leader)
    for (const id of [2, 3, 4, 5]) expect(logOf(n.raft(id)).slice(0, 2), `node ${id}`).toEqual(['1/1', '2/3'])
  })
})
