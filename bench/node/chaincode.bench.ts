/**
 * The chaincode sandbox in Node: one invocation of a put/get contract through the QuickJS-wasm
 * sandbox versus the same two state calls made by a direct function call on the host, both on a
 * fresh TxSimulator of a real ledger over memory storage. `sandbox_call_overhead_us` is the
 * difference per transaction; also the sandbox's throughput (one at a time and 32 in flight)
 * and the cold start of one instance (wasm instantiate + guest runtime + chaincode load), and the
 * same throughput with the sandbox hosted in worker_threads.
 */
import { measure, round } from '../harness.js'
import type { BenchSuite } from '../harness.js'
import { ChaincodeRuntime, workerSandbox } from '../../src/chaincode/index.js'
import { nodeWorkerFactory } from '../../src/chaincode/worker/node.js'
import { KvLedger } from '../../src/ledger/kv-ledger.js'
import { memoryKvStoreFactory } from '../../src/storage/memory.js'
import { CertificateAuthority, createCsr, encodeSerializedIdentity, generateSigner } from '../../src/msp/index.js'

const SOURCE = `
const { Contract } = require('fabric-contract-api')
class PutGet extends Contract {
  async Put (ctx, key, value) { await ctx.stub.getState(key); await ctx.stub.putState(key, Buffer.from(value)) }
}
module.exports.contracts = [PutGet]
`
const enc = new TextEncoder()

export const suite: BenchSuite = {
  names: ['sandbox_call_overhead_us', 'chaincode_invoke_per_s', 'chaincode_invoke_32_inflight_per_s', 'chaincode_direct_call_per_s', 'chaincode_cold_start_ms', 'chaincode_worker_invoke_per_s', 'chaincode_worker_invoke_32_inflight_per_s'],
  async run (report) {
    const ledger = await KvLedger.open({ channelId: 'bench', storage: memoryKvStoreFactory() })
    const ca = await CertificateAuthority.createRoot({ signer: await generateSigner(), subject: { commonName: 'ca', organization: 'Org1' } })
    const signer = await generateSigner()
    const pem = await ca.enroll(await createCsr(signer, { commonName: 'alice' }), { enrollmentId: 'alice', role: 'client' })
    const creator = encodeSerializedIdentity({ mspid: 'Org1MSP', idBytes: enc.encode(pem) })

    const t0 = performance.now()
    const cc = await ChaincodeRuntime.start(SOURCE, { name: 'putget', localMspId: 'Org1MSP' })
    report({ name: 'chaincode_cold_start_ms', value: round(performance.now() - t0, 3), unit: 'ms' })

    let n = 0
    const args = [enc.encode('Put'), enc.encode('k'), enc.encode('v')]
    const invoke = async (): Promise<void> => {
      const txId = `t${n++}`
      const simulator = ledger.newTxSimulator(txId)
      const r = await cc.invoke({ txId, channelId: 'bench', creator, timestamp: { seconds: 1, nanos: 0 }, simulator }, args)
      if (r.status !== 200) throw new Error(r.message)
      simulator.done()
    }
    const direct = async (): Promise<void> => {
      const simulator = ledger.newTxSimulator(`d${n++}`)
      await simulator.getState('putget', 'k')
      simulator.setState('putget', 'k', enc.encode('v'))
      simulator.done()
    }
    const sandboxRate = await measure(invoke)
    const directRate = await measure(direct)
    report({ name: 'chaincode_invoke_per_s', value: round(sandboxRate), unit: 'tx/s' })
    report({ name: 'chaincode_direct_call_per_s', value: round(directRate), unit: 'calls/s' })
    report({ name: 'sandbox_call_overhead_us', value: round(1e6 / sandboxRate - 1e6 / directRate, 3), unit: 'µs' })
    const inflight = await measure(async () => { await Promise.all(Array.from({ length: 32 }, invoke)) })
    report({ name: 'chaincode_invoke_32_inflight_per_s', value: round(inflight * 32), unit: 'tx/s' })
    await cc.close()

    // The same contract hosted in worker_threads (the TypeScript entry is loaded through the tests' tsx bootstrap).
    const bootstrap = new URL('../../test/chaincode/worker-bootstrap.mjs', import.meta.url)
    const wcc = await ChaincodeRuntime.start(SOURCE, { name: 'putget', localMspId: 'Org1MSP', sandbox: workerSandbox(nodeWorkerFactory(bootstrap)) })
    const winvoke = async (): Promise<void> => {
      const txId = `w${n++}`
      const simulator = ledger.newTxSimulator(txId)
      const r = await wcc.invoke({ txId, channelId: 'bench', creator, timestamp: { seconds: 1, nanos: 0 }, simulator }, args)
      if (r.status !== 200) throw new Error(r.message)
      simulator.done()
    }
    report({ name: 'chaincode_worker_invoke_per_s', value: round(await measure(winvoke)), unit: 'tx/s' })
    const winflight = await measure(async () => { await Promise.all(Array.from({ length: 32 }, winvoke)) })
    report({ name: 'chaincode_worker_invoke_32_inflight_per_s', value: round(winflight * 32), unit: 'tx/s' })
    await wcc.close()
    await ledger.close()
  }
}
