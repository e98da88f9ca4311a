import { validateRaftConfig } from './config.js'
import type { RaftConfig } from './config.js'
import { ConfChangeType } from './conf-change.js'
import type { ConfChange } from './conf-change.js'
import { RaftError } from './errors.js'
import { RaftLog } from './log.js'
import { Progress, ProgressState } from './progress.js'
import type { Storage } from './storage.js'
import { EntryType, MessageType, NONE, StateType, message, voteResponseType } from './types.js'
import type { ConfState, Entry, HardState, Message, SoftState, Snapshot } from './types.js'

type CampaignType = 'pre-election' | 'election' | 'transfer'
type VoteResult = 'won' | 'lost' | 'pending'

const EMPTY = new Uint8Array(0)

/**
 * The Raft protocol as a deterministic state machine (etcd raft.go): messages and ticks in,
 * state changes and outgoing messages (`msgs`) out. No I/O, no clock, no randomness but the
 * injected source. Roles are the step functions stepLeader/stepCandidate/stepFollower.
 *
 * Deliberate differences from etcd: one-at-a-time membership (no joint consensus, no learners,
 * as Fabric), no ReadIndex, no async storage writes, proposals refused while a conf change is
 * pending are dropped (etcd replaces them with an empty entry).
 */
export class Raft {
  readonly id: number
  term = 0
  vote = NONE
  lead = NONE
  state = StateType.Follower
  readonly log: RaftLog
  /** Progress of every voter, self included; the keys are the current configuration. */
  readonly prs = new Map<number, Progress>()
  private readonly votes = new Map<number, boolean>()
  msgs: Message[] = []

  electionElapsed = 0
  private heartbeatElapsed = 0
  private randomizedElectionTimeout = 0
  leadTransferee = NONE
  /** Index of the last conf change the leader proposed; none may be proposed until it is applied. */
  private pendingConfIndex = 0

  private readonly config: RaftConfig

  constructor (config: RaftConfig, storage: Storage) {
    validateRaftConfig(config)
    this.config = config
    this.id = config.id
    this.log = new RaftLog(storage)
    const { hardState, confState } = storage.initialState()
    for (const voter of confState.voters) this.prs.set(voter, this.newProgress(0, 1))
    if (hardState.term !== 0 || hardState.vote !== NONE || hardState.commit !== 0) this.loadState(hardState)
    if (config.applied !== undefined && config.applied > 0) this.log.appliedTo(config.applied)
    this.becomeFollower(this.term, NONE)
  }

  get electionTimeout (): number {
    return this.config.electionTick
  }

  hardState (): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed }
  }

  softState (): SoftState {
    return { lead: this.lead, state: this.state }
  }

  confState (): ConfState {
    return { voters: [...this.prs.keys()].sort((a, b) => a - b) }
  }

  /** This node may campaign: it is a voter of its current configuration. */
  promotable (): boolean {
    return this.prs.has(this.id)
  }

  private loadState (hs: HardState): void {
    if (hs.commit < this.log.committed || hs.commit > this.log.lastIndex()) {
      throw new RaftError('RAFT_INVARIANT',
        `hardState.commit ${hs.commit} is outside [${this.log.committed}, ${this.log.lastIndex()}]`)
    }
    this.log.committed = hs.commit
    this.term = hs.term
    this.vote = hs.vote
  }

  private newProgress (match: number, next: number): Progress {
    return new Progress(match, next, this.config.maxInflightMsgs)
  }

  // ---- sending ----

  private send (fields: Partial<Message> & Pick<Message, 'type' | 'to'>): void {
    const isVote = fields.type === MessageType.Vote || fields.type === MessageType.PreVote ||
      fields.type === MessageType.VoteResp || fields.type === MessageType.PreVoteResp
    if (isVote) {
      // Votes carry the term they are for, which for pre-votes is not our own (etcd send()).
      if (fields.term === undefined || fields.term === 0) throw new RaftError('RAFT_INVARIANT', `${fields.type} without term`)
      this.msgs.push(message({ from: this.id, ...fields }))
    } else {
      // Forwarded proposals carry no term: the leader treats them as local (etcd).
      const term = fields.type === MessageType.Prop ? 0 : this.term
      this.msgs.push(message({ from: this.id, ...fields, term }))
    }
  }

  /** Sends an append (or a snapshot) to `to` if flow control allows. Returns whether it sent. */
  private maybeSendAppend (to: number, sendIfEmpty: boolean): boolean {
    const pr = this.prs.get(to)
    if (pr === undefined || pr.isPaused()) return false
    let prevTerm: number
    let entries: Entry[]
    try {
      prevTerm = this.log.term(pr.next - 1)
      entries = this.log.entries(pr.next, this.config.maxSizePerMsg)
    } catch (err) {
      if (!(err instanceof RaftError) || err.code !== 'RAFT_COMPACTED') throw err
      return this.sendSnapshot(to, pr)
    }
    if (entries.length === 0 && !sendIfEmpty) return false
    this.send({ type: MessageType.App, to, index: pr.next - 1, logTerm: prevTerm, entries, commit: this.log.committed })
    const last = entries[entries.length - 1]
    if (last !== undefined) {
      if (pr.state === ProgressState.Replicate) {
        pr.optimisticUpdate(last.index)
        pr.inflights.add(last.index)
      } else if (pr.state === ProgressState.Probe) {
        pr.probeSent = true
      }
    } else if (pr.state === ProgressState.Probe) {
      pr.probeSent = true
    }
    return true
  }

  /** The entries the follower needs are compacted: send the snapshot instead (§7). */
  private sendSnapshot (to: number, pr: Progress): boolean {
    // Only to a follower we recently heard from: snapshots are large (etcd does the same).
    if (!pr.recentActive) return false
    const snapshot = this.log.snapshot()
    this.send({ type: MessageType.Snap, to, snapshot })
    pr.becomeSnapshot(snapshot.metadata.index)
    return true
  }

  private sendAppend (to: number): void {
    this.maybeSendAppend(to, true)
  }

  private sendHeartbeat (to: number): void {
    const pr = this.prs.get(to)
    // Never tell a follower to commit beyond what it is known to have (etcd sendHeartbeat).
    const commit = Math.min(pr?.match ?? 0, this.log.committed)
    this.send({ type: MessageType.Heartbeat, to, commit })
  }

  private bcastAppend (): void {
    for (const id of this.prs.keys()) if (id !== this.id) this.sendAppend(id)
  }

  private bcastHeartbeat (): void {
    for (const id of this.prs.keys()) if (id !== this.id) this.sendHeartbeat(id)
  }

  // ---- role transitions ----

  private reset (term: number): void {
    if (this.term !== term) {
      this.term = term
      this.vote = NONE
    }
    this.lead = NONE
    this.electionElapsed = 0
    this.heartbeatElapsed = 0
    this.resetRandomizedElectionTimeout()
    this.abortLeaderTransfer()
    this.votes.clear()
    const last = this.log.lastIndex()
    for (const id of this.prs.keys()) {
      this.prs.set(id, this.newProgress(id === this.id ? last : 0, last + 1))
    }
    this.pendingConfIndex = 0
  }

  private resetRandomizedElectionTimeout (): void {
    // Uniform in [electionTick, 2 × electionTick), §5.2.
    const et = this.config.electionTick
    this.randomizedElectionTimeout = et + Math.floor(this.config.random() * et)
  }

  becomeFollower (term: number, lead: number): void {
    this.reset(term)
    this.lead = lead
    this.state = StateType.Follower
  }

  private becomeCandidate (): void {
    if (this.state === StateType.Leader) throw new RaftError('RAFT_INVARIANT', 'leader cannot become candidate')
    this.reset(this.term + 1)
    this.vote = this.id
    this.state = StateType.Candidate
  }

  private becomePreCandidate (): void {
    if (this.state === StateType.Leader) throw new RaftError('RAFT_INVARIANT', 'leader cannot become pre-candidate')
    // Neither term nor vote change: a pre-vote disrupts nobody (thesis §9.6).
    this.votes.clear()
    this.lead = NONE
    this.state = StateType.PreCandidate
  }

  private becomeLeader (): void {
    if (this.state === StateType.Follower) throw new RaftError('RAFT_INVARIANT', 'follower cannot become leader')
    this.reset(this.term)
    this.lead = this.id
    this.state = StateType.Leader
    const self = this.prs.get(this.id)
    if (self !== undefined) {
      self.becomeReplicate()
      self.recentActive = true
    }
    // Conf changes wait until this leader's first entry applies: all earlier entries are then committed
    // and the single-server change is safe (Ongaro, raft-dev 2015; etcd does the same).
    // etcd sets it before appending the empty entry; Weft includes that entry, as the fix requires.
    this.appendEntries([{ term: 0, index: 0, type: EntryType.Normal, data: EMPTY }])
    this.pendingConfIndex = this.log.lastIndex()
  }

  private appendEntries (entries: readonly Entry[]): void {
    const li = this.log.lastIndex()
    const stamped = entries.map((e, i) => ({ term: this.term, index: li + 1 + i, type: e.type, data: e.data }))
    this.log.append(stamped)
    this.prs.get(this.id)?.maybeUpdate(this.log.lastIndex())
    this.maybeCommit()
  }

  /** Commits the highest index a quorum of voters has; only entries of the current term count (Figure 8). */
  private maybeCommit (): boolean {
    const matches = [...this.prs.values()].map(pr => pr.match).sort((a, b) => b - a)
    if (matches.length === 0) return false
    const quorumMatch = matches[Math.floor(matches.length / 2)] as number
    return this.log.maybeCommit(quorumMatch, this.term)
  }

  private quorum (): number {
    return Math.floor(this.prs.size / 2) + 1
  }

  // ---- ticks ----

  tick (): void {
    if (this.state === StateType.Leader) this.tickHeartbeat()
    else this.tickElection()
  }

  private tickElection (): void {
    this.electionElapsed++
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0
      this.step(message({ type: MessageType.Hup, from: this.id }))
    }
  }

  private tickHeartbeat (): void {
    this.heartbeatElapsed++
    this.electionElapsed++
    if (this.electionElapsed >= this.config.electionTick) {
      this.electionElapsed = 0
      if (this.config.checkQuorum) this.step(message({ type: MessageType.CheckQuorum, from: this.id }))
      // A transfer that did not finish within an election timeout is abandoned (thesis §3.10).
      if (this.state === StateType.Leader && this.leadTransferee !== NONE) this.abortLeaderTransfer()
    }
    if (this.state !== StateType.Leader) return
    if (this.heartbeatElapsed >= this.config.heartbeatTick) {
      this.heartbeatElapsed = 0
      this.step(message({ type: MessageType.Beat, from: this.id }))
    }
  }

  // ---- elections ----

  private hup (type: CampaignType): void {
    if (this.state === StateType.Leader || !this.promotable()) return
    // Do not campaign with a configuration that committed entries are about to change (etcd).
    if (this.hasUnappliedConfChanges()) return
    this.campaign(type)
  }

  private hasUnappliedConfChanges (): boolean {
    if (this.log.applied >= this.log.committed) return false
    const lo = Math.max(this.log.applied + 1, this.log.firstIndex())
    if (lo > this.log.committed) return false
    return this.log.slice(lo, this.log.committed + 1, Number.MAX_SAFE_INTEGER).some(e => e.type === EntryType.ConfChange)
  }

  private campaign (type: CampaignType): void {
    let voteType: MessageType
    let term: number
    if (type === 'pre-election') {
      this.becomePreCandidate()
      voteType = MessageType.PreVote
      term = this.term + 1 // the term we would campaign in; ours is unchanged
    } else {
      this.becomeCandidate()
      voteType = MessageType.Vote
      term = this.term
    }
    if (this.poll(this.id, true) === 'won') {
      // Only a single-voter cluster wins on its own vote.
      if (type === 'pre-election') this.campaign('election')
      else this.becomeLeader()
      return
    }
    const lastIndex = this.log.lastIndex()
    const lastTerm = this.log.lastTerm()
    for (const id of this.prs.keys()) {
      if (id === this.id) continue
      this.send({ type: voteType, to: id, term, index: lastIndex, logTerm: lastTerm, transfer: type === 'transfer' })
    }
  }

  private poll (from: number, granted: boolean): VoteResult {
    if (!this.votes.has(from)) this.votes.set(from, granted)
    let yes = 0
    let no = 0
    for (const [id, vote] of this.votes) {
      if (!this.prs.has(id)) continue
      if (vote) yes++
      else no++
    }
    const q = this.quorum()
    if (yes >= q) return 'won'
    if (no > this.prs.size - q) return 'lost'
    return 'pending'
  }

  private quorumActive (): boolean {
    let active = 0
    for (const [id, pr] of this.prs) if (id === this.id || pr.recentActive) active++
    return active >= this.quorum()
  }

  // ---- step ----

  /** Processes one message. Throws RAFT_PROPOSAL_DROPPED when a proposal cannot be accepted. */
  step (m: Message): void {
    if (m.term === 0) {
      // local message or forwarded proposal
    } else if (m.term > this.term) {
      if (m.type === MessageType.Vote || m.type === MessageType.PreVote) {
        const inLease = this.config.checkQuorum && this.lead !== NONE && this.electionElapsed < this.config.electionTick
        // A node that heard from a live leader within the minimum election timeout ignores votes,
        // unless the leader itself asked for them by transferring leadership (thesis §4.2.3).
        if (inLease && m.transfer !== true) return
      }
      if (m.type === MessageType.PreVote) {
        // A pre-vote never changes our term.
      } else if (m.type === MessageType.PreVoteResp && !m.reject) {
        // The future term of a granted pre-vote; we bump our term when a quorum grants it.
      } else if (m.type === MessageType.App || m.type === MessageType.Heartbeat || m.type === MessageType.Snap) {
        this.becomeFollower(m.term, m.from)
      } else {
        this.becomeFollower(m.term, NONE)
      }
    } else if (m.term < this.term) {
      if ((this.config.checkQuorum || this.config.preVote) &&
        (m.type === MessageType.Heartbeat || m.type === MessageType.App)) {
        // A stale leader (e.g. healed from a partition) learns our term and steps down; without this,
        // check-quorum or pre-vote could leave us unable to elect anyone (etcd raft.go).
        this.send({ type: MessageType.AppResp, to: m.from })
      } else if (m.type === MessageType.PreVote) {
        this.send({ type: MessageType.PreVoteResp, to: m.from, term: this.term, reject: true })
      }
      return
    }

    switch (m.type) {
      case MessageType.Hup:
        this.hup(this.config.preVote ? 'pre-election' : 'election')
        return
      case MessageType.Vote:
      case MessageType.PreVote: {
        const canVote = this.vote === m.from ||
          (this.vote === NONE && this.lead === NONE) ||
          (m.type === MessageType.PreVote && m.term > this.term)
        if (canVote && this.log.isUpToDate(m.index, m.logTerm)) {
          this.send({ type: voteResponseType(m.type), to: m.from, term: m.term })
          if (m.type === MessageType.Vote) {
            this.electionElapsed = 0
            this.vote = m.from
          }
        } else {
          this.send({ type: voteResponseType(m.type), to: m.from, term: this.term, reject: true })
        }
        return
      }
      default:
        if (this.state === StateType.Leader) this.stepLeader(m)
        else if (this.state === StateType.Follower) this.stepFollower(m)
        else this.stepCandidate(m)
    }
  }

  private stepLeader (m: Message): void {
    switch (m.type) {
      case MessageType.Beat:
        this.bcastHeartbeat()
        return
      case MessageType.CheckQuorum:
        if (!this.quorumActive()) this.becomeFollower(this.term, NONE)
        for (const [id, pr] of this.prs) if (id !== this.id) pr.recentActive = false
        return
      case MessageType.Prop:
        this.propose(m.entries)
        return
      default:
        break
    }
    const pr = this.prs.get(m.from)
    if (pr === undefined) return
    switch (m.type) {
      case MessageType.AppResp:
        this.handleAppendResponse(m, pr)
        return
      case MessageType.HeartbeatResp:
        pr.recentActive = true
        pr.probeSent = false
        // If every in-flight append was lost, free a slot so the next one reveals the gap (etcd 3.4).
        if (pr.state === ProgressState.Replicate && pr.inflights.full()) pr.inflights.freeFirstOne()
        if (pr.match < this.log.lastIndex()) this.sendAppend(m.from)
        return
      case MessageType.SnapStatus:
        if (pr.state !== ProgressState.Snapshot) return
        if (m.reject) pr.pendingSnapshot = 0
        pr.becomeProbe()
        // Wait for the follower to answer a heartbeat before probing again (etcd).
        pr.probeSent = true
        return
      case MessageType.Unreachable:
        if (pr.state === ProgressState.Replicate) pr.becomeProbe()
        return
      case MessageType.TransferLeader:
        this.handleTransferLeader(m.from, pr)
        return
      default:
    }
  }

  private propose (entries: readonly Entry[]): void {
    if (entries.length === 0) throw new RaftError('RAFT_INVALID_ARGUMENT', 'proposal without entries')
    if (!this.prs.has(this.id)) throw new RaftError('RAFT_PROPOSAL_DROPPED', 'this leader was removed from the configuration')
    if (this.leadTransferee !== NONE) {
      throw new RaftError('RAFT_PROPOSAL_DROPPED', `leadership is being transferred to ${this.leadTransferee}`)
    }
    const last = this.log.lastIndex()
    entries.forEach((entry, i) => {
      if (entry.type !== EntryType.ConfChange) return
      if (this.pendingConfIndex > this.log.applied) {
        throw new RaftError('RAFT_PROPOSAL_DROPPED',
          `configuration change at ${this.pendingConfIndex} is not applied yet (applied ${this.log.applied})`)
      }
      this.pendingConfIndex = last + i + 1
    })
    this.appendEntries(entries)
    this.bcastAppend()
  }

  private handleAppendResponse (m: Message, pr: Progress): void {
    pr.recentActive = true
    if (m.reject) {
      let nextProbe = m.rejectHint
      if (m.logTerm > 0) nextProbe = this.log.findConflictByTerm(m.rejectHint, m.logTerm).index
      if (pr.maybeDecrTo(m.index, nextProbe)) {
        if (pr.state === ProgressState.Replicate) pr.becomeProbe()
        this.sendAppend(m.from)
      }
      return
    }
    const wasPaused = pr.isPaused()
    if (!pr.maybeUpdate(m.index)) return
    if (pr.state === ProgressState.Probe) {
      pr.becomeReplicate()
    } else if (pr.state === ProgressState.Snapshot && pr.match >= pr.pendingSnapshot) {
      pr.becomeProbe()
      pr.becomeReplicate()
    } else if (pr.state === ProgressState.Replicate) {
      pr.inflights.freeLE(m.index)
    }
    if (this.maybeCommit()) {
      this.bcastAppend()
    } else if (wasPaused) {
      this.sendAppend(m.from)
    }
    // Flow control may now allow several more appends at once.
    while (this.maybeSendAppend(m.from, false)) { /* keep filling the window */ }
    if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) {
      this.send({ type: MessageType.TimeoutNow, to: m.from })
    }
  }

  private handleTransferLeader (transferee: number, pr: Progress): void {
    if (this.leadTransferee !== NONE) {
      if (this.leadTransferee === transferee) return
      this.abortLeaderTransfer()
    }
    if (transferee === this.id) return
    this.electionElapsed = 0 // the transfer must finish within one election timeout
    this.leadTransferee = transferee
    if (pr.match === this.log.lastIndex()) this.send({ type: MessageType.TimeoutNow, to: transferee })
    else this.sendAppend(transferee)
  }

  private abortLeaderTransfer (): void {
    this.leadTransferee = NONE
  }

  private stepCandidate (m: Message): void {
    const myVoteResp = this.state === StateType.PreCandidate ? MessageType.PreVoteResp : MessageType.VoteResp
    switch (m.type) {
      case MessageType.Prop:
        throw new RaftError('RAFT_PROPOSAL_DROPPED', 'no leader')
      case MessageType.App:
        this.becomeFollower(m.term, m.from)
        this.handleAppendEntries(m)
        return
      case MessageType.Heartbeat:
        this.becomeFollower(m.term, m.from)
        this.handleHeartbeat(m)
        return
      case MessageType.Snap:
        this.becomeFollower(m.term, m.from)
        this.handleSnapshot(m)
        return
      case myVoteResp: {
        const result = this.poll(m.from, !m.reject)
        if (result === 'won') {
          if (this.state === StateType.PreCandidate) {
            this.campaign('election')
          } else {
            this.becomeLeader()
            this.bcastAppend()
          }
        } else if (result === 'lost') {
          this.becomeFollower(this.term, NONE)
        }
        return
      }
      default:
    }
  }

  private stepFollower (m: Message): void {
    switch (m.type) {
      case MessageType.Prop:
        if (this.lead === NONE) throw new RaftError('RAFT_PROPOSAL_DROPPED', 'no leader')
        this.send({ type: MessageType.Prop, to: this.lead, entries: m.entries })
        return
      case MessageType.App:
        this.electionElapsed = 0
        this.lead = m.from
        this.handleAppendEntries(m)
        return
      case MessageType.Heartbeat:
        this.electionElapsed = 0
        this.lead = m.from
        this.handleHeartbeat(m)
        return
      case MessageType.Snap:
        this.electionElapsed = 0
        this.lead = m.from
        this.handleSnapshot(m)
        return
      case MessageType.TransferLeader:
        if (this.lead === NONE) return
        this.msgs.push(message({ ...m, to: this.lead }))
        return
      case MessageType.TimeoutNow:
        // A transfer skips pre-vote: the old leader asked, so no partition is being recovered from.
        this.hup('transfer')
        return
      default:
    }
  }

  private handleAppendEntries (m: Message): void {
    if (m.index < this.log.committed) {
      this.send({ type: MessageType.AppResp, to: m.from, index: this.log.committed })
      return
    }
    const lastNew = this.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries)
    if (lastNew !== undefined) {
      this.send({ type: MessageType.AppResp, to: m.from, index: lastNew })
      return
    }
    const hint = this.log.findConflictByTerm(Math.min(m.index, this.log.lastIndex()), m.logTerm)
    this.send({ type: MessageType.AppResp, to: m.from, index: m.index, reject: true, rejectHint: hint.index, logTerm: hint.term })
  }

  private handleHeartbeat (m: Message): void {
    this.log.commitTo(m.commit)
    this.send({ type: MessageType.HeartbeatResp, to: m.from })
  }

  private handleSnapshot (m: Message): void {
    if (m.snapshot !== undefined && this.restore(m.snapshot)) {
      this.send({ type: MessageType.AppResp, to: m.from, index: this.log.lastIndex() })
    } else {
      this.send({ type: MessageType.AppResp, to: m.from, index: this.log.committed })
    }
  }

  /** Installs a snapshot from the leader; false if it is stale or our log already has it. */
  private restore (snap: Snapshot): boolean {
    const { index, term, confState } = snap.metadata
    if (index <= this.log.committed) return false
    if (this.log.matchTerm(index, term)) {
      // Our log already contains it: just fast-forward the commit index.
      this.log.commitTo(index)
      return false
    }
    this.log.restore(snap)
    this.prs.clear()
    const last = this.log.lastIndex()
    for (const voter of confState.voters) this.prs.set(voter, this.newProgress(voter === this.id ? last : 0, last + 1))
    return true
  }

  // ---- membership ----

  /** Applies a committed conf change (the application calls this while applying the entry, §6). */
  applyConfChange (cc: ConfChange): ConfState {
    if (cc.type === ConfChangeType.AddNode) {
      if (!this.prs.has(cc.nodeId)) {
        const pr = this.newProgress(0, this.log.lastIndex() + 1)
        // A new voter is given a full election timeout before check-quorum counts it absent (etcd).
        pr.recentActive = true
        this.prs.set(cc.nodeId, pr)
      }
    } else {
      this.prs.delete(cc.nodeId)
      if (cc.nodeId === this.leadTransferee) this.abortLeaderTransfer()
    }
    if (this.state === StateType.Leader) {
      if (!this.prs.has(this.id)) {
        // A removed leader steps down; the others elect a leader among themselves (Fabric's chain
        // halts the removed orderer). The removal is committed, so it survives the election.
        this.becomeFollower(this.term, NONE)
      } else if (this.maybeCommit()) {
        this.bcastAppend() // a smaller quorum may commit more
      } else {
        for (const id of this.prs.keys()) if (id !== this.id) this.maybeSendAppend(id, false)
      }
    }
    return this.confState()
  }
}
