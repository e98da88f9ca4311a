// Types for scripts/chromium.mjs, so TypeScript tests and the bench runner can import it.
import type { Browser, BrowserContext } from 'playwright-core'

export declare const DEFAULT_CHROMIUM_PATH: string
export declare const CHROMIUM_ARGS: readonly string[]
export declare function findChromium (options?: { install?: boolean, log?: (line: string) => void }): string
export declare function chromiumVersion (executablePath?: string): string
export declare function launchChromium (options?: { executablePath?: string, args?: string[], headless?: boolean }): Promise<Browser>
export declare function launchPersistentChromium (options?: { executablePath?: string, args?: string[], userDataDir?: string }): Promise<{
  context: BrowserContext
  userDataDir: string
  close: () => Promise<void>
}>
