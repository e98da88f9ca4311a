// Workshop participants open the host's LAN address over plain http: not a secure context, so no
// WebCrypto and no storage estimate. The peer must still start, say so plainly, and fall back to
// engines that work there. A hostname that is not localhost, mapped to 127.0.0.1 inside Chromium,
// gives exactly that situation without leaving this machine.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchChromium } from '../../scripts/chromium.mjs'
import { screenshot } from './browser.js'

describe('app on a non-secure origin (LAN http)', () => {
  let browser: Browser
  beforeAll(async () => {
    browser = await launchChromium({
      executablePath: inject('chromiumPath'),
      args: ['--host-resolver-rules=MAP weft-lan.test 127.0.0.1']
    })
  })
  afterAll(async () => { await browser.close() })

  it('starts, reports the missing secure context, and still hashes and verifies correctly', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    try {
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (error) => { errors.push(error.message) })
      page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()) })
      const url = new URL(inject('baseUrl'))
      url.hostname = 'weft-lan.test'
      await page.goto(url.href)
      expect(await page.evaluate(() => globalThis.isSecureContext)).toBe(false)
      await page.evaluate(async () => { await window.weft?.ready })

      const fact = (id: string) => page.getByTestId(`fact-${id}`)
      expect(await fact('secure-context').getAttribute('data-value')).toBe('no')
      expect(await fact('secure-context').getAttribute('data-status')).toBe('warn')
      expect(await fact('sha256-selftest').getAttribute('data-value')).toBe('pass')
      expect(await fact('sha256-selftest').textContent()).toContain('WebCrypto cross-check skipped')
      expect(await fact('verifier').getAttribute('data-status')).toBe('ok')
      expect(await fact('verifier').getAttribute('data-value')).not.toBe('webcrypto')
      expect(await fact('storage').getAttribute('data-status')).toBe('warn')
      expect(await page.evaluate(() => window.weft?.sha256Hex('abc')))
        .toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
      expect(errors).toEqual([])
      await screenshot(page, 'app-insecure-context')
    } finally {
      await context.close()
    }
  })
})
