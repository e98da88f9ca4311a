import { describe, expect, it } from 'vitest'
import { isWeftError } from '../../src/shared/errors.js'
import { base64ToBytes, exportedFunction, exportedMemory, instantiateSync, simdSupported, wasmSupported } from '../../src/wasm/load.js'
import { WasmError } from '../../src/wasm/errors.js'

// (module (memory (export "memory") 1) (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
const ADD_MODULE = Uint8Array.of(
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f,
  0x03, 0x02, 0x01, 0x00,
  0x05, 0x03, 0x01, 0x00, 0x01,
  0x07, 0x10, 0x02, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00,
  0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b
)
const ADD_BASE64 = Buffer.from(ADD_MODULE).toString('base64')

function codeOf (fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    if (err instanceof WasmError && isWeftError(err)) return err.code
    throw err
  }
  return undefined
}

describe('src/wasm/load', () => {
  it('detects WebAssembly and SIMD in Node 20', () => {
    expect(wasmSupported()).toBe(true)
    expect(simdSupported()).toBe(true)
  })

  it('decodes base64 exactly', () => {
    expect([...base64ToBytes(ADD_BASE64)]).toEqual([...ADD_MODULE])
    expect(base64ToBytes('').length).toBe(0)
  })

  it('instantiates synchronously and exposes typed exports', () => {
    const instance = instantiateSync(ADD_BASE64)
    const add = exportedFunction<(a: number, b: number) => number>(instance, 'add')
    expect(add(2, 40)).toBe(42)
    expect(exportedMemory(instance).buffer.byteLength).toBe(65536)
  })

  it('gives typed errors for bad base64, a bad module, bad imports and missing exports', () => {
    expect(codeOf(() => base64ToBytes('not base64!'))).toBe('WASM_BAD_ENCODING')
    expect(codeOf(() => instantiateSync(Buffer.from('not wasm').toString('base64')))).toBe('WASM_COMPILE_FAILED')
    // (module (import "env" "f" (func))): instantiating without the import fails.
    const needsImport = Buffer.from(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 2, 9, 1, 3, 0x65, 0x6e, 0x76, 1, 0x66, 0, 0)).toString('base64')
    expect(codeOf(() => instantiateSync(needsImport))).toBe('WASM_INSTANTIATE_FAILED')
    const instance = instantiateSync(ADD_BASE64)
    expect(codeOf(() => exportedFunction(instance, 'sub'))).toBe('WASM_BAD_EXPORTS')
    expect(codeOf(() => exportedMemory(instance, 'add'))).toBe('WASM_BAD_EXPORTS')
  })
})
