/**
 * One instance of the AssemblyScript P-256 module (`asm/p256/`), with typed exports and views
 * over its fixed buffers. The module allocates everything in `init()` and never grows its
 * memory afterwards, so the views made here stay valid (checked anyway before each use).
 * @module
 */
import { wasmBase64 } from '../../wasm/generated/p256.js'
import { exportedFunction, exportedMemory, instantiateSync, wasmSupported } from '../../wasm/load.js'
import { CryptoError } from '../errors.js'

/** The exports of asm/p256/index.ts (that file documents each). */
interface P256Exports {
  init(slots: number, batch: number): void
  digests(): number
  signatures(): number
  slots(): number
  rawKeys(): number
  verdicts(): number
  keyInput(): number
  testBuffer(): number
  batchCapacity(): number
  loadKey(slot: number): number
  verifyBatch(count: number, lowS: number): void
  testOp(op: number): void
  exceptionalCount(): number
  setLockstepMin(records: number): void
}

const EXPORT_NAMES = [
  'init', 'digests', 'signatures', 'slots', 'rawKeys', 'verdicts', 'keyInput', 'testBuffer',
  'batchCapacity', 'loadKey', 'verifyBatch', 'testOp', 'exceptionalCount', 'setLockstepMin'
] as const

/** Slot marker: the record has no usable key and verifies false (asm/p256/verify.ts). */
export const NO_KEY = 0xffffffff
/** Slot marker: no table; the key's x ‖ y is in the record's rawKeys entry. */
export const RAW_KEY = 0xfffffffe

/** Operation codes of the `testOp` hook (asm/p256/index.ts). */
export const TestOp = Object.freeze({
  fieldAdd: 0, fieldSub: 1, fieldMul: 2, fieldSqr: 3, fieldInv: 4,
  scalarMul: 10, scalarInv: 11, scalarReduce: 12
})

export interface P256WasmLayout {
  /** Comb tables for public keys held at once (each 264 KiB). */
  readonly keySlots: number
  /** Records per `verifyBatch` call. */
  readonly batchCapacity: number
}

function isLittleEndian (): boolean {
  return new Uint8Array(Uint32Array.of(1).buffer)[0] === 1
}

/** Typed access to one instance. Not thread-safe; one owner (a verifier) per instance. */
export class P256WasmContext implements P256WasmLayout {
  readonly keySlots: number
  readonly batchCapacity: number
  readonly #fns: P256Exports
  readonly #memory: WebAssembly.Memory
  #buffer: ArrayBuffer | undefined
  #bytes = new Uint8Array(0)
  #slots = new Uint32Array(0)

  constructor (layout: P256WasmLayout) {
    if (!wasmSupported()) throw new CryptoError('CRYPTO_UNAVAILABLE', 'p256-wasm: WebAssembly is not available here')
    if (!isLittleEndian()) throw new CryptoError('CRYPTO_UNAVAILABLE', 'p256-wasm: big-endian hosts are not supported')
    let instance: WebAssembly.Instance
    try {
      instance = instantiateSync(wasmBase64, {
        env: {
          abort: () => { throw new CryptoError('CRYPTO_UNAVAILABLE', 'p256-wasm: module aborted') }
        }
      })
    } catch (cause) {
      throw new CryptoError('CRYPTO_UNAVAILABLE', `p256-wasm: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    }
    this.#fns = Object.fromEntries(EXPORT_NAMES.map((name) => [name, exportedFunction(instance, name)])) as unknown as P256Exports
    this.#memory = exportedMemory(instance)
    this.keySlots = layout.keySlots
    this.batchCapacity = layout.batchCapacity
    this.#fns.init(layout.keySlots, layout.batchCapacity) // builds G's table (~5 ms)
  }

  /** Whole-memory byte view (refreshed if the memory ever grew). */
  get bytes (): Uint8Array {
    this.#refresh()
    return this.#bytes
  }

  /** Per-record key slot view (length batchCapacity). */
  get slotView (): Uint32Array {
    this.#refresh()
    return this.#slots
  }

  get digestsPtr (): number { return this.#fns.digests() }
  get signaturesPtr (): number { return this.#fns.signatures() }
  get rawKeysPtr (): number { return this.#fns.rawKeys() }
  get verdictsPtr (): number { return this.#fns.verdicts() }

  /** Builds slot's comb table for the 64-byte x ‖ y (big-endian); false if not on the curve. */
  loadKey (slot: number, xy: Uint8Array): boolean {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.keySlots) return false
    if (xy.length !== 64) return false
    this.bytes.set(xy, this.#fns.keyInput())
    return this.#fns.loadKey(slot) === 1
  }

  /** Verifies the first `count` records already written into the buffers. */
  verifyBatch (count: number, lowS: boolean): void {
    if (!Number.isInteger(count) || count < 0 || count > this.batchCapacity) {
      throw new CryptoError('CRYPTO_UNSUPPORTED', `count: must be an integer in [0, ${this.batchCapacity}], got ${count}`)
    }
    this.#fns.verifyBatch(count, lowS ? 1 : 0)
  }

  /**
   * Table-driven records from which a batch uses the batched affine pass (default 64);
   * `Infinity` keeps every record on the Jacobian path.
   */
  setLockstepMin (records: number): void {
    this.#fns.setLockstepMin(Number.isFinite(records) ? Math.max(0, Math.min(0x7fffffff, Math.floor(records))) : 0x7fffffff)
  }

  /** Additions in the batched affine pass that hit x1 = x2 and were redone in Jacobian form. */
  get exceptionalAdditions (): number { return this.#fns.exceptionalCount() }

  /** Test hook: `op` on two 32-byte big-endian operands; returns the 32-byte result. */
  testOp (op: number, a: Uint8Array, b: Uint8Array): Uint8Array {
    const at = this.#fns.testBuffer()
    const mem = this.bytes
    mem.set(a, at)
    mem.set(b, at + 32)
    this.#fns.testOp(op)
    return mem.slice(at + 64, at + 96)
  }

  #refresh (): void {
    const buffer = this.#memory.buffer
    if (buffer === this.#buffer) return
    this.#buffer = buffer
    this.#bytes = new Uint8Array(buffer)
    this.#slots = new Uint32Array(buffer, this.#fns.slots(), this.batchCapacity)
  }
}
