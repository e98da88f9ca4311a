/**
 * One chaincode instance inside QuickJS compiled to WebAssembly (quickjs-emscripten, sync build),
 * on its own wasm module so that a poisoned instance can be dropped whole (SANDBOX.md pitfall 5).
 *
 * Why QuickJS (measured, see docs/chaincode.md): it is the only engine that bounds memory in the
 * browser (a Web Worker has no heap limit: SES in a Worker crashed the Chromium tab), it stops a
 * runaway loop with an interrupt handler and keeps the host alive, and it has no page, network,
 * storage or timer globals to begin with. It runs on the calling thread: a runaway transaction
 * blocks that thread until its deadline (Worker hosting is the next step, see docs).
 *
 * Scheduling: guest code runs only inside `#enter` (a call into the VM or a bounded batch of
 * pending jobs), with the interrupt deadline set to the earliest deadline of the transactions in
 * flight. Host calls are answered asynchronously; each answer re-enters the VM and pumps jobs.
 * An interrupt or out-of-memory poisons the instance: every transaction in flight fails and the
 * owner starts a fresh instance.
 */
import { newQuickJSWASMModuleFromVariant, type QuickJSSyncVariant, type QuickJSContext, type QuickJSHandle, type QuickJSRuntime } from 'quickjs-emscripten-core'
import releaseSyncImport from '@jitl/quickjs-wasmfile-release-sync'
import { guestBundle } from './generated/guest-bundle.js'
import { ChaincodeError, type ChaincodeErrorCode } from './errors.js'
import type { WireResponse, WireTxInfo, WireTxInfoSent } from './protocol.js'
import type { LogLevel } from './types.js'
import type { HostCallHandler, Sandbox, SandboxOptions } from './sandbox.js'

// The package ships CJS (default under `.default`) and ESM (a real default export) builds.
const releaseSyncVariant = ((releaseSyncImport as unknown as { default?: QuickJSSyncVariant }).default ?? releaseSyncImport) as QuickJSSyncVariant

/** Jobs run per batch before the host checks deadlines again (SANDBOX.md pitfall 4). */
const JOB_BATCH = 256
const MAX_LOG_CHARS = 16_384
/** Distinct creators whose identity the guest keeps cached before both sides start over. */
const MAX_CACHED_IDENTITIES = 1024

const CONTRACT_API_EXPORTS = ['Contract', 'Context', 'JSONSerializer', 'Transaction', 'Returns', 'Param', 'Object', 'Property', 'Info', 'Default']
const SHIM_EXPORTS = ['Shim', 'start', 'success', 'error', 'newLogger', 'server', 'ChaincodeStub', 'ClientIdentity', 'Iterators', 'RESPONSE_CODE']

interface Flight {
  txId: string
  deadline: number
  calls: HostCallHandler
  resolve: (r: WireResponse) => void
  reject: (e: Error) => void
}

function now (): number { return performance.now() }

function isOutOfMemory (text: string): boolean { return /out of memory/i.test(text) }

export class QuickJsSandbox implements Sandbox {
  readonly kind: 'contract' | 'shim'
  readonly #runtime: QuickJSRuntime
  readonly #vm: QuickJSContext
  readonly #fns: { invoke: QuickJSHandle, complete: QuickJSHandle }
  readonly #flights = new Map<string, Flight>()
  readonly #log: SandboxOptions['log']
  #interruptAt = Number.POSITIVE_INFINITY
  #interrupted = false
  #pumping = false
  #poisoned: ChaincodeError | undefined
  readonly #sentIdentities = new Set<string>()
  readonly #identityCacheSize: number

  private constructor (runtime: QuickJSRuntime, vm: QuickJSContext, opts: SandboxOptions) {
    this.#runtime = runtime
    this.#vm = vm
    this.#log = opts.log
    this.#identityCacheSize = opts.identityCacheSize ?? MAX_CACHED_IDENTITIES
    runtime.setMemoryLimit(opts.memoryLimitBytes)
    runtime.setMaxStackSize(opts.maxStackBytes)
    runtime.setInterruptHandler(() => {
      if (now() <= this.#interruptAt) return false
      this.#interrupted = true
      return true
    })
    runtime.setModuleLoader((name) => {
      const names = name === 'fabric-contract-api' ? CONTRACT_API_EXPORTS : name === 'fabric-shim' ? SHIM_EXPORTS : undefined
      if (names === undefined) return { error: new Error(`Cannot find module '${name}': chaincode may import only fabric-contract-api and fabric-shim; bundle its other dependencies`) }
      return `const m = globalThis.__weft_require(${JSON.stringify(name)});\nexport const { ${names.join(', ')} } = m;\nexport default m;\n`
    })
    this.#installBridge()
    this.#evalGlobal(guestBundle, 'weft-guest.js')
    const weft = vm.getProp(vm.global, '__weft')
    this.#fns = { invoke: vm.getProp(weft, 'invoke'), complete: vm.getProp(weft, 'complete') }
    const loadCjs = vm.getProp(weft, 'loadCjs')
    const loadEsm = vm.getProp(weft, 'loadEsm')
    const start = vm.getProp(weft, 'start')
    weft.dispose()
    this.#evalGlobal('delete globalThis.__weft', 'weft-init.js')
    try {
      this.#interruptAt = now() + opts.loadTimeoutMs
      if (opts.format === 'cjs') {
        const factory = this.#evalGlobal(`(function (exports, require, module, __filename, __dirname) {${opts.source}\n})`, 'chaincode.js', true)
        this.#call(loadCjs, [factory])
        factory.dispose()
      } else {
        const ns = this.#evalModule(opts.source)
        this.#call(loadEsm, [ns])
        ns.dispose()
      }
      const kind = this.#call(start, [])
      this.kind = vm.getString(kind) as 'contract' | 'shim'
      kind.dispose()
    } finally {
      this.#interruptAt = Number.POSITIVE_INFINITY
      loadCjs.dispose(); loadEsm.dispose(); start.dispose()
    }
  }

  /** Loads the guest runtime and the chaincode into a fresh QuickJS instance. */
  static async create (opts: SandboxOptions): Promise<QuickJsSandbox> {
    const module = await newQuickJSWASMModuleFromVariant(releaseSyncVariant)
    const runtime = module.newRuntime()
    const vm = runtime.newContext()
    try {
      return new QuickJsSandbox(runtime, vm, opts)
    } catch (err) {
      if (err instanceof ChaincodeError) throw err
      throw new ChaincodeError('CHAINCODE_LOAD_FAILED', `chaincode failed to load: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
    }
  }

  get poisoned (): ChaincodeError | undefined { return this.#poisoned }
  get inFlight (): number { return this.#flights.size }

  /** Runs one transaction; resolves with the chaincode's response, rejects with a ChaincodeError when the sandbox failed. */
  invoke (info: WireTxInfo, calls: HostCallHandler, timeoutMs: number, signal?: AbortSignal): Promise<WireResponse> {
    if (this.#poisoned !== undefined) return Promise.reject(this.#poisoned)
    if (this.#flights.has(info.txId)) return Promise.reject(new ChaincodeError('CHAINCODE_BAD_INPUT', `transaction ${info.txId} is already executing`))
    return new Promise<WireResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.#flights.has(info.txId)) this.#poison('CHAINCODE_TIMEOUT', `chaincode execution timed out after ${timeoutMs} ms`)
      }, timeoutMs + 50)
      const onAbort = (): void => {
        if (this.#flights.has(info.txId)) this.#poison('CHAINCODE_TIMEOUT', 'chaincode execution aborted by the caller')
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      const cleanup = (): void => { clearTimeout(timer); signal?.removeEventListener('abort', onAbort) }
      this.#flights.set(info.txId, {
        txId: info.txId,
        deadline: now() + timeoutMs,
        calls,
        resolve: (r) => { cleanup(); resolve(r) },
        reject: (e) => { cleanup(); reject(e) }
      })
      const arg = this.#vm.newString(JSON.stringify(this.#slim(info)))
      const r = this.#guarded(() => this.#vm.callFunction(this.#fns.invoke, this.#vm.undefined, arg))
      if (this.#poisoned !== undefined) return
      arg.dispose()
      if (r === undefined) return
      if (r.error !== undefined) this.#fail(r.error)
      else r.value.dispose()
      this.#pump()
    })
  }

  /** Sends a creator's identity only the first time this instance sees it. */
  #slim (info: WireTxInfo): WireTxInfoSent {
    const { identity, creator: _creator, ...rest } = info
    let flushIdentities: boolean | undefined
    if (!this.#sentIdentities.has(identity.key) && this.#sentIdentities.size >= this.#identityCacheSize) {
      this.#sentIdentities.clear()
      flushIdentities = true
    }
    const known = this.#sentIdentities.has(identity.key)
    this.#sentIdentities.add(identity.key)
    return { ...rest, identityKey: identity.key, ...(known ? {} : { identity }), ...(flushIdentities === true ? { flushIdentities } : {}) }
  }

  #installBridge (): void {
    const vm = this.#vm
    const call = vm.newFunction('__weft_host_call', (idH, txH, opH, argsH) => {
      const callId = vm.typeof(idH) === 'number' ? vm.getNumber(idH) : -1
      const txId = vm.typeof(txH) === 'string' ? vm.getString(txH) : ''
      const op = vm.typeof(opH) === 'string' ? vm.getString(opH) : ''
      const args = vm.typeof(argsH) === 'string' ? vm.getString(argsH) : ''
      if (!Number.isSafeInteger(callId)) return
      const flight = this.#flights.get(txId)
      if (flight === undefined) {
        // A stub kept from a finished transaction: refuse (asynchronously, like every answer).
        void Promise.resolve().then(() => { this.#complete(callId, false, `transaction ${txId} is not executing: a stub is valid only during its own transaction`) })
        return
      }
      flight.calls.handle(op, args).then(
        (result) => { this.#complete(callId, true, result) },
        (err: unknown) => { this.#complete(callId, false, err instanceof Error ? err.message : String(err)) }
      )
    })
    const done = vm.newFunction('__weft_host_done', (txH, resH) => {
      const txId = vm.typeof(txH) === 'string' ? vm.getString(txH) : ''
      const flight = this.#flights.get(txId)
      if (flight === undefined || vm.typeof(resH) !== 'string') return
      this.#flights.delete(txId)
      if (this.#interrupted) {
        // The guest caught the interrupt at an await and answered anyway: it still ran out of time.
        flight.reject(new ChaincodeError('CHAINCODE_TIMEOUT', 'chaincode execution exceeded its time limit; sandbox restarted'))
        return
      }
      const r = parseResponse(vm.getString(resH))
      if (r.status >= 400 && isOutOfMemory(r.message)) {
        flight.reject(new ChaincodeError('CHAINCODE_OUT_OF_MEMORY', `chaincode ran out of memory: ${r.message}`))
        this.#poison('CHAINCODE_OUT_OF_MEMORY', 'chaincode ran out of memory; sandbox restarted')
        return
      }
      flight.resolve(r)
    })
    const log = vm.newFunction('__weft_host_log', (levelH, textH) => {
      const level = vm.typeof(levelH) === 'string' ? vm.getString(levelH) : 'info'
      const text = vm.typeof(textH) === 'string' ? vm.getString(textH) : ''
      this.#log((['debug', 'info', 'warn', 'error'].includes(level) ? level : 'info') as LogLevel, text.length > MAX_LOG_CHARS ? `${text.slice(0, MAX_LOG_CHARS)}…` : text)
    })
    for (const [name, fn] of [['__weft_host_call', call], ['__weft_host_done', done], ['__weft_host_log', log]] as const) {
      vm.setProp(vm.global, name, fn)
      fn.dispose()
    }
  }

  #evalGlobal (code: string, filename: string, keep = false): QuickJSHandle {
    const r = this.#vm.evalCode(code, filename, { type: 'global' })
    if (r.error !== undefined) throw this.#loadError(r.error)
    if (keep) return r.value
    r.value.dispose()
    return this.#vm.undefined
  }

  #evalModule (code: string): QuickJSHandle {
    const r = this.#vm.evalCode(code, 'chaincode.mjs', { type: 'module' })
    if (r.error !== undefined) throw this.#loadError(r.error)
    const state = this.#vm.getPromiseState(r.value)
    if (state.type === 'fulfilled') {
      if (state.notAPromise === true) return r.value
      r.value.dispose()
      return state.value
    }
    r.value.dispose()
    if (state.type === 'rejected') throw this.#loadError(state.error)
    throw new ChaincodeError('CHAINCODE_LOAD_FAILED', 'chaincode module did not finish loading (top-level await on something that never settles)')
  }

  #call (fn: QuickJSHandle, args: QuickJSHandle[]): QuickJSHandle {
    const r = this.#vm.callFunction(fn, this.#vm.undefined, ...args)
    if (r.error !== undefined) throw this.#loadError(r.error)
    return r.value
  }

  #loadError (errH: QuickJSHandle): ChaincodeError {
    const text = describe(this.#vm.dump(errH))
    errH.dispose()
    if (this.#interrupted) return new ChaincodeError('CHAINCODE_TIMEOUT', 'chaincode did not finish loading within the time limit')
    if (isOutOfMemory(text)) return new ChaincodeError('CHAINCODE_OUT_OF_MEMORY', `chaincode ran out of memory while loading: ${text}`)
    return new ChaincodeError('CHAINCODE_LOAD_FAILED', `chaincode failed to load: ${text}`)
  }

  /** Runs guest code with the interrupt deadline of the earliest transaction in flight. */
  #enter<T> (fn: () => T): T {
    let deadline = Number.POSITIVE_INFINITY
    for (const f of this.#flights.values()) deadline = Math.min(deadline, f.deadline)
    this.#interruptAt = deadline
    try {
      return fn()
    } catch (err) {
      // The wasm module itself failed (e.g. the native stack overflowed): this instance is done.
      this.#poison('CHAINCODE_CRASHED', `chaincode sandbox crashed: ${err instanceof Error ? err.message : String(err)}; sandbox restarted`)
      throw err
    } finally {
      this.#interruptAt = Number.POSITIVE_INFINITY
      if (this.#interrupted) this.#poison('CHAINCODE_TIMEOUT', 'chaincode execution exceeded its time limit; sandbox restarted')
    }
  }

  /** `#enter` for the transaction paths: a crash poisons the instance instead of throwing into the host. */
  #guarded<T> (fn: () => T): T | undefined {
    try {
      return this.#enter(fn)
    } catch {
      return undefined
    }
  }

  #complete (callId: number, ok: boolean, result: string): void {
    if (this.#poisoned !== undefined) return
    const vm = this.#vm
    const args = [vm.newNumber(callId), ok ? vm.true : vm.false, vm.newString(result)]
    const r = this.#guarded(() => vm.callFunction(this.#fns.complete, vm.undefined, ...args))
    if (this.#poisoned !== undefined || r === undefined) return
    args[0]?.dispose(); args[2]?.dispose()
    if (r.error !== undefined) this.#fail(r.error)
    else r.value.dispose()
    this.#pump()
  }

  /** Drains pending jobs in bounded batches, checking deadlines between batches. */
  #pump (): void {
    if (this.#pumping) return
    this.#pumping = true
    try {
      while (this.#poisoned === undefined) {
        const r = this.#guarded(() => this.#runtime.executePendingJobs(JOB_BATCH))
        if (this.#poisoned !== undefined || r === undefined) return
        if (r.error !== undefined) { this.#fail(r.error); continue }
        if (r.value === 0) return
        const t = now()
        for (const f of this.#flights.values()) {
          if (t > f.deadline) { this.#poison('CHAINCODE_TIMEOUT', 'chaincode execution exceeded its time limit; sandbox restarted'); return }
        }
      }
    } finally {
      this.#pumping = false
    }
  }

  #fail (errH: QuickJSHandle): void {
    const text = describe(this.#vm.dump(errH))
    errH.dispose()
    if (this.#interrupted) this.#poison('CHAINCODE_TIMEOUT', 'chaincode execution exceeded its time limit; sandbox restarted')
    else if (isOutOfMemory(text)) this.#poison('CHAINCODE_OUT_OF_MEMORY', `chaincode ran out of memory (${text}); sandbox restarted`)
    else this.#poison('CHAINCODE_CRASHED', `chaincode runtime failed: ${text}`)
  }

  /** Fails every transaction in flight and marks the instance unusable (it is dropped, never reused). */
  #poison (code: ChaincodeErrorCode, message: string): void {
    if (this.#poisoned !== undefined) return
    this.#poisoned = new ChaincodeError(code, message)
    this.#interruptAt = Number.NEGATIVE_INFINITY
    const flights = [...this.#flights.values()]
    this.#flights.clear()
    for (const f of flights) f.reject(new ChaincodeError(code, message))
  }

  /** Frees the instance; a poisoned one is only dropped (disposing it can abort the wasm module). */
  close (): void {
    if (this.#poisoned === undefined) this.#poison('CHAINCODE_CLOSED', 'chaincode runtime closed')
    else return
    try {
      this.#fns.invoke.dispose()
      this.#fns.complete.dispose()
      this.#vm.dispose()
      this.#runtime.dispose()
    } catch {
      // A leak assertion in the wasm module only affects this instance's own module; drop it.
    }
  }
}

function describe (v: unknown): string {
  if (typeof v === 'object' && v !== null) {
    const o = v as { name?: unknown, message?: unknown }
    if (typeof o.message === 'string') return typeof o.name === 'string' && o.name !== 'Error' ? `${o.name}: ${o.message}` : o.message
  }
  return String(v)
}

function parseResponse (json: string): WireResponse {
  try {
    const r = JSON.parse(json) as Partial<WireResponse>
    if (typeof r.status !== 'number' || typeof r.payload !== 'string' || !/^[0-9a-f]*$/.test(r.payload)) throw new Error('bad shape')
    const event = r.event !== undefined && typeof r.event.name === 'string' && typeof r.event.payload === 'string' && /^[0-9a-f]*$/.test(r.event.payload) ? r.event : undefined
    return { status: r.status, message: typeof r.message === 'string' ? r.message : '', payload: r.payload, ...(event !== undefined ? { event } : {}) }
  } catch {
    return { status: 500, message: 'chaincode returned a malformed response', payload: '' }
  }
}
