// Finding the system Chromium: CHROME_PATH wins, and a wrong one fails with a message saying how to fix it.
import { afterEach, describe, expect, it } from 'vitest'
import { CHROMIUM_ARGS, findChromium } from '../../scripts/chromium.mjs'

describe('findChromium', () => {
  const saved = process.env.CHROME_PATH
  afterEach(() => {
    if (saved === undefined) delete process.env.CHROME_PATH
    else process.env.CHROME_PATH = saved
  })

  it('returns CHROME_PATH when it exists', () => {
    process.env.CHROME_PATH = process.execPath // any existing file will do; it is not launched
    expect(findChromium({ install: false })).toBe(process.execPath)
  })

  it('fails with install instructions when CHROME_PATH does not exist', () => {
    process.env.CHROME_PATH = '/nonexistent/chromium'
    expect(() => findChromium({ install: false })).toThrow(/CHROME_PATH=\/nonexistent\/chromium does not exist.*apt-get install -y chromium.*CHROME_PATH/)
  })

  it('launches with the flags that keep tests local and work as root', () => {
    expect(CHROMIUM_ARGS).toContain('--no-sandbox')
    expect(CHROMIUM_ARGS).toContain('--disable-features=WebRtcHideLocalIpsWithMdns')
    expect(Object.isFrozen(CHROMIUM_ARGS)).toBe(true)
  })
})
