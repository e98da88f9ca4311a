import { hexToBytes } from '@noble/hashes/utils.js'
import { ChaincodeError } from './errors.js'
import { TxHostCalls } from './host-calls.js'
import { QuickJsSandbox } from './quickjs-sandbox.js'
import type { ChaincodeFormat, Sandbox, SandboxFactory } from './sandbox.js'
import { buildTxInfo } from './tx-info.js'
import type { ChaincodeRuntimeOptions, InvokeResult, LogSink, TxContext } from './types.js'

const DEFAULTS = { timeoutMs: 3000, memoryLimitBytes: 64 * 1024 * 1024, maxStackBytes: 256 * 1024, maxValueBytes: 4 * 1024 * 1024 }

/** Source text with `import`/`export` statements is an ES module; anything else is CommonJS. */
export function detectFormat (source: string): ChaincodeFormat {
  return /^\s*(import\s*[\w*{'"]|export\s+(\{|\*|const|let|var|function|class|async|default))/m.test(source) ? 'esm' : 'cjs'
}

function positive (v: unknown, field: string, fallback: number): number {
  if (v === undefined) return fallback
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ChaincodeError('CHAINCODE_BAD_INPUT', `${field} must be a positive number`)
  return v
}

function checkContext (ctx: TxContext, args: readonly Uint8Array[]): void {
  const bad = (m: string): never => { throw new ChaincodeError('CHAINCODE_BAD_INPUT', m) }
  if (typeof ctx !== 'object' || ctx === null) bad('txContext must be an object')
  if (typeof ctx.txId !== 'string' || ctx.txId === '') bad('txContext.txId must be a non-empty string')
  if (typeof ctx.channelId !== 'string') bad('txContext.channelId must be a string')
  if (!(ctx.creator instanceof Uint8Array)) bad('txContext.creator must be SerializedIdentity bytes')
  if (typeof ctx.timestamp !== 'object' || ctx.timestamp === null || !Number.isSafeInteger(ctx.timestamp.seconds) || !Number.isInteger(ctx.timestamp.nanos)) bad('txContext.timestamp must be { seconds, nanos }')
  if (typeof ctx.simulator !== 'object' || ctx.simulator === null) bad('txContext.simulator is required')
  if (!Array.isArray(args) || !args.every((a) => a instanceof Uint8Array)) bad('args must be an array of Uint8Array')
}

type ResolvedOptions = Required<Omit<ChaincodeRuntimeOptions, 'log'>> & { log?: LogSink, sandbox: SandboxFactory }

/**
 * A started chaincode: its bundle loaded in a sandbox, ready to run transactions. Several
 * invocations may be in flight at once (they interleave at host calls). If a transaction
 * exceeds its time or memory limit, it and the others in flight fail with a ChaincodeError,
 * and the next invocation runs in a freshly started sandbox.
 */
export class ChaincodeRuntime {
  readonly name: string
  readonly kind: 'contract' | 'shim'
  readonly #source: string
  readonly #format: ChaincodeFormat
  readonly #opts: ResolvedOptions
  #sandbox: Sandbox
  #restarting: Promise<Sandbox> | undefined
  #restarts = 0
  #closed = false

  private constructor (source: string, format: ChaincodeFormat, opts: ResolvedOptions, sandbox: Sandbox) {
    this.name = opts.name
    this.kind = sandbox.kind
    this.#source = source
    this.#format = format
    this.#opts = opts
    this.#sandbox = sandbox
  }

  /** Loads `source` (a single-file CommonJS or ES module bundle) and runs its top level once. */
  static async start (source: string, options: ChaincodeRuntimeOptions & { format?: ChaincodeFormat, sandbox?: SandboxFactory }): Promise<ChaincodeRuntime> {
    if (typeof source !== 'string' || source === '') throw new ChaincodeError('CHAINCODE_BAD_INPUT', 'source must be a non-empty string')
    if (typeof options?.name !== 'string' || options.name === '') throw new ChaincodeError('CHAINCODE_BAD_INPUT', 'options.name must be a non-empty string')
    if (typeof options.localMspId !== 'string') throw new ChaincodeError('CHAINCODE_BAD_INPUT', 'options.localMspId must be a string')
    const opts = {
      name: options.name,
      localMspId: options.localMspId,
      timeoutMs: positive(options.timeoutMs, 'timeoutMs', DEFAULTS.timeoutMs),
      memoryLimitBytes: positive(options.memoryLimitBytes, 'memoryLimitBytes', DEFAULTS.memoryLimitBytes),
      maxStackBytes: positive(options.maxStackBytes, 'maxStackBytes', DEFAULTS.maxStackBytes),
      maxValueBytes: positive(options.maxValueBytes, 'maxValueBytes', DEFAULTS.maxValueBytes),
      ...(options.log !== undefined ? { log: options.log } : {}),
      sandbox: options.sandbox ?? QuickJsSandbox.create
    }
    const format = options.format ?? detectFormat(source)
    const sandbox = await ChaincodeRuntime.#newSandbox(source, format, opts)
    return new ChaincodeRuntime(source, format, opts, sandbox)
  }

  static async #newSandbox (source: string, format: ChaincodeFormat, opts: ResolvedOptions): Promise<Sandbox> {
    return await opts.sandbox({
      source,
      format,
      memoryLimitBytes: opts.memoryLimitBytes,
      maxStackBytes: opts.maxStackBytes,
      loadTimeoutMs: opts.timeoutMs,
      log: (level, message) => { opts.log?.({ chaincode: opts.name, level, message }) }
    })
  }

  /** How many times the sandbox was replaced after a runaway or crashed transaction. */
  get restarts (): number { return this.#restarts }

  /**
   * Runs Init (ctx.isInit) or Invoke with `args` (args[0] is the function name, Fabric's
   * ChaincodeInput.args). A chaincode error is a response with status 500 and its message;
   * a ChaincodeError is thrown only when the sandbox failed (time/memory limit, crash, bad input).
   */
  async invoke (ctx: TxContext, args: readonly Uint8Array[]): Promise<InvokeResult> {
    if (this.#closed) throw new ChaincodeError('CHAINCODE_CLOSED', `chaincode ${this.name} is closed`)
    checkContext(ctx, args)
    if (ctx.signal?.aborted === true) throw new ChaincodeError('CHAINCODE_TIMEOUT', 'chaincode execution aborted by the caller')
    const info = buildTxInfo(ctx, args, this.name, this.#opts.localMspId)
    const sandbox = await this.#healthySandbox()
    const calls = new TxHostCalls(this.name, ctx, this.#opts.maxValueBytes)
    try {
      const r = await sandbox.invoke(info, calls, this.#opts.timeoutMs, ctx.signal)
      return {
        status: r.status,
        message: r.message,
        payload: hexToBytes(r.payload),
        ...(r.event !== undefined ? { event: { eventName: r.event.name, payload: hexToBytes(r.event.payload) } } : {})
      }
    } finally {
      await calls.closeAll()
    }
  }

  async #healthySandbox (): Promise<Sandbox> {
    if (this.#sandbox.poisoned === undefined) return this.#sandbox
    this.#restarting ??= ChaincodeRuntime.#newSandbox(this.#source, this.#format, this.#opts).then((s) => {
      this.#sandbox = s
      this.#restarts++
      return s
    }).finally(() => { this.#restarting = undefined })
    return await this.#restarting
  }

  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#restarting?.catch(() => undefined)
    this.#sandbox.close()
  }
}
