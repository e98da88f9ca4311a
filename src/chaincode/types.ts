import type { HistoryQueryExecutor, TxSimulator } from '../ledger/api.js'

/** Fabric's pb.Response as chaincode returns it. */
export interface ChaincodeResponse {
  status: number
  message: string
  payload: Uint8Array
}

/** Fabric's ChaincodeEvent as the chaincode set it (the endorser adds chaincodeId and txId). */
export interface ChaincodeEventOut {
  eventName: string
  payload: Uint8Array
}

export interface InvokeResult extends ChaincodeResponse {
  /** The last event set with `stub.setEvent`, if any. */
  event?: ChaincodeEventOut
}

/** Calls another chaincode on the same channel inside the same transaction (the endorser wires it). */
export type InvokeChaincodeFn = (chaincodeName: string, args: Uint8Array[]) => Promise<ChaincodeResponse>

/** Everything the stub exposes about one transaction, plus the ledger it simulates against. */
export interface TxContext {
  txId: string
  channelId: string
  /** The creator's SerializedIdentity bytes (SignatureHeader.creator). */
  creator: Uint8Array
  /** Channel header timestamp. */
  timestamp: { seconds: number, nanos: number }
  /** The SignedProposal bytes, for `stub.getSignedProposal()` and the binding. */
  signedProposal?: Uint8Array
  /** ChaincodeProposalPayload.TransientMap. */
  transient?: Map<string, Uint8Array>
  /** Hex binding; computed from the signed proposal when omitted (Fabric: sha256(nonce ‖ creator ‖ epoch)). */
  binding?: string
  /** Init (`--isInit`) rather than Invoke. */
  isInit?: boolean
  simulator: TxSimulator
  history?: HistoryQueryExecutor
  invokeChaincode?: InvokeChaincodeFn
  /** Abandon the invocation (the sandbox is restarted if the chaincode was running). */
  signal?: AbortSignal
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogSink = (entry: { chaincode: string, level: LogLevel, txId?: string, message: string }) => void

export interface ChaincodeRuntimeOptions {
  /** The chaincode name: its state namespace. */
  name: string
  /** The peer's local MSP id (`stub.getMspID()`). */
  localMspId: string
  /** Wall-clock limit of one invocation including host calls (Fabric's chaincode execute timeout). Default 3000 ms. */
  timeoutMs?: number
  /** Heap limit of the sandbox. Default 64 MiB. */
  memoryLimitBytes?: number
  /** Native stack limit of the sandbox (deep recursion). Default 256 KiB. */
  maxStackBytes?: number
  /** Where chaincode `console` output goes (the peer log). Default: dropped. */
  log?: LogSink
  /** Largest value, key or argument the chaincode may pass to the host. Default 4 MiB. */
  maxValueBytes?: number
}
