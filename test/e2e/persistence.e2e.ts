// A peer's storage must survive closing the browser. This proves the persistent-profile launcher
// that ledger persistence tests build on: write through IndexedDB on the app's origin, quit
// Chromium, relaunch on the same user-data-dir, and read the record back.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { launchPersistentChromium } from '../../scripts/chromium.mjs'

async function putRecord (value: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const open = indexedDB.open('weft-e2e-persistence', 1)
    open.onupgradeneeded = () => open.result.createObjectStore('kv')
    open.onerror = () => reject(open.error ?? new Error('open failed'))
    open.onsuccess = () => {
      const tx = open.result.transaction('kv', 'readwrite')
      tx.objectStore('kv').put(value, 'record')
      tx.oncomplete = () => { open.result.close(); resolve() }
      tx.onerror = () => reject(tx.error ?? new Error('put failed'))
    }
  })
}

async function getRecord (): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('weft-e2e-persistence', 1)
    open.onupgradeneeded = () => open.result.createObjectStore('kv')
    open.onerror = () => reject(open.error ?? new Error('open failed'))
    open.onsuccess = () => {
      const get = open.result.transaction('kv').objectStore('kv').get('record')
      get.onsuccess = () => { open.result.close(); resolve(get.result) }
      get.onerror = () => reject(get.error ?? new Error('get failed'))
    }
  })
}

describe('persistent browser profile', () => {
  it('keeps IndexedDB records across a browser relaunch', async () => {
    const baseUrl = inject('baseUrl')
    const executablePath = inject('chromiumPath')
    const userDataDir = await mkdtemp(join(tmpdir(), 'weft-e2e-profile-'))
    const value = `block-${Date.now()}` // unique per run, so only this run's write can match
    try {
      const first = await launchPersistentChromium({ executablePath, userDataDir })
      const page = await first.context.newPage()
      await page.goto(baseUrl)
      await page.evaluate(putRecord, value)
      await first.close()

      const second = await launchPersistentChromium({ executablePath, userDataDir })
      const again = await second.context.newPage()
      await again.goto(baseUrl)
      expect(await again.evaluate(getRecord)).toBe(value)
      await second.close()
    } finally {
      await rm(userDataDir, { recursive: true, force: true })
    }
  })
})
