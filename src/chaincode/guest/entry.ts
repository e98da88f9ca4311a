/**
 * The guest runtime's entry: installs Node-like globals (Buffer, TextEncoder/TextDecoder,
 * console, global, process.env), provides the modules chaincode may `require`/`import`
 * (fabric-contract-api, fabric-shim), hardens the realm, then exposes `__weft` for the host:
 * `loadCjs(fn)`, `loadEsm(namespace)`, `start()`, `invoke(txInfoJson)`, `complete(...)`.
 */
import { Buffer } from 'buffer'
import { complete, hostDone } from './bridge.js'
import { bindIdentity } from './client-identity.js'
import { fabricContractApi } from './contract-api.js'
import { ChaincodeFromContract, messageOf, type ContractModule } from './dispatch.js'
import { harden } from './harden.js'
import { guestConsole } from './logger.js'
import { fabricShim, startedChaincode, type LowLevelChaincode, type ShimResponse } from './shim.js'
import { Stub } from './stub.js'
import { toHex } from './bytes.js'
import { GuestTextDecoder, GuestTextEncoder } from './text-codec.js'
import type { WireIdentity, WireResponse, WireTxInfo, WireTxInfoSent } from '../protocol.js'

const g = globalThis as unknown as Record<string, unknown>
g.Buffer = Buffer
g.TextEncoder ??= GuestTextEncoder
g.TextDecoder ??= GuestTextDecoder
g.console = guestConsole
g.global = globalThis
g.process = { env: { NODE_ENV: 'production' }, nextTick: (fn: (...a: unknown[]) => void, ...args: unknown[]) => { void Promise.resolve().then(() => { fn(...args) }) } }

const MODULES: Record<string, unknown> = {
  'fabric-contract-api': fabricContractApi,
  'fabric-shim': fabricShim,
  'reflect-metadata': {},
  buffer: Object.freeze({ Buffer })
}

function guestRequire (name: unknown): unknown {
  if (typeof name === 'string' && Object.prototype.hasOwnProperty.call(MODULES, name)) return MODULES[name]
  throw new Error(`Cannot find module '${String(name)}': chaincode may require only ${Object.keys(MODULES).join(', ')}; bundle its other dependencies (weft chaincode package)`)
}

Object.defineProperty(globalThis, '__weft_require', { value: guestRequire, enumerable: false, writable: false, configurable: false })

harden([Stub, fabricShim, fabricContractApi, guestRequire])

let chaincode: LowLevelChaincode | undefined
let loaded: ContractModule | undefined

type CjsFactory = (exports: unknown, require: unknown, module: unknown, filename: string, dirname: string) => void

function loadCjs (factory: CjsFactory): void {
  const module = { exports: {} as Record<string, unknown> }
  factory.call(module.exports, module.exports, guestRequire, module, 'index.js', '.')
  loaded = module.exports as ContractModule
}

function loadEsm (namespace: Record<string, unknown>): void {
  const dflt = namespace.default
  loaded = namespace.contracts === undefined && typeof dflt === 'object' && dflt !== null ? dflt as ContractModule : namespace as ContractModule
}

/** Resolves what the chaincode registered: exported contracts, or a Chaincode passed to shim.start. */
function start (): string {
  const low = startedChaincode()
  if (loaded !== undefined && loaded.contracts !== undefined) {
    chaincode = new ChaincodeFromContract(loaded)
    return 'contract'
  }
  if (low !== undefined) {
    chaincode = low
    return 'shim'
  }
  throw new Error('the chaincode registered nothing: export `contracts` (fabric-contract-api) or call shim.start(chaincode) (fabric-shim)')
}

function wireResponse (r: unknown, stub: Stub): WireResponse {
  if (typeof r !== 'object' || r === null || typeof (r as ShimResponse).status !== 'number') {
    return { status: 500, message: 'chaincode returned an invalid response (use shim.success / shim.error)', payload: '' }
  }
  const res = r as ShimResponse
  const payload = res.payload === undefined || res.payload === null ? '' : toHex(res.payload, 'payload')
  const event = stub.event
  return {
    status: res.status,
    message: typeof res.message === 'string' ? res.message : '',
    payload,
    ...(event !== undefined ? { event: { name: event.name, payload: toHex(event.payload, 'event payload') } } : {})
  }
}

async function run (info: WireTxInfo): Promise<WireResponse> {
  const cc = chaincode
  if (cc === undefined) return { status: 500, message: 'chaincode not started', payload: '' }
  const stub = new Stub(info)
  bindIdentity(stub, info.identity)
  try {
    const r = await (info.isInit ? cc.Init(stub) : cc.Invoke(stub))
    return wireResponse(r, stub)
  } catch (err) {
    return { status: 500, message: messageOf(err), payload: '' }
  }
}

const identities = new Map<string, WireIdentity>()

function expand (sent: WireTxInfoSent): WireTxInfo | undefined {
  if (sent.flushIdentities === true) identities.clear()
  if (sent.identity !== undefined) identities.set(sent.identityKey, Object.freeze(sent.identity))
  const identity = identities.get(sent.identityKey)
  if (identity === undefined) return undefined
  const { identityKey: _k, identity: _i, flushIdentities: _f, ...rest } = sent
  return { ...rest, identity, creator: { mspid: identity.mspId, idBytes: identity.idBytes } }
}

function invoke (txInfoJson: string): void {
  const sent = JSON.parse(txInfoJson) as WireTxInfoSent
  const info = expand(sent)
  if (info === undefined) {
    hostDone(sent.txId, JSON.stringify({ status: 500, message: 'weft guest: unknown creator identity', payload: '' }))
    return
  }
  run(info).then((r) => { hostDone(info.txId, JSON.stringify(r)) }, (err: unknown) => {
    hostDone(info.txId, JSON.stringify({ status: 500, message: messageOf(err), payload: '' }))
  })
}

Object.defineProperty(globalThis, '__weft', {
  value: Object.freeze({ loadCjs, loadEsm, start, invoke, complete }),
  enumerable: false,
  writable: false,
  configurable: true
})
