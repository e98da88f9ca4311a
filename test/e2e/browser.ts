// Helpers for e2e files: one headless Chromium per file, a fresh context (own storage) per test,
// and a page that records console errors and uncaught exceptions so tests can assert there were none.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { inject } from 'vitest'
import { launchChromium } from '../../scripts/chromium.mjs'

export const SCREENSHOT_DIR = join(process.cwd(), 'test-results')

export async function openBrowser (): Promise<Browser> {
  return launchChromium({ executablePath: inject('chromiumPath') })
}

export interface WatchedPage {
  context: BrowserContext
  page: Page
  /** Console errors, uncaught page exceptions and failed HTTP requests seen so far. */
  errors: string[]
}

export async function openPage (
  browser: Browser,
  path = '',
  viewport: { width: number, height: number } = { width: 1280, height: 800 }
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('console', (message) => { if (message.type() === 'error') errors.push(`console: ${message.text()}`) })
  page.on('pageerror', (error) => { errors.push(`pageerror: ${error.message}`) })
  page.on('response', (response) => { if (response.status() >= 400) errors.push(`http ${response.status()}: ${response.url()}`) })
  page.on('requestfailed', (request) => { errors.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`) })
  await page.goto(new URL(path, inject('baseUrl')).href)
  return { context, page, errors }
}

export async function screenshot (page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true })
  const file = join(SCREENSHOT_DIR, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  return file
}
