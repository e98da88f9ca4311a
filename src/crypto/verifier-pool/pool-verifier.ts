/**
 * `PoolVerifier`: a `Verifier` that spreads a large `verifyBatch` over worker threads, each with
 * its own `WasmVerifier` (issue 6: "use the second core"). Environment-agnostic: the workers
 * come from a `WorkerSpawner` (browser.ts: Web Workers; node.ts: worker_threads).
 *
 * - Batches below `minParallelBatch` are verified in-thread: posting a job, waking a worker and
 *   halving the batch (which can drop a share below the WASM affine pass's 64 records) cost
 *   more than a second core gains on small batches (docs/p256-wasm.md, "Worker pool").
 * - Larger batches go to the workers only while they measurably help: `ParallelGate` times
 *   both paths on real batches and requires a `minGain` speed-up (a loaded machine has no
 *   idle second core to give).
 * - Requests are routed by public key (`KeyAffinity`), so each worker's comb tables stay warm.
 * - Each worker's share is packed into one ArrayBuffer and transferred; verdicts come back the
 *   same way.
 * - Never throws on bad requests: they verify false, exactly as with `WasmVerifier`. A worker
 *   that fails (no WebAssembly, a crash, a script that does not load) is retired and its share
 *   verified in-thread, so the verdicts are always those of a `WasmVerifier`.
 * @module
 */
import { CryptoError } from '../errors.js'
import type { Verifier, VerifyRequest } from '../verifier.js'
import { createWasmVerifier, type WasmVerifierOptions } from '../p256-wasm/wasm-verifier.js'
import { defaultVerifier } from '../verifier-default.js'
import { KeyAffinity, keyHash } from './affinity.js'
import { packRequests, wellFormed } from './packing.js'
import { ParallelGate, type ParallelGateState } from './parallel-gate.js'
import { isFromWorker, type FromWorker, type ToWorker } from './protocol.js'

/** One worker as the pool sees it; adapters wrap a Web Worker or a worker_threads Worker. */
export interface PoolWorker {
  post(message: ToWorker, transfer: ArrayBuffer[]): void
  /** Registers the handlers (called once): a message, or the worker's death (load error, crash, exit). */
  listen(onMessage: (message: unknown) => void, onFailure: (reason: string) => void): void
  /** Whether jobs are pending; Node adapters keep the process alive only then. */
  setBusy?(busy: boolean): void
  terminate(): void
}

export type WorkerSpawner = (index: number) => PoolWorker

/**
 * Default `minParallelBatch`: below this many requests a batch is verified in-thread.
 * Measured crossover on a 2-core machine (docs/p256-wasm.md, "Worker pool").
 */
export const DEFAULT_MIN_PARALLEL_BATCH = 256
/** Default `minGain`: the workers must verify large batches at least 10% faster than one thread. */
export const DEFAULT_MIN_GAIN = 1.1
/** Default `probeEvery`: one large batch in 8 re-measures the path not taken. */
export const DEFAULT_PROBE_EVERY = 8

export interface PoolVerifierOptions extends WasmVerifierOptions {
  /** Worker threads (0 = always in-thread). Adapters default to the core count, at most 4, or 0 on one core. */
  workers?: number
  /**
   * Batches with fewer requests are verified in-thread, larger ones are split over the workers.
   * Default `DEFAULT_MIN_PARALLEL_BATCH`; `Infinity` never uses the workers.
   */
  minParallelBatch?: number
  /**
   * Speed-up over in-thread verification, measured on this pool's own large batches, that the
   * workers must show to keep being used (docs/p256-wasm.md, "Worker pool"). Default
   * `DEFAULT_MIN_GAIN`; 0 always uses the workers for large batches.
   */
  minGain?: number
  /** One large batch in `probeEvery` runs on the path not preferred, to re-measure it. Default 8. */
  probeEvery?: number
  /** Clock for the gate's timings, in ms (tests inject one). Default `performance.now`. */
  now?: () => number
  /**
   * Verifies small batches, and shares whose worker failed. Default: the shared WASM verifier
   * (`defaultVerifier`) when no WASM tuning option is given, else a WasmVerifier with them.
   */
  inThread?: Verifier
}

interface Slot {
  readonly worker: PoolWorker
  readonly pending: Map<number, (verdicts: Uint8Array | null) => void>
  alive: boolean
}

const WASM_TUNING = ['keyTableSlots', 'tableAfterUses', 'rememberedKeys', 'batchCapacity', 'lockstepMin'] as const

function wasmOptions (options: PoolVerifierOptions): WasmVerifierOptions {
  const out: WasmVerifierOptions = { lowS: options.lowS ?? true }
  for (const name of WASM_TUNING) if (options[name] !== undefined) (out as Record<string, unknown>)[name] = options[name]
  return out
}

function inThreadVerifier (options: PoolVerifierOptions): Verifier {
  const wasm = wasmOptions(options)
  if (Object.keys(wasm).length === 1) return defaultVerifier({ lowS: wasm.lowS })
  try {
    return createWasmVerifier(wasm)
  } catch (error) {
    // Bad options are the caller's to fix (and would fail in every worker too); only a
    // missing WebAssembly falls back to WebCrypto or noble.
    if (error instanceof CryptoError && error.code === 'CRYPTO_UNAVAILABLE') return defaultVerifier({ lowS: wasm.lowS })
    throw error
  }
}

export class PoolVerifier implements Verifier {
  readonly name = 'wasm-pool'
  readonly workers: number
  readonly minParallelBatch: number
  readonly #spawn: WorkerSpawner
  readonly #wasmOptions: WasmVerifierOptions
  readonly #inThread: Verifier
  readonly #affinity = new KeyAffinity()
  readonly #gate: ParallelGate
  readonly #now: () => number
  readonly #slots: Array<Slot | undefined>
  #nextJob = 0
  #closed = false
  #failures: string[] = []

  constructor (spawn: WorkerSpawner, options: PoolVerifierOptions = {}) {
    const workers = options.workers ?? 2
    if (!Number.isInteger(workers) || workers < 0 || workers > 64) {
      throw new CryptoError('CRYPTO_UNSUPPORTED', `workers: must be an integer in [0, 64], got ${String(workers)}`)
    }
    const min = options.minParallelBatch ?? DEFAULT_MIN_PARALLEL_BATCH
    if (typeof min !== 'number' || Number.isNaN(min) || min < 1) {
      throw new CryptoError('CRYPTO_UNSUPPORTED', `minParallelBatch: must be a number ≥ 1, got ${String(min)}`)
    }
    const minGain = options.minGain ?? DEFAULT_MIN_GAIN
    if (typeof minGain !== 'number' || !Number.isFinite(minGain) || minGain < 0) {
      throw new CryptoError('CRYPTO_UNSUPPORTED', `minGain: must be a finite number ≥ 0, got ${String(minGain)}`)
    }
    const probeEvery = options.probeEvery ?? DEFAULT_PROBE_EVERY
    if (!Number.isInteger(probeEvery) || probeEvery < 2) {
      throw new CryptoError('CRYPTO_UNSUPPORTED', `probeEvery: must be an integer ≥ 2, got ${String(probeEvery)}`)
    }
    if (typeof spawn !== 'function') throw new CryptoError('CRYPTO_UNSUPPORTED', 'spawn: expected a function')
    this.workers = workers
    this.minParallelBatch = min
    this.#spawn = spawn
    this.#wasmOptions = wasmOptions(options)
    this.#inThread = options.inThread ?? inThreadVerifier(options)
    this.#slots = new Array<Slot | undefined>(workers).fill(undefined)
    this.#gate = new ParallelGate({ minGain, probeEvery })
    this.#now = options.now ?? (() => performance.now())
  }

  /** The measured µs per signature on each path and the path large batches take now. */
  get parallelism (): ParallelGateState { return this.#gate.state }

  /** Workers spawned and not failed. Workers start lazily, with the first large batch (or `start()`). */
  get liveWorkers (): number { return this.#slots.filter((s) => s?.alive === true).length }

  /** Why workers were retired, oldest first (shown in the app; used by tests). */
  get workerFailures (): readonly string[] { return this.#failures }

  /** Spawns the workers now, so the first large batch does not pay their start-up (~10–50 ms). */
  start (): void {
    for (let w = 0; w < this.workers; w++) this.#slot(w)
  }

  /** Terminates the workers; later batches are verified in-thread. Idempotent. */
  close (): void {
    this.#closed = true
    for (const slot of this.#slots) if (slot !== undefined) this.#retire(slot, 'pool closed', false)
  }

  async verify (request: VerifyRequest): Promise<boolean> {
    return this.#inThread.verify(request)
  }

  async verifyBatch (requests: readonly VerifyRequest[]): Promise<boolean[]> {
    if (!Array.isArray(requests)) throw new CryptoError('CRYPTO_UNSUPPORTED', 'requests: expected an array')
    if (requests.length < this.minParallelBatch || this.#closed || this.workers === 0) {
      return this.#inThread.verifyBatch(requests)
    }
    const live: number[] = []
    for (let w = 0; w < this.workers; w++) if (this.#slot(w)?.alive === true) live.push(w)
    if (live.length === 0) return this.#inThread.verifyBatch(requests)
    const path = this.#gate.choose()
    const started = this.#now()
    if (path === 'thread') {
      const verdicts = await this.#inThread.verifyBatch(requests)
      this.#gate.record('thread', requests.length, this.#now() - started)
      return verdicts
    }
    const failuresBefore = this.#failures.length
    const verdicts = await this.#onWorkers(requests, live)
    // A batch that met a failing worker says nothing about the workers' speed.
    if (this.#failures.length === failuresBefore) this.#gate.record('workers', requests.length, this.#now() - started)
    return verdicts
  }

  async #onWorkers (requests: readonly VerifyRequest[], live: readonly number[]): Promise<boolean[]> {
    const verdicts = new Array<boolean>(requests.length).fill(false) // malformed stay false
    const indices: number[] = []
    const hashes = new Array<number>(requests.length)
    for (let i = 0; i < requests.length; i++) {
      const request: unknown = requests[i]
      if (!wellFormed(request)) continue
      indices.push(i)
      hashes[i] = keyHash(request.publicKey)
    }
    const shares = this.#affinity.partition(indices, hashes, live)
    await Promise.all(shares.map(async (share, s) => {
      if (share.length === 0) return
      let out = await this.#run(live[s] as number, requests, share)
      if (out === null || out.length !== share.length) {
        const again = await this.#inThread.verifyBatch(share.map((i) => requests[i] as VerifyRequest))
        out = Uint8Array.from(again, (v) => v ? 1 : 0)
      }
      for (let k = 0; k < share.length; k++) verdicts[share[k] as number] = out[k] === 1
    }))
    return verdicts
  }

  // The share's verdicts from worker w, or null when the worker failed (verify in-thread).
  #run (w: number, requests: readonly VerifyRequest[], share: readonly number[]): Promise<Uint8Array | null> {
    const slot = this.#slots[w]
    if (slot === undefined || !slot.alive) return Promise.resolve(null)
    const packed = packRequests(requests, share)
    const id = this.#nextJob++
    return new Promise((resolve) => {
      slot.pending.set(id, resolve)
      slot.worker.setBusy?.(true)
      try {
        slot.worker.post({ type: 'verify', id, packed }, [packed])
      } catch (error) {
        this.#retire(slot, `post failed: ${error instanceof Error ? error.message : String(error)}`, true)
      }
    })
  }

  // Worker w, spawned on first use; undefined when it cannot be spawned.
  #slot (w: number): Slot | undefined {
    const existing = this.#slots[w]
    if (existing !== undefined || this.#closed) return existing
    let worker: PoolWorker
    try {
      worker = this.#spawn(w)
    } catch (error) {
      this.#failures.push(`worker ${w}: cannot spawn: ${error instanceof Error ? error.message : String(error)}`)
      const dead: Slot = { worker: { post () {}, listen () {}, terminate () {} }, pending: new Map(), alive: false }
      this.#slots[w] = dead
      return dead
    }
    const slot: Slot = { worker, pending: new Map(), alive: true }
    this.#slots[w] = slot
    worker.listen(
      (message) => { if (isFromWorker(message)) this.#answer(slot, message) },
      (reason) => { this.#retire(slot, `worker ${w}: ${reason}`, true) }
    )
    worker.setBusy?.(false)
    worker.post({ type: 'init', options: this.#wasmOptions }, [])
    return slot
  }

  #answer (slot: Slot, message: FromWorker): void {
    if (message.type === 'failed' && message.id === -1) {
      this.#retire(slot, `worker could not start: ${message.reason}`, true)
      return
    }
    const resolve = slot.pending.get(message.id)
    if (resolve === undefined) return
    slot.pending.delete(message.id)
    if (slot.pending.size === 0) slot.worker.setBusy?.(false)
    resolve(message.type === 'verdicts' ? message.verdicts : null)
  }

  // Stops using a worker; its pending jobs are verified in-thread by their callers.
  #retire (slot: Slot, reason: string, failure: boolean): void {
    if (!slot.alive) return
    slot.alive = false
    if (failure) this.#failures.push(reason)
    for (const resolve of slot.pending.values()) resolve(null)
    slot.pending.clear()
    try {
      slot.worker.terminate()
    } catch {
      // already gone
    }
  }
}
