// Proves the browser unit runner really runs in Chromium: the APIs the ledger relies on exist
// and behave as a browser's, not as Node's or a fake's.
import { describe, expect, it } from 'vitest'

describe('browser test environment', () => {
  it('runs in Chromium with real IndexedDB, WebAssembly and WebCrypto', async () => {
    expect(navigator.userAgent).toMatch(/Chrome\//)
    expect(typeof WebAssembly.instantiate).toBe('function')
    expect(globalThis.isSecureContext).toBe(true)
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('abc')))
    expect(Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''))
      .toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })

  it('stores and reads back a record through real IndexedDB', async () => {
    const name = `weft-env-${crypto.randomUUID()}`
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name, 1)
      request.onupgradeneeded = () => request.result.createObjectStore('kv')
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error ?? new Error('open failed'))
    })
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('kv', 'readwrite')
      tx.objectStore('kv').put(new Uint8Array([1, 2, 3]), 'k')
      tx.oncomplete = () => resolve()
      tx.onerror = () => reject(tx.error ?? new Error('put failed'))
    })
    const value = await new Promise<unknown>((resolve, reject) => {
      const request = db.transaction('kv').objectStore('kv').get('k')
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error ?? new Error('get failed'))
    })
    db.close()
    indexedDB.deleteDatabase(name)
    expect(value).toEqual(new Uint8Array([1, 2, 3]))
  })
})

describe('WASM SHA-256 in Chromium', () => {
  it('uses a WASM backend and agrees with crypto.subtle across padding boundaries', async () => {
    const { sha256, sha256Backend, sha256Batch } = await import('../../src/crypto/sha256.js')
    expect(['wasm-simd', 'wasm']).toContain(sha256Backend())
    const messages = [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 65_537].map((length) => {
      const message = new Uint8Array(length)
      crypto.getRandomValues(message.subarray(0, Math.min(length, 65_536)))
      return message
    })
    const batch = sha256Batch(messages)
    for (const [i, message] of messages.entries()) {
      const reference = new Uint8Array(await crypto.subtle.digest('SHA-256', message))
      expect(sha256(message)).toEqual(reference)
      expect(batch[i]).toEqual(reference)
    }
  })
})
