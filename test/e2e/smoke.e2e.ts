// The smoke test a person would do: open the built app, see that the peer's engines loaded and
// give right answers, and look at it (screenshots in test-results/ at desktop and phone sizes).
import { createHash, randomBytes } from 'node:crypto'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openBrowser, openPage, screenshot } from './browser.js'

const nodeSha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex')

describe('app shell smoke', () => {
  let browser: Browser
  beforeAll(async () => { browser = await openBrowser() })
  afterAll(async () => { await browser.close() })

  it('loads the WASM SHA-256 engine, which agrees with node:crypto', async () => {
    const { page, context, errors } = await openPage(browser)
    try {
      await page.waitForFunction(() => window.weft !== undefined)
      await page.evaluate(async () => { await window.weft?.ready })

      const backend = await page.evaluate(() => window.weft?.sha256Backend())
      expect(['wasm', 'wasm-simd']).toContain(backend)
      await expect.poll(() => page.getAttribute('[data-testid="fact-hash-engine"]', 'data-value')).toBe(backend)

      const inputs = ['abc', '', 'Weft ✓ ledger', randomBytes(300).toString('base64'), 'x'.repeat(10_000)]
      for (const input of inputs) {
        const digest = await page.evaluate((text) => window.weft?.sha256Hex(text), input)
        expect(digest).toBe(nodeSha256Hex(input))
      }

      const selfTest = page.getByTestId('fact-sha256-selftest')
      expect(await selfTest.getAttribute('data-status')).toBe('ok')
      expect(await selfTest.getAttribute('data-value')).toBe('pass')
      // Served from 127.0.0.1, the page is a secure context, so the WebCrypto cross-check ran.
      expect(await page.getByTestId('fact-secure-context').getAttribute('data-value')).toBe('yes')
      expect(await selfTest.textContent()).toContain('agree with WebCrypto')
      expect(Number(await page.getByTestId('fact-hash-rate').getAttribute('data-value'))).toBeGreaterThan(1000)
      expect(await page.getByTestId('fact-verifier').getAttribute('data-status')).toBe('ok')
      expect(await page.getByTestId('fact-storage').getAttribute('data-status')).toBe('ok')
      expect(await page.locator('body').getAttribute('data-ready')).toBe('true')
      expect(errors).toEqual([])
      await screenshot(page, 'app-desktop')
    } finally {
      await context.close()
    }
  })

  it('renders every fact without overflow on a phone-sized screen', async () => {
    const { page, context, errors } = await openPage(browser, '', { width: 390, height: 844 })
    try {
      await page.evaluate(async () => { await window.weft?.ready })
      expect(await page.locator('[data-status="pending"]').count()).toBe(0)
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      expect(overflow).toBe(0)
      expect(errors).toEqual([])
      await screenshot(page, 'app-mobile')
    } finally {
      await context.close()
    }
  })
})
