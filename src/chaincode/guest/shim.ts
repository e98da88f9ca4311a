/**
 * Weft's `fabric-shim` module as chaincode sees it: `shim.start(chaincode)` registers a
 * low-level Chaincode (Init/Invoke), `shim.success/error` build responses, plus ChaincodeStub,
 * ClientIdentity, Iterators and the logger helpers of fabric-shim.
 */
import { Buffer } from 'buffer'
import { ClientIdentity } from './client-identity.js'
import { HistoryQueryIterator, StateQueryIterator } from './iterators.js'
import { Stub } from './stub.js'
import { newLogger } from './logger.js'

export const RESPONSE_CODE = Object.freeze({ OK: 200, ERRORTHRESHOLD: 400, ERROR: 500 })

export interface ShimResponse { status: number, message?: string, payload?: Uint8Array }

export interface LowLevelChaincode {
  Init: (stub: Stub) => Promise<ShimResponse> | ShimResponse
  Invoke: (stub: Stub) => Promise<ShimResponse> | ShimResponse
}

let started: LowLevelChaincode | undefined

/** The chaincode registered by `shim.start`, if any. */
export function startedChaincode (): LowLevelChaincode | undefined { return started }

export class Shim {
  static start (chaincode: LowLevelChaincode): void {
    if (typeof chaincode !== 'object' || chaincode === null) throw new Error('Missing required argument: chaincode')
    if (typeof chaincode.Init !== 'function') throw new Error('The "chaincode" argument must implement the "Init()" method')
    if (typeof chaincode.Invoke !== 'function') throw new Error('The "chaincode" argument must implement the "Invoke()" method')
    started = chaincode
  }

  static success (payload?: Uint8Array): ShimResponse {
    return { status: RESPONSE_CODE.OK, payload: payload === undefined ? Buffer.alloc(0) : payload }
  }

  static error (msg: string | Error): ShimResponse {
    return { status: RESPONSE_CODE.ERROR, message: msg instanceof Error ? msg.message : String(msg) }
  }

  static newLogger (name?: string): ReturnType<typeof newLogger> { return newLogger(name) }

  /** fabric-shim's server mode (chaincode as a service) has no meaning in a browser peer. */
  static server (): never { throw new Error('shim.server is not supported in Weft: chaincode runs inside the peer') }
}

export const fabricShim = Object.freeze({
  Shim,
  start: Shim.start,
  success: Shim.success,
  error: Shim.error,
  newLogger: Shim.newLogger,
  server: Shim.server,
  ChaincodeStub: Stub,
  ClientIdentity,
  Iterators: Object.freeze({ StateQueryIterator, HistoryQueryIterator }),
  RESPONSE_CODE
})
