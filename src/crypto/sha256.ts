/**
 * SHA-256 for the whole peer (block hashes, transaction ids, signatures' digests).
 *
 * Synchronous, backed by the first engine that works here: the 4-lane SIMD WASM build, the
 * scalar WASM build, then @noble/hashes. The engine is chosen on first use, not on import.
 * `sha256Batch` crosses into WASM once per batch, which is where the speed is: hash many
 * messages together whenever you have them (a block's transactions, a batch of signatures).
 * @module
 */
import { createJsSha256Engine } from './sha256-js.js'
import { SHA256_DIGEST_LENGTH } from './sha256-engine.js'
import type { Sha256Backend, Sha256Engine, Sha256Hasher } from './sha256-engine.js'
import { Sha256Error } from './sha256-errors.js'
import { createWasmScalarSha256Engine, createWasmSimdSha256Engine } from './sha256-wasm.js'
import { WasmError } from '../wasm/errors.js'

export type { Sha256Backend, Sha256Engine, Sha256Hasher } from './sha256-engine.js'
export { SHA256_DIGEST_LENGTH }

const FACTORIES: Readonly<Record<Sha256Backend, () => Sha256Engine>> = {
  'wasm-simd': createWasmSimdSha256Engine,
  wasm: createWasmScalarSha256Engine,
  js: createJsSha256Engine
}

/** Fallback order: fastest first. */
const PREFERENCE: readonly Sha256Backend[] = ['wasm-simd', 'wasm', 'js']

/**
 * Creates an engine for one backend, or throws `CRYPTO_SHA256_UNAVAILABLE` if this runtime
 * cannot run it. For tests and benchmarks that compare backends; everything else uses the
 * module functions below.
 */
export function createSha256Engine (backend: Sha256Backend): Sha256Engine {
  const factory = FACTORIES[backend]
  if (factory === undefined) throw new Sha256Error('CRYPTO_SHA256_BAD_INPUT', `backend: unknown SHA-256 backend ${String(backend)}`)
  try {
    return factory()
  } catch (cause) {
    if (cause instanceof WasmError) throw new Sha256Error('CRYPTO_SHA256_UNAVAILABLE', `backend ${backend}: ${cause.message}`, { cause })
    throw cause
  }
}

let engine: Sha256Engine | undefined

function defaultEngine (): Sha256Engine {
  if (engine === undefined) {
    for (const backend of PREFERENCE) {
      try {
        engine = createSha256Engine(backend)
        break
      } catch (err) {
        // Fall through to the next backend; the JS engine cannot fail to construct.
        if (backend === 'js') throw err
      }
    }
  }
  return engine as Sha256Engine
}

/** SHA-256 of `data` (32 bytes). */
export function sha256 (data: Uint8Array): Uint8Array {
  return defaultEngine().digest(data)
}

/** SHA-256 of each message, in order, with one call into WASM per batch. */
export function sha256Batch (messages: readonly Uint8Array[]): Uint8Array[] {
  return defaultEngine().digestBatch(messages)
}

/** Like `sha256Batch` but writes digest i to `out[32·i .. 32·i+32)` and allocates nothing. Returns `out`. */
export function sha256BatchInto (messages: readonly Uint8Array[], out: Uint8Array): Uint8Array {
  defaultEngine().digestBatchInto(messages, out)
  return out
}

/** An incremental hasher: `createSha256().update(a).update(b).digest()`. */
export function createSha256 (): Sha256Hasher {
  return defaultEngine().create()
}

/** The backend in use (shown in the app). Chooses it if nothing has been hashed yet. */
export function sha256Backend (): Sha256Backend {
  return defaultEngine().backend
}
