// The ledger survives a real browser kill mid-commit: a page commits blocks to IndexedDB in a loop,
// the Chromium process gets SIGKILL at a random moment (commits and compactions in flight), and
// after relaunching on the same profile the ledger holds exactly a prefix of the chain and goes on.
// And a quota shrunk through CDP makes commits fail with LEDGER_QUOTA_EXCEEDED, then resume.
// The page code is test/ledger/crash-page.ts, bundled here with esbuild (owned by the ledger helper).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { chromium, type Browser } from 'playwright-core'
import { describe, expect, inject, it } from 'vitest'
import { CHROMIUM_ARGS } from '../../scripts/chromium.mjs'
import { startStaticServer } from '../../scripts/serve.mjs'

interface Launched { proc: ChildProcess, browser: Browser }

async function launch (executablePath: string, userDataDir: string): Promise<Launched> {
  const proc = spawn(executablePath, [...CHROMIUM_ARGS, '--headless=new', '--remote-debugging-port=0', `--user-data-dir=${userDataDir}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] })
  const wsUrl = await new Promise<string>((resolve, reject) => {
    let err = ''
    proc.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString()
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err)
      if (m?.[1] !== undefined) resolve(m[1])
    })
    proc.on('exit', (code) => { reject(new Error(`chromium exited (${String(code)}): ${err.slice(-500)}`)) })
  })
  return { proc, browser: await chromium.connectOverCDP(wsUrl) }
}

async function kill (l: Launched): Promise<void> {
  if (l.proc.exitCode !== null || l.proc.signalCode !== null) return
  const exited = new Promise((resolve) => l.proc.once('exit', resolve))
  l.proc.kill('SIGKILL')
  await exited
}

async function sitePage (): Promise<{ dir: string, site: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'weft-ledger-crash-'))
  const site = join(dir, 'site')
  await build({
    entryPoints: [fileURLToPath(new URL('../ledger/crash-page.ts', import.meta.url))],
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: join(site, 'main.js'), logLevel: 'error'
  })
  await writeFile(join(site, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="main.js"></script>')
  return { dir, site }
}

describe('ledger crash safety in real Chromium', () => {
  it('a full disk (quota shrunk through CDP) gives LEDGER_QUOTA_EXCEEDED, the ledger stays readable, commit resumes', async () => {
    const { dir, site } = await sitePage()
    const server = await startStaticServer({ root: site, host: '127.0.0.1', port: 0 })
    const userDataDir = join(dir, 'profile')
    const l = await launch(inject('chromiumPath'), userDataDir)
    try {
      const page = await l.browser.contexts()[0]!.newPage()
      await page.goto(server.url)
      await page.waitForFunction(() => window.ledgerCrash !== undefined)
      const cdp = await page.context().newCDPSession(page)
      const origin = new URL(server.url).origin
      await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 2 * 1024 * 1024 })
      const full = await page.evaluate(async () => await window.ledgerCrash!.fillUntilQuota())
      expect(full.code).toBe('LEDGER_QUOTA_EXCEEDED')
      expect(full.height).toBeGreaterThan(0)
      expect(full.readable).toBe(true)
      await cdp.send('Storage.overrideQuotaForOrigin', { origin })
      expect(await page.evaluate(async () => await window.ledgerCrash!.resume())).toBe(full.height + 1)
    } finally {
      await kill(l)
      await server.close()
      await rm(dir, { recursive: true, force: true })
    }
  }, 120_000)

  it('keeps exactly a prefix of the chain across SIGKILL mid-commit, three times', async () => {
    const executablePath = inject('chromiumPath')
    const { dir, site } = await sitePage()
    const profile = join(dir, 'profile')
    const server = await startStaticServer({ root: site, host: '127.0.0.1', port: 0 })
    let committedTotal = -1
    try {
      for (let round = 0; round < 3; round++) {
        const first = await launch(executablePath, profile)
        const page = await first.browser.contexts()[0]!.newPage()
        await page.goto(server.url)
        await page.waitForFunction(() => window.ledgerCrash !== undefined)
        page.evaluate(async () => { await window.ledgerCrash?.run() }).catch(() => undefined) // dies with the browser
        const target = committedTotal + 2 + round
        await page.waitForFunction((t) => (window.ledgerCrash?.committed ?? -1) >= t, target, { timeout: 30_000 })
        await new Promise((resolve) => setTimeout(resolve, 5 + round * 7)) // land inside a later commit
        const seen = await page.evaluate(() => window.ledgerCrash?.committed ?? -1)
        await kill(first)

        const second = await launch(executablePath, profile)
        const again = await second.browser.contexts()[0]!.newPage()
        await again.goto(server.url)
        await again.waitForFunction(() => window.ledgerCrash !== undefined)
        const result = await again.evaluate(async () => await window.ledgerCrash!.verify())
        expect(result.problems).toEqual([])
        // Every block the page saw committed survived (a commit acknowledged is durable);
        // at most the ones in flight at the kill are missing.
        expect(result.height).toBeGreaterThanOrEqual(seen + 1)
        committedTotal = result.height // verify() committed one more block
        await kill(second)
      }
    } finally {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    }
  }, 180_000)
})
