/**
 * Generic loading of the AssemblyScript modules that `scripts/build-asm.mjs` embeds as
 * base64 (`src/wasm/generated/<name>.ts`). Synchronous on purpose: callers such as
 * `sha256()` are synchronous and compile their module on first use. Environment-agnostic:
 * only `atob` and `WebAssembly`, which Node 20 and browsers both provide.
 * @module
 */
import { WasmError } from './errors.js'

/** True when this runtime has WebAssembly at all. */
export function wasmSupported (): boolean {
  return typeof WebAssembly === 'object' && typeof WebAssembly.Module === 'function' &&
    typeof WebAssembly.Instance === 'function' && typeof WebAssembly.validate === 'function'
}

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)): the smallest module that
// uses the final SIMD opcodes (popcnt was renumbered late), as wasm-feature-detect checks it.
const SIMD_PROBE = /* @__PURE__ */ Uint8Array.of(
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x0a, 0x01, 0x08, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0xfd, 0x62, 0x0b // code section
)

let simdSupportedMemo: boolean | undefined

/** True when the runtime validates fixed-width (128-bit) SIMD. Memoised. */
export function simdSupported (): boolean {
  if (simdSupportedMemo === undefined) {
    simdSupportedMemo = wasmSupported() && WebAssembly.validate(SIMD_PROBE)
  }
  return simdSupportedMemo
}

/** Decodes the base64 an embedded module is stored as. */
export function base64ToBytes (base64: string): Uint8Array<ArrayBuffer> {
  if (typeof base64 !== 'string') throw new WasmError('WASM_BAD_ENCODING', 'base64: expected a string')
  let binary: string
  try {
    binary = atob(base64)
  } catch (cause) {
    throw new WasmError('WASM_BAD_ENCODING', 'base64: not valid base64', { cause })
  }
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/**
 * Compiles and instantiates an embedded module synchronously. Throws a `WasmError`; callers
 * with a fallback catch it. Chromium refuses synchronous compilation of large modules on the
 * main thread (a RangeError), which surfaces here as `WASM_COMPILE_FAILED`.
 */
export function instantiateSync (base64: string, imports: WebAssembly.Imports = {}): WebAssembly.Instance {
  if (!wasmSupported()) throw new WasmError('WASM_UNAVAILABLE', 'WebAssembly is not available in this runtime')
  const bytes = base64ToBytes(base64)
  let module: WebAssembly.Module
  try {
    module = new WebAssembly.Module(bytes)
  } catch (cause) {
    throw new WasmError('WASM_COMPILE_FAILED', `WebAssembly compile failed: ${describe(cause)}`, { cause })
  }
  try {
    return new WebAssembly.Instance(module, imports)
  } catch (cause) {
    throw new WasmError('WASM_INSTANTIATE_FAILED', `WebAssembly instantiate failed: ${describe(cause)}`, { cause })
  }
}

/** Returns the named export as a function, or throws `WASM_BAD_EXPORTS`. */
export function exportedFunction<F extends (...args: never[]) => unknown> (instance: WebAssembly.Instance, name: string): F {
  const value = instance.exports[name]
  if (typeof value !== 'function') throw new WasmError('WASM_BAD_EXPORTS', `missing exported function ${name}`)
  return value as F
}

/** Returns the exported memory, or throws `WASM_BAD_EXPORTS`. */
export function exportedMemory (instance: WebAssembly.Instance, name = 'memory'): WebAssembly.Memory {
  const value = instance.exports[name]
  if (!(value instanceof WebAssembly.Memory)) throw new WasmError('WASM_BAD_EXPORTS', `missing exported memory ${name}`)
  return value
}

function describe (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
