import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChaincodeError, ChaincodeRuntime, browserWorkerFactory, workerSandbox } from '../../src/chaincode/index.js'
import { TestLedger, enroll, newOrg, run } from './harness.js'

const SOURCE = `
const { Contract } = require('fabric-contract-api')
class Basic extends Contract {
  async Put (ctx, k, v) { await ctx.stub.putState(k, Buffer.from(v)); return 'ok' }
  async Get (ctx, k) { return (await ctx.stub.getState(k)).toString() }
  async All (ctx) { const out = []; for await (const kv of ctx.stub.getStateByRange('', '')) out.push(kv.key + '=' + kv.value.toString()); return out.join(',') }
  async Who (ctx) { return ctx.clientIdentity.getMSPID() + ' ' + typeof fetch + ' ' + typeof document + ' ' + typeof indexedDB }
  async Spin (ctx) { for (;;) {} }
  async Grow (ctx) { const a = []; for (let i = 0; ; i++) a.push({ i, s: 'v' + i }) }
}
module.exports.contracts = [Basic]
`

describe('chaincode runtime in Chromium (QuickJS wasm on the page thread)', () => {
  let l: TestLedger
  let cc: ChaincodeRuntime
  let alice: Uint8Array

  beforeAll(async () => {
    l = await TestLedger.open()
    alice = await enroll(await newOrg('Org1MSP'), 'alice')
    cc = await ChaincodeRuntime.start(SOURCE, { name: 'basic', localMspId: 'Org1MSP', timeoutMs: 300, memoryLimitBytes: 8 * 1024 * 1024 })
  })
  afterAll(async () => {
    await cc.close()
    await l.close()
  })

  it('runs a contract against the ledger; no page APIs inside', async () => {
    expect((await run(l, cc, alice, ['Put', 'a', '1'])).text).toBe('ok')
    expect((await run(l, cc, alice, ['Put', 'b', '2'])).text).toBe('ok')
    expect((await run(l, cc, alice, ['Get', 'a'])).text).toBe('1')
    expect((await run(l, cc, alice, ['All'])).text).toBe('a=1,b=2')
    expect((await run(l, cc, alice, ['Who'])).text).toBe('Org1MSP undefined undefined undefined')
  })

  it('stops a runaway loop and a memory blow-up; the page keeps serving', async () => {
    const spin = await run(l, cc, alice, ['Spin']).then(() => undefined, (e: unknown) => e)
    expect(spin instanceof ChaincodeError && spin.code === 'CHAINCODE_TIMEOUT', String(spin)).toBe(true)
    expect((await run(l, cc, alice, ['Get', 'b'])).text).toBe('2')
    const roomy = await ChaincodeRuntime.start(SOURCE, { name: 'basic', localMspId: 'Org1MSP', timeoutMs: 20_000, memoryLimitBytes: 8 * 1024 * 1024 })
    const grow = await run(l, roomy, alice, ['Grow']).then(() => undefined, (e: unknown) => e)
    expect(grow instanceof ChaincodeError && grow.code === 'CHAINCODE_OUT_OF_MEMORY', String(grow)).toBe(true)
    expect((await run(l, roomy, alice, ['Get', 'b'])).text).toBe('2')
    await roomy.close()
  })
})

describe('chaincode runtime in a Web Worker (Chromium)', () => {
  it('runs the contract, stops a runaway loop without freezing the page, and contains a memory blow-up', async () => {
    const l = await TestLedger.open()
    const alice = await enroll(await newOrg('Org1MSP'), 'alice')
    const cc = await ChaincodeRuntime.start(SOURCE, { name: 'basic', localMspId: 'Org1MSP', timeoutMs: 500, sandbox: workerSandbox(browserWorkerFactory()) })
    expect((await run(l, cc, alice, ['Put', 'a', '1'])).text).toBe('ok')
    expect((await run(l, cc, alice, ['Get', 'a'])).text).toBe('1')
    expect((await run(l, cc, alice, ['Who'])).text).toBe('Org1MSP undefined undefined undefined')
    let ticks = 0
    const interval = setInterval(() => { ticks++ }, 20)
    const spin = await run(l, cc, alice, ['Spin']).then(() => undefined, (e: unknown) => e)
    clearInterval(interval)
    expect(spin instanceof ChaincodeError && spin.code === 'CHAINCODE_TIMEOUT', String(spin)).toBe(true)
    expect(ticks).toBeGreaterThanOrEqual(10)
    expect((await run(l, cc, alice, ['Get', 'a'])).text).toBe('1')
    await cc.close()
    const roomy = await ChaincodeRuntime.start(SOURCE, { name: 'basic', localMspId: 'Org1MSP', timeoutMs: 20_000, memoryLimitBytes: 8 * 1024 * 1024, sandbox: workerSandbox(browserWorkerFactory()) })
    const grow = await run(l, roomy, alice, ['Grow']).then(() => undefined, (e: unknown) => e)
    expect(grow instanceof ChaincodeError && grow.code === 'CHAINCODE_OUT_OF_MEMORY', String(grow)).toBe(true)
    expect((await run(l, roomy, alice, ['Get', 'a'])).text).toBe('1')
    await roomy.close()
    await l.close()
  })
})
