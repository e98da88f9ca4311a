/**
 * What the runtime needs from a sandbox engine. QuickJsSandbox runs on the calling thread;
 * WorkerSandbox (src/chaincode/worker) runs the same engine in a Worker / worker_threads and
 * forwards the host calls, so a runaway transaction never blocks the caller's thread.
 */
import type { ChaincodeError } from './errors.js'
import type { WireResponse, WireTxInfo } from './protocol.js'
import type { LogLevel } from './types.js'

export type ChaincodeFormat = 'cjs' | 'esm'

export interface SandboxOptions {
  source: string
  format: ChaincodeFormat
  memoryLimitBytes: number
  maxStackBytes: number
  loadTimeoutMs: number
  log: (level: LogLevel, message: string) => void
  /** Distinct creator identities the guest keeps cached (default 1024). */
  identityCacheSize?: number
}

export interface HostCallHandler {
  handle: (op: string, argsJson: string) => Promise<string>
}

export interface Sandbox {
  readonly kind: 'contract' | 'shim'
  /** Set once the sandbox can no longer be used; the owner starts a new one. */
  readonly poisoned: ChaincodeError | undefined
  invoke: (info: WireTxInfo, calls: HostCallHandler, timeoutMs: number, signal?: AbortSignal) => Promise<WireResponse>
  close: () => void
}

export type SandboxFactory = (options: SandboxOptions) => Promise<Sandbox>
