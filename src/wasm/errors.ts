import { WeftError } from '../shared/errors.js'

/**
 * Failures to turn embedded WASM bytes into a running instance. Callers that have a
 * JavaScript fallback catch these and fall back; nothing else should see them.
 *
 * - `WASM_UNAVAILABLE`: no `WebAssembly` global (e.g. a locked-down page or an old runtime).
 * - `WASM_BAD_ENCODING`: the embedded base64 does not decode.
 * - `WASM_COMPILE_FAILED`: the runtime rejected the module (missing feature, or Chromium's
 *   size limit on synchronous compilation on the main thread).
 * - `WASM_INSTANTIATE_FAILED`: the module compiled but could not be instantiated.
 * - `WASM_BAD_EXPORTS`: the instance lacks an export its wrapper needs.
 */
export class WasmError extends WeftError {
  static override readonly name: string = 'WasmError'
}
