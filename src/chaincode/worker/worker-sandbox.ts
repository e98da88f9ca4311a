/**
 * The main-thread half of a sandbox hosted in a Worker: the same `Sandbox` contract as
 * QuickJsSandbox, with the TxSimulator calls answered here. A transaction that does not come
 * back within its time limit plus a grace period gets the Worker terminated (the backstop for a
 * wedged engine); the runtime then starts a new one.
 */
import { ChaincodeError, type ChaincodeErrorCode } from '../errors.js'
import type { WireResponse, WireTxInfo } from '../protocol.js'
import type { HostCallHandler, Sandbox, SandboxFactory, SandboxOptions } from '../sandbox.js'
import type { FromWorker, WorkerFactory, WorkerPort } from './messages.js'

/** Extra time the Worker gets to report its own timeout before it is terminated. */
const GRACE_MS = 2000

interface Flight {
  calls: HostCallHandler
  resolve: (r: WireResponse) => void
  reject: (e: Error) => void
  timer: ReturnType<typeof setTimeout>
}

export class WorkerSandbox implements Sandbox {
  readonly kind: 'contract' | 'shim'
  readonly #port: WorkerPort
  readonly #flights: Map<string, Flight>
  #poisoned: ChaincodeError | undefined

  private constructor (port: WorkerPort, kind: 'contract' | 'shim', flights: Map<string, Flight>) {
    this.#port = port
    this.kind = kind
    this.#flights = flights
  }

  static async create (factory: WorkerFactory, opts: SandboxOptions): Promise<WorkerSandbox> {
    const port = factory()
    const flights = new Map<string, Flight>()
    let self: WorkerSandbox | undefined
    return await new Promise<WorkerSandbox>((resolve, reject) => {
      const startTimer = setTimeout(() => {
        port.terminate()
        reject(new ChaincodeError('CHAINCODE_LOAD_FAILED', 'chaincode worker did not start in time'))
      }, opts.loadTimeoutMs + 10_000)
      port.listen((m: FromWorker) => {
        switch (m.t) {
          case 'started':
            clearTimeout(startTimer)
            self = new WorkerSandbox(port, m.kind, flights)
            resolve(self)
            return
          case 'failed':
            clearTimeout(startTimer)
            port.terminate()
            reject(new ChaincodeError(m.code, m.message))
            return
          case 'log':
            opts.log(m.level, m.message)
            return
          default:
            self?.onMessage(m)
        }
      }, (reason) => {
        clearTimeout(startTimer)
        if (self === undefined) reject(new ChaincodeError('CHAINCODE_LOAD_FAILED', `chaincode worker exited: ${reason}`))
        else self.#fail('CHAINCODE_CRASHED', `chaincode worker exited: ${reason}`)
      })
      port.postMessage({ t: 'start', source: opts.source, format: opts.format, memoryLimitBytes: opts.memoryLimitBytes, maxStackBytes: opts.maxStackBytes, loadTimeoutMs: opts.loadTimeoutMs })
    })
  }

  get poisoned (): ChaincodeError | undefined { return this.#poisoned }

  invoke (info: WireTxInfo, calls: HostCallHandler, timeoutMs: number, signal?: AbortSignal): Promise<WireResponse> {
    if (this.#poisoned !== undefined) return Promise.reject(this.#poisoned)
    if (this.#flights.has(info.txId)) return Promise.reject(new ChaincodeError('CHAINCODE_BAD_INPUT', `transaction ${info.txId} is already executing`))
    return new Promise<WireResponse>((resolve, reject) => {
      const onAbort = (): void => { this.#fail('CHAINCODE_TIMEOUT', 'chaincode execution aborted by the caller') }
      signal?.addEventListener('abort', onAbort, { once: true })
      const done = (): void => { clearTimeout(timer); signal?.removeEventListener('abort', onAbort); this.#flights.delete(info.txId) }
      const timer = setTimeout(() => { this.#fail('CHAINCODE_TIMEOUT', `chaincode execution timed out after ${timeoutMs} ms (worker terminated)`) }, timeoutMs + GRACE_MS)
      this.#flights.set(info.txId, {
        calls,
        timer,
        resolve: (r) => { done(); resolve(r) },
        reject: (e) => { done(); reject(e) }
      })
      this.#port.postMessage({ t: 'invoke', info, timeoutMs })
    })
  }

  onMessage (m: FromWorker): void {
    switch (m.t) {
      case 'hostCall': {
        const flight = this.#flights.get(m.txId)
        if (flight === undefined) return
        flight.calls.handle(m.op, m.args).then(
          (result) => { this.#post(m.txId, m.callId, true, result) },
          (err: unknown) => { this.#post(m.txId, m.callId, false, err instanceof Error ? err.message : String(err)) }
        )
        return
      }
      case 'result':
        this.#flights.get(m.txId)?.resolve(m.response)
        return
      case 'error':
        this.#flights.get(m.txId)?.reject(new ChaincodeError(m.code, m.message))
    }
  }

  #post (txId: string, callId: number, ok: boolean, result: string): void {
    if (this.#poisoned === undefined && this.#flights.has(txId)) this.#port.postMessage({ t: 'hostResult', txId, callId, ok, result })
  }

  #fail (code: ChaincodeErrorCode, message: string): void {
    if (this.#poisoned !== undefined) return
    this.#poisoned = new ChaincodeError(code, message)
    this.#port.terminate()
    for (const f of [...this.#flights.values()]) f.reject(new ChaincodeError(code, message))
  }

  close (): void {
    this.#fail('CHAINCODE_CLOSED', 'chaincode runtime closed')
  }
}

/** A SandboxFactory that hosts each sandbox in a Worker made by `factory`. */
export function workerSandbox (factory: WorkerFactory): SandboxFactory {
  return async (opts) => await WorkerSandbox.create(factory, opts)
}
