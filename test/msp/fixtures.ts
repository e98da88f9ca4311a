import type { Clock } from '../../src/shared/clock.js'
import type { Verifier, VerifyRequest } from '../../src/crypto/verifier.js'
import { isWeftError } from '../../src/shared/errors.js'
import { expect } from 'vitest'

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  t: number
  constructor (t = Date.now()) { this.t = t }
  now (): number { return this.t }
  setTimeout (): unknown { return undefined }
  clearTimeout (): void {}
}

/** Wraps a verifier and counts calls, to observe caching. */
export class CountingVerifier implements Verifier {
  readonly name = 'counting'
  calls = 0
  readonly #inner: Verifier
  constructor (inner: Verifier) { this.#inner = inner }
  async verify (request: VerifyRequest): Promise<boolean> { this.calls++; return await this.#inner.verify(request) }
  async verifyBatch (requests: readonly VerifyRequest[]): Promise<boolean[]> { this.calls += requests.length; return await this.#inner.verifyBatch(requests) }
}

export async function expectCode (promise: Promise<unknown> | (() => unknown), code: string): Promise<void> {
  let caught: unknown
  try {
    await (typeof promise === 'function' ? promise() : promise)
  } catch (err) {
    caught = err
  }
  expect(caught, `expected ${code}`).toBeDefined()
  expect(isWeftError(caught, code), `expected ${code}, got ${String(caught)}`).toBe(true)
}

/** Replace globalThis.crypto with one lacking `subtle` (a plain-http page); returns the restorer. */
export function removeSubtle (): () => void {
  const original = Object.getOwnPropertyDescriptor(globalThis, 'crypto')
  const real = globalThis.crypto
  Object.defineProperty(globalThis, 'crypto', {
    value: { getRandomValues: real.getRandomValues.bind(real) },
    configurable: true,
    writable: true
  })
  return () => { if (original !== undefined) Object.defineProperty(globalThis, 'crypto', original) }
}

// Browser-safe helpers (this file is shared by the Node and Chromium runs): no Buffer, no node:.
export function pemToDer (pem: string): Uint8Array {
  const binary = atob(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''))
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

export function derToPem (der: Uint8Array): string {
  const b64 = btoa(String.fromCharCode(...der)).replace(/(.{64})/g, '$1\n')
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`
}

/** Index of the ASCII string `needle` in `bytes`, or -1. */
export function indexOfAscii (bytes: Uint8Array, needle: string): number {
  const n = Uint8Array.from(needle, (c) => c.charCodeAt(0))
  outer: for (let i = 0; i + n.length <= bytes.length; i++) {
    for (let j = 0; j < n.length; j++) if (bytes[i + j] !== n[j]) continue outer
    return i
  }
  return -1
}
