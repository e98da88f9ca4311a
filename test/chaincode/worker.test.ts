import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChaincodeError, ChaincodeRuntime, workerSandbox } from '../../src/chaincode/index.js'
import { nodeWorkerFactory } from '../../src/chaincode/worker/node.js'
import { TestLedger, enroll, newOrg, run } from './harness.js'

const SOURCE = `
const { Contract } = require('fabric-contract-api')
class Basic extends Contract {
  async Put (ctx, k, v) { await ctx.stub.putState(k, Buffer.from(v)); return 'ok' }
  async Get (ctx, k) { return (await ctx.stub.getState(k)).toString() }
  async All (ctx) { const out = []; for await (const kv of ctx.stub.getStateByRange('', '')) out.push(kv.key); return out.join(',') }
  async Log (ctx) { console.log('from worker'); return 'logged' }
  async Fail (ctx) { throw new Error('business rule') }
  async Spin (ctx) { for (;;) {} }
  async Grow (ctx) { const a = []; for (let i = 0; ; i++) a.push({ i, s: 'v' + i }) }
}
module.exports.contracts = [Basic]
`
const factory = nodeWorkerFactory(new URL('./worker-bootstrap.mjs', import.meta.url))

describe('sandbox in worker_threads (the caller\'s thread stays free)', () => {
  let l: TestLedger
  let cc: ChaincodeRuntime
  let alice: Uint8Array
  const logs: string[] = []

  beforeAll(async () => {
    l = await TestLedger.open()
    alice = await enroll(await newOrg('Org1MSP'), 'alice')
    cc = await ChaincodeRuntime.start(SOURCE, { name: 'basic', localMspId: 'Org1MSP', timeoutMs: 500, sandbox: workerSandbox(factory), log: (e) => { logs.push(e.message) } })
  })
  afterAll(async () => {
    await cc.close()
    await l.close()
  })

  it('host calls cross to the main thread\'s TxSimulator; results, errors and logs come back', async () => {
    expect((await run(l, cc, alice, ['Put', 'a', '1'])).text).toBe('ok')
    expect((await run(l, cc, alice, ['Put', 'b', '2'])).rwset?.writes.map((w) => w.key)).toEqual(['b'])
    expect((await run(l, cc, alice, ['Get', 'a'])).text).toBe('1')
    expect((await run(l, cc, alice, ['All'])).text).toBe('a,b')
    expect(await run(l, cc, alice, ['Fail'])).toMatchObject({ status: 500, message: 'business rule' })
    expect((await run(l, cc, alice, ['Log'])).text).toBe('logged')
    expect(logs).toContain('from worker')
  })

  it('a runaway loop is stopped without blocking this thread; the worker keeps serving', async () => {
    let ticks = 0
    const interval = setInterval(() => { ticks++ }, 20)
    const err = await run(l, cc, alice, ['Spin']).then(() => undefined, (e: unknown) => e)
    clearInterval(interval)
    expect(err instanceof ChaincodeError && err.code === 'CHAINCODE_TIMEOUT', String(err)).toBe(true)
    expect(ticks).toBeGreaterThanOrEqual(10)
    expect((await run(l, cc, alice, ['Get', 'b'])).text).toBe('2')
    expect(cc.restarts).toBe(0)
  })

  it('a memory blow-up is stopped inside the worker', async () => {
    const roomy = await ChaincodeRuntime.start(SOURCE, { name: 'basic', localMspId: 'Org1MSP', timeoutMs: 20_000, memoryLimitBytes: 8 * 1024 * 1024, sandbox: workerSandbox(factory) })
    const err = await run(l, roomy, alice, ['Grow']).then(() => undefined, (e: unknown) => e)
    expect(err instanceof ChaincodeError && err.code === 'CHAINCODE_OUT_OF_MEMORY', String(err)).toBe(true)
    expect((await run(l, roomy, alice, ['Get', 'a'])).text).toBe('1')
    await roomy.close()
  })

  it('load failures are reported from the worker; a closed runtime refuses work', async () => {
    await expect(ChaincodeRuntime.start('module.exports = {}', { name: 'x', localMspId: 'M', sandbox: workerSandbox(factory) })).rejects.toThrow(/registered nothing/)
    const other = await ChaincodeRuntime.start(SOURCE, { name: 'basic', localMspId: 'Org1MSP', sandbox: workerSandbox(factory) })
    await other.close()
    await expect(run(l, other, alice, ['Get', 'a'])).rejects.toSatisfy((e: unknown) => e instanceof ChaincodeError && e.code === 'CHAINCODE_CLOSED')
  })
})
