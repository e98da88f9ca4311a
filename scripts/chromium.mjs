// Finds and launches the system Chromium for e2e tests, browser unit tests and browser benchmarks.
// We never download a browser: Debian's `chromium` package (or CHROME_PATH) is the one we drive
// with playwright-core, so the same binary runs on a laptop, in CI and on this machine.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium'

/**
 * Flags that matter on this kind of machine (see docs in README "Testing"):
 * - `--no-sandbox`: CI and this machine run as root, where Chromium refuses its sandbox.
 * - `--disable-gpu`: headless servers have no GPU; avoids probing and log noise.
 * - `--disable-quic`, `--disable-background-networking`, `--disable-component-update`, `--disable-sync`,
 *   `--no-first-run`: keep the browser from talking to anything but our local server.
 * - `--disable-features=WebRtcHideLocalIpsWithMdns`: ICE uses the machine's own interface address
 *   instead of mDNS names, whose multicast queries would leave the machine.
 */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=WebRtcHideLocalIpsWithMdns'
])

const INSTALL_HINT =
  'Install Chromium (Debian/Ubuntu: `sudo apt-get install -y chromium`) or set CHROME_PATH to a Chromium or Chrome binary.'

function isRootOnDebian () {
  return typeof process.getuid === 'function' && process.getuid() === 0 && existsSync('/etc/debian_version')
}

/**
 * Returns the Chromium executable to drive: CHROME_PATH if set, else /usr/bin/chromium. When that is
 * missing and we run as root on Debian (CI, this machine), installs Debian's package with apt;
 * otherwise throws with a message saying how to install it.
 * @param {{ install?: boolean, log?: (line: string) => void }} [options]
 * @returns {string}
 */
export function findChromium (options = {}) {
  const install = options.install ?? true
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`))
  const fromEnv = process.env.CHROME_PATH
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!existsSync(fromEnv)) throw new Error(`CHROME_PATH=${fromEnv} does not exist. ${INSTALL_HINT}`)
    return fromEnv
  }
  if (existsSync(DEFAULT_CHROMIUM_PATH)) return DEFAULT_CHROMIUM_PATH
  if (install && isRootOnDebian()) {
    log('chromium: not found; installing Debian\'s chromium package with apt-get (root on Debian)…')
    const result = spawnSync('sh', ['-c', 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium'], {
      stdio: ['ignore', 'inherit', 'inherit']
    })
    if (result.status === 0 && existsSync(DEFAULT_CHROMIUM_PATH)) return DEFAULT_CHROMIUM_PATH
    throw new Error(`apt-get install chromium failed (exit ${String(result.status)}). ${INSTALL_HINT}`)
  }
  throw new Error(`Chromium not found at ${DEFAULT_CHROMIUM_PATH}. ${INSTALL_HINT}`)
}

/** The browser's version string, e.g. "Chromium 156.0.8078.108 built on Debian …", or 'unknown'. */
export function chromiumVersion (executablePath = findChromium()) {
  try {
    return execFileSync(executablePath, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')[0].trim()
  } catch {
    return 'unknown'
  }
}

/**
 * Launches headless Chromium through playwright-core. Each call is a separate browser process;
 * use a fresh `browser.newContext()` per test so every test gets its own storage (one peer each).
 * @param {{ executablePath?: string, args?: string[], headless?: boolean }} [options]
 * @returns {Promise<import('playwright-core').Browser>}
 */
export async function launchChromium (options = {}) {
  const { chromium } = await import('playwright-core')
  return chromium.launch({
    executablePath: options.executablePath ?? findChromium(),
    headless: options.headless ?? true,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])]
  })
}

/**
 * Launches a persistent context in a new temporary user-data-dir (for tests that need a real
 * profile, e.g. storage that survives a relaunch). `close()` closes it and removes the directory.
 * @param {{ executablePath?: string, args?: string[], userDataDir?: string }} [options]
 */
export async function launchPersistentChromium (options = {}) {
  const { chromium } = await import('playwright-core')
  const ownsDir = options.userDataDir === undefined
  const userDataDir = options.userDataDir ?? await mkdtemp(join(tmpdir(), 'weft-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: options.executablePath ?? findChromium(),
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])]
  })
  return {
    context,
    userDataDir,
    async close () {
      await context.close()
      if (ownsDir) await rm(userDataDir, { recursive: true, force: true })
    }
  }
}

// `node scripts/chromium.mjs` prints the path and version (and installs it when allowed).
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const path = findChromium()
    process.stdout.write(`${path}\n${chromiumVersion(path)}\n`)
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  }
}
