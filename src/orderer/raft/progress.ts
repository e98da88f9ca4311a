/**
 * The leader's view of one follower (etcd tracker/progress.go, inflights.go).
 *
 * - Probe: we do not know the follower's last index; send one append per heartbeat interval
 *   until it answers, walking `next` back on rejections.
 * - Replicate: the follower is caught up; stream appends optimistically, at most
 *   MaxInflightBlocks (Fabric) in flight — the flow control.
 * - Snapshot: the follower needs a snapshot; send nothing until it is reported.
 */
export enum ProgressState {
  Probe = 'probe',
  Replicate = 'replicate',
  Snapshot = 'snapshot'
}

/** A bounded FIFO of the last index of each append message in flight. */
export class Inflights {
  private readonly queue: number[] = []

  constructor (readonly capacity: number) {}

  add (lastIndex: number): void {
    this.queue.push(lastIndex)
  }

  /** Frees every message whose last index is <= index (acknowledged cumulatively). */
  freeLE (index: number): void {
    let n = 0
    while (n < this.queue.length && (this.queue[n] as number) <= index) n++
    if (n > 0) this.queue.splice(0, n)
  }

  /** Frees the oldest message; used when a heartbeat shows the follower alive but appends were lost. */
  freeFirstOne (): void {
    this.queue.shift()
  }

  full (): boolean {
    return this.queue.length >= this.capacity
  }

  count (): number {
    return this.queue.length
  }

  reset (): void {
    this.queue.length = 0
  }
}

export class Progress {
  state = ProgressState.Probe
  /** In Probe: one append sent and not yet answered (etcd MsgAppFlowPaused). */
  probeSent = false
  pendingSnapshot = 0
  /** Heard from since the last check-quorum round. */
  recentActive = false
  readonly inflights: Inflights

  constructor (public match: number, public next: number, maxInflight: number) {
    this.inflights = new Inflights(maxInflight)
  }

  private resetState (state: ProgressState): void {
    this.probeSent = false
    this.pendingSnapshot = 0
    this.state = state
    this.inflights.reset()
  }

  becomeProbe (): void {
    // After a snapshot, resume right after it; the follower acknowledges or rejects from there.
    if (this.state === ProgressState.Snapshot) {
      const pending = this.pendingSnapshot
      this.resetState(ProgressState.Probe)
      this.next = Math.max(this.match + 1, pending + 1)
    } else {
      this.resetState(ProgressState.Probe)
      this.next = this.match + 1
    }
  }

  becomeReplicate (): void {
    this.resetState(ProgressState.Replicate)
    this.next = this.match + 1
  }

  becomeSnapshot (snapshotIndex: number): void {
    this.resetState(ProgressState.Snapshot)
    this.pendingSnapshot = snapshotIndex
  }

  /** An acknowledgement up to n. Returns false if it was stale. */
  maybeUpdate (n: number): boolean {
    let updated = false
    if (this.match < n) {
      this.match = n
      updated = true
      this.probeSent = false
    }
    this.next = Math.max(this.next, n + 1)
    return updated
  }

  optimisticUpdate (n: number): void {
    this.next = n + 1
  }

  /**
   * A rejection of the append at `rejected`; `matchHint` is the follower's guess of where logs agree.
   * Returns false if the rejection is stale (an answer to an older message).
   */
  maybeDecrTo (rejected: number, matchHint: number): boolean {
    if (this.state === ProgressState.Replicate) {
      if (rejected <= this.match) return false
      this.next = this.match + 1
      return true
    }
    if (this.next - 1 !== rejected) return false
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1, 1)
    this.probeSent = false
    return true
  }

  isPaused (): boolean {
    switch (this.state) {
      case ProgressState.Probe: return this.probeSent
      case ProgressState.Replicate: return this.inflights.full()
      case ProgressState.Snapshot: return true
    }
  }
}
