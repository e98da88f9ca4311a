import { getSubtle } from './subtle.js'
import type { Verifier, VerifierOptions } from './verifier.js'
import { NobleVerifier, type NobleVerifierOptions } from './verifier-noble.js'
import { WebCryptoVerifier, type WebCryptoVerifierOptions } from './verifier-webcrypto.js'
import { createWasmVerifier, wasmVerifierAvailable, type WasmVerifier } from './p256-wasm/wasm-verifier.js'

export type VerifierBackend = 'wasm' | 'webcrypto' | 'noble'

export interface DefaultVerifierOptions extends VerifierOptions, WebCryptoVerifierOptions, NobleVerifierOptions {
  /** Force a backend instead of the fastest available one. */
  backend?: VerifierBackend
}

/**
 * The WASM verifier is the default wherever WebAssembly runs: batched, it measured 2–3× WebCrypto
 * awaited and 20–30× noble in Chromium, and faster than both in Node (BENCHMARKS.md,
 * docs/p256-wasm.md), so no per-platform start-up race is needed yet. Its comb tables for
 * recurring keys are the point of it, so one instance per low-S setting is shared process-wide.
 */
const sharedWasm = new Map<boolean, WasmVerifier>()

function sharedWasmVerifier (lowS: boolean): WasmVerifier | undefined {
  let verifier = sharedWasm.get(lowS)
  if (verifier === undefined) {
    try {
      verifier = createWasmVerifier({ lowS })
    } catch {
      return undefined // a compile limit or a missing feature: fall back below
    }
    sharedWasm.set(lowS, verifier)
  }
  return verifier
}

/** The backend `defaultVerifier()` picks here: WASM, else WebCrypto (secure contexts, Node), else noble. */
export function defaultVerifierBackend (): VerifierBackend {
  if (wasmVerifierAvailable() && sharedWasmVerifier(true) !== undefined) return 'wasm'
  return getSubtle() !== undefined ? 'webcrypto' : 'noble'
}

/** The fastest verifier available here (see `defaultVerifierBackend`), or the one `backend` names. */
export function defaultVerifier (options: DefaultVerifierOptions = {}): Verifier {
  const backend = options.backend ?? defaultVerifierBackend()
  if (backend === 'wasm') {
    const wasm = sharedWasmVerifier(options.lowS ?? true)
    if (wasm !== undefined) return wasm
  }
  if (backend !== 'noble' && getSubtle() !== undefined) return new WebCryptoVerifier(options)
  return new NobleVerifier(options)
}
