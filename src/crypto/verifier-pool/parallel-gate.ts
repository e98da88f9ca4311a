/**
 * Decides, batch by batch, whether splitting a large batch over the workers measurably helps
 * here and now. A second core only helps when it is idle: on a loaded machine (or when the
 * operating system schedules the whole process as one group) two workers get no more CPU than
 * one thread, and the batch waits for the slower share. So the gate times both paths on real
 * batches (µs per signature, exponentially weighted) and sends large batches to the workers
 * only while they are at least `minGain`× faster than verifying in-thread. Every `probeEvery`
 * large batches it runs one on the other path, so the decision follows the load as it changes.
 * @module
 */

export type BatchPath = 'workers' | 'thread'

export interface ParallelGateOptions {
  /** Speed-up the workers must show over in-thread verification to be used. 0: always use them. */
  minGain: number
  /** One large batch in this many runs on the path not preferred, to re-measure it. */
  probeEvery: number
}

/** What the gate knows (for the app and for tests). */
export interface ParallelGateState {
  /** µs per signature on each path (EWMA), or undefined before the first timed batch. */
  readonly workersUsPerSignature: number | undefined
  readonly threadUsPerSignature: number | undefined
  /** The path large batches take now (probes aside). */
  readonly preferred: BatchPath
}

/** Weight of the newest sample in the moving average. */
const ALPHA = 0.3
/** Batches on the workers not timed at first (worker start-up, table builds). */
const WORKER_WARM_UP = 2
/** In-thread batches not timed at first (table builds for keys new to this thread). */
const THREAD_WARM_UP = 1

export class ParallelGate {
  readonly #options: ParallelGateOptions
  #workers: number | undefined
  #thread: number | undefined
  #workerBatches = 0
  #threadBatches = 0
  #largeBatches = 0

  constructor (options: ParallelGateOptions) {
    this.#options = options
  }

  get state (): ParallelGateState {
    return { workersUsPerSignature: this.#workers, threadUsPerSignature: this.#thread, preferred: this.#preferred() }
  }

  /** The path for the next large batch. */
  choose (): BatchPath {
    if (this.#options.minGain <= 0) return 'workers'
    this.#largeBatches++
    if (this.#workers === undefined) return 'workers' // includes the warm-up batches
    if (this.#thread === undefined) return 'thread'
    const preferred = this.#preferred()
    if (this.#largeBatches % this.#options.probeEvery === 0) return preferred === 'workers' ? 'thread' : 'workers'
    return preferred
  }

  /** Records how long a large batch took on `path`. */
  record (path: BatchPath, signatures: number, ms: number): void {
    if (signatures <= 0 || !(ms >= 0) || !Number.isFinite(ms)) return
    if (path === 'workers' && this.#workerBatches++ < WORKER_WARM_UP) return
    if (path === 'thread' && this.#threadBatches++ < THREAD_WARM_UP) return
    const sample = 1000 * ms / signatures
    if (path === 'workers') this.#workers = this.#workers === undefined ? sample : this.#workers + ALPHA * (sample - this.#workers)
    else this.#thread = this.#thread === undefined ? sample : this.#thread + ALPHA * (sample - this.#thread)
  }

  #preferred (): BatchPath {
    if (this.#options.minGain <= 0) return 'workers'
    if (this.#workers === undefined || this.#thread === undefined) return 'workers'
    return this.#thread >= this.#options.minGain * this.#workers ? 'workers' : 'thread'
  }
}
