/**
 * Weft's chaincode runtime: runs unmodified Fabric JavaScript chaincode (fabric-contract-api
 * contracts or a low-level fabric-shim Chaincode) in a QuickJS-in-WebAssembly sandbox.
 *
 * Host API (what the endorser calls):
 *
 * ```ts
 * const cc = await ChaincodeRuntime.start(bundleSource, {
 *   name: 'basic',            // state namespace
 *   localMspId: 'Org1MSP',    // stub.getMspID()
 *   timeoutMs: 3000,          // whole invocation, host calls included
 *   memoryLimitBytes: 64 << 20,
 *   log: (e) => peerLog(e)    // chaincode console output
 * })
 * const r = await cc.invoke({
 *   txId, channelId, creator /* SerializedIdentity bytes *\/, timestamp: { seconds, nanos },
 *   signedProposal, transient, binding?, isInit?,
 *   simulator: ledger.newTxSimulator(txId), history: ledger.newHistoryQueryExecutor(),
 *   invokeChaincode: (name, args) => endorser.callChaincode(name, args)   // same channel
 * }, [utf8('CreateAsset'), utf8('a1')])
 * // r: { status, message, payload, event? } — chaincode errors are status 500 with the message.
 * // Sandbox failures (time/memory limit, crash) throw ChaincodeError (CHAINCODE_TIMEOUT, ...);
 * // the runtime restarts its sandbox and keeps serving.
 *
 * // Off the caller's thread: each sandbox in a Worker (browser) or worker_threads (Node).
 * await ChaincodeRuntime.start(src, { ..., sandbox: workerSandbox(browserWorkerFactory()) })
 * await ChaincodeRuntime.start(src, { ..., sandbox: workerSandbox(nodeWorkerFactory()) }) // ./worker/node.js
 * const rwset = await simulator.getTxSimulationResults()
 * ```
 *
 * Reads never see the transaction's own writes (Fabric semantics, done by the TxSimulator).
 * `readChaincodePackage` opens a `weft chaincode package` tar.gz (metadata.json + code.tar.gz).
 *
 * @module
 */
export { ChaincodeRuntime, detectFormat } from './runtime.js'
export { readChaincodePackage, type ChaincodePackage } from './package/read-package.js'
export { ChaincodeError, type ChaincodeErrorCode } from './errors.js'
export type { ChaincodeFormat, Sandbox, SandboxFactory, SandboxOptions, HostCallHandler } from './sandbox.js'
export { QuickJsSandbox } from './quickjs-sandbox.js'
export { WorkerSandbox, workerSandbox } from './worker/worker-sandbox.js'
export { browserWorkerFactory } from './worker/browser.js'
export type { WorkerFactory, WorkerPort } from './worker/messages.js'
// Node: `nodeWorkerFactory` lives in ./worker/node.js (imports node:worker_threads).
export type { ChaincodeResponse, ChaincodeEventOut, ChaincodeRuntimeOptions, InvokeChaincodeFn, InvokeResult, LogLevel, LogSink, TxContext } from './types.js'
