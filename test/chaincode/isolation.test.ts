import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChaincodeRuntime, isChaincodeError } from './isolation-helpers.js'
import { QuickJsSandbox } from '../../src/chaincode/index.js'
import { buildTxInfo } from '../../src/chaincode/tx-info.js'
import { TestLedger, enroll, newOrg, run } from './harness.js'

/** One contract with a function per attack; each returns what it observed. */
const HOSTILE = `
const { Contract, Context } = require('fabric-contract-api')
const shim = require('fabric-shim')
const tryIt = (f) => { try { const v = f(); return v === undefined ? 'undefined' : typeof v === 'object' || typeof v === 'function' ? typeof v : String(v) } catch (e) { return 'threw: ' + e.message } }
let counter = 0
let keptStub
class Hostile extends Contract {
  async Keep (ctx) { keptStub = ctx.stub; return 'kept' }
  async UseKept (ctx) { try { await keptStub.putState('stolen', Buffer.from('x')); return 'wrote' } catch (e) { return 'threw: ' + e.message } }
  async Ok (ctx) { return 'ok ' + (++counter) }
  async Spin (ctx) { while (true) {} }
  async SpinAfterAwait (ctx) { await ctx.stub.getState('x'); for (;;) {} }
  async SpinCatching (ctx) { for (;;) { try { while (true) {} } catch (e) {} } }
  async JobFlood (ctx) { for (;;) { try { await null } catch (e) {} } }
  async Park (ctx) { await new Promise(() => {}) }
  async Grow (ctx) { const a = []; for (let i = 0; ; i++) a.push({ i, s: 'v' + i }) }
  async GrowString (ctx) { let s = 'x'; for (;;) s = s + s }
  async Recurse (ctx) { const f = (n) => f(n + 1) + 1; return String(f(0)) }
  async Globals (ctx) {
    const names = ['fetch', 'XMLHttpRequest', 'WebSocket', 'indexedDB', 'localStorage', 'document', 'window', 'self', 'navigator', 'setTimeout', 'setInterval', 'Worker', 'importScripts', 'crypto', 'process.versions', 'require("fs")', '__weft', '__weft_host_call', '__weft_host_done', 'WebAssembly']
    const out = {}
    for (const n of names) {
      out[n] = tryIt(() => n === 'process.versions' ? process.versions : n === 'require("fs")' ? require('fs') : globalThis[n])
    }
    return JSON.stringify(out)
  }
  async Escapes (ctx) {
    return JSON.stringify({
      ctorCtor: tryIt(() => typeof this.constructor.constructor('return this')().fetch),
      functionCtor: tryIt(() => typeof Function('return globalThis')().indexedDB),
      evalGlobal: tryIt(() => typeof (0, eval)('globalThis').document),
      protoChain: tryIt(() => typeof ({}).__proto__.constructor.constructor('return this')().localStorage),
      stubProto: tryIt(() => { Object.getPrototypeOf(ctx.stub).getState = async () => Buffer.from('forged'); return 'patched' }),
      objectProto: tryIt(() => { Object.prototype.polluted = 'yes'; return 'patched' }),
      arrayProto: tryIt(() => { Array.prototype.push = function () { return 0 }; return 'patched' }),
      bufferProto: tryIt(() => { Buffer.prototype.toString = function () { return 'forged' }; return 'patched' }),
      jsonParse: tryIt(() => { JSON.parse = () => ({}); return 'patched' }),
      contractProto: tryIt(() => { Object.getPrototypeOf(Hostile.prototype).beforeTransaction = async () => { throw new Error('hijacked') }; return 'patched' }),
      contextProto: tryIt(() => { Context.prototype.setChaincodeStub = () => {}; return 'patched' }),
      shimSuccess: tryIt(() => { shim.success = () => ({ status: 200 }); return 'patched' }),
      dateNow: tryIt(() => Date.now()),
      newDate: tryIt(() => new Date().getTime()),
      dateCall: tryIt(() => Date()),
      fixedDate: tryIt(() => new Date(0).toISOString()),
      mathRandom: tryIt(() => Math.random()),
      overrideMistake: tryIt(() => { function P () {} P.prototype.toString = function () { return 'mine' }; return String(new P()) })
    })
  }
  async Pollution (ctx) { return JSON.stringify({ polluted: ({}).polluted === undefined ? 'clean' : 'polluted', push: [1].push(2), buf: Buffer.from('abc').toString(), state: (await ctx.stub.getState('missing')).length }) }
  async DynamicImport (ctx) { try { await import('fabric-shim'); await import('node:fs'); return 'imported' } catch (e) { return 'threw: ' + e.message } }
  async Console (ctx) { console.log('hello from', ctx.stub.getTxID()); console.error(new Error('boom')); return 'logged' }
  async TextCodec (ctx) { const b = new TextEncoder().encode('héllo'); return new TextDecoder().decode(b) + ':' + b.length }
  async ForgeTx (ctx) { return 'n/a' }
}
module.exports.contracts = [Hostile]
`

describe('isolation and resource limits (QuickJS sandbox)', () => {
  let l: TestLedger
  let cc: ChaincodeRuntime
  let alice: Uint8Array
  const logs: string[] = []

  beforeAll(async () => {
    l = await TestLedger.open()
    alice = await enroll(await newOrg('Org1MSP'), 'alice')
    cc = await ChaincodeRuntime.start(HOSTILE, { name: 'hostile', localMspId: 'Org1MSP', timeoutMs: 200, memoryLimitBytes: 32 * 1024 * 1024, log: (e) => { logs.push(`${e.level} ${e.message}`) } })
  })
  afterAll(async () => {
    await cc.close()
    await l.close()
  })

  async function expectStopped (fn: string, code: string, maxMs: number): Promise<void> {
    const t0 = performance.now()
    const err = await run(l, cc, alice, [fn]).then(() => undefined, (e: unknown) => e)
    const ms = performance.now() - t0
    expect(isChaincodeError(err, code), `${fn}: ${String(err)}`).toBe(true)
    expect(ms).toBeLessThan(maxMs)
    // The host keeps serving: the next transaction runs in a fresh sandbox.
    const ok = await run(l, cc, alice, ['Ok'])
    expect(ok.status).toBe(200)
  }

  it('a runaway loop is stopped at the deadline and the runtime restarts', async () => {
    const before = cc.restarts
    await expectStopped('Spin', 'CHAINCODE_TIMEOUT', 2000)
    expect(cc.restarts).toBe(before + 1)
  })

  it('a loop after a host call, a loop that catches the interrupt, and a job flood are all stopped', async () => {
    await expectStopped('SpinAfterAwait', 'CHAINCODE_TIMEOUT', 2000)
    await expectStopped('SpinCatching', 'CHAINCODE_TIMEOUT', 2000)
    await expectStopped('JobFlood', 'CHAINCODE_TIMEOUT', 2000)
  })

  it('a transaction parked on a promise that never settles times out (wall clock)', async () => {
    await expectStopped('Park', 'CHAINCODE_TIMEOUT', 2000)
  })

  it('memory blow-up is stopped by the heap limit, not by the clock; huge strings fail cleanly', async () => {
    const big = await ChaincodeRuntime.start(HOSTILE, { name: 'hostile', localMspId: 'Org1MSP', timeoutMs: 20_000, memoryLimitBytes: 8 * 1024 * 1024 })
    const t0 = performance.now()
    const err = await run(l, big, alice, ['Grow']).then(() => undefined, (e: unknown) => e)
    expect(isChaincodeError(err, 'CHAINCODE_OUT_OF_MEMORY'), String(err)).toBe(true)
    expect(performance.now() - t0).toBeLessThan(10_000)
    expect((await run(l, big, alice, ['Ok'])).status).toBe(200)
    expect(big.restarts).toBe(1)
    // QuickJS refuses strings past its length limit before the heap fills: an ordinary chaincode error.
    const s = await run(l, big, alice, ['GrowString']).then((r) => r.message, (e: unknown) => isChaincodeError(e, 'CHAINCODE_OUT_OF_MEMORY') ? 'out of memory' : String(e))
    expect(s).toMatch(/^(string too long|out of memory)$/)
    expect((await run(l, big, alice, ['Ok'])).status).toBe(200)
    await big.close()
  })

  it('unbounded recursion is a chaincode error, not a crash', async () => {
    const r = await run(l, cc, alice, ['Recurse'])
    expect(r.status).toBe(500)
    expect(r.message).toMatch(/stack overflow/i)
  })

  it('other transactions in flight fail with the runaway one; later ones succeed', async () => {
    const parked = run(l, cc, alice, ['Park']).then(() => 'resolved', (e: unknown) => isChaincodeError(e, 'CHAINCODE_TIMEOUT') ? 'timeout' : String(e))
    const spin = run(l, cc, alice, ['Spin']).then(() => 'resolved', (e: unknown) => isChaincodeError(e, 'CHAINCODE_TIMEOUT') ? 'timeout' : String(e))
    expect(await Promise.all([parked, spin])).toEqual(['timeout', 'timeout'])
    expect((await run(l, cc, alice, ['Ok'])).status).toBe(200)
  })

  it('no page, network, storage, timers, host bridge or Node modules inside', async () => {
    const g = JSON.parse((await run(l, cc, alice, ['Globals'])).text)
    for (const n of ['fetch', 'XMLHttpRequest', 'WebSocket', 'indexedDB', 'localStorage', 'document', 'window', 'self', 'navigator', 'setTimeout', 'setInterval', 'Worker', 'importScripts', 'crypto', 'process.versions', '__weft', '__weft_host_call', '__weft_host_done', 'WebAssembly']) {
      expect(g[n], n).toBe('undefined')
    }
    expect(g['require("fs")']).toMatch(/^threw: Cannot find module 'fs'/)
  })

  it('constructor tricks reach only the sandbox; intrinsics and runtime objects are frozen; clock and randomness refused', async () => {
    const e = JSON.parse((await run(l, cc, alice, ['Escapes'])).text)
    expect(e.ctorCtor).toBe('undefined')
    expect(e.functionCtor).toBe('undefined')
    expect(e.evalGlobal).toBe('undefined')
    expect(e.protoChain).toBe('undefined')
    for (const k of ['stubProto', 'objectProto', 'arrayProto', 'bufferProto', 'jsonParse', 'contractProto', 'contextProto', 'shimSuccess']) {
      expect(e[k], k).toMatch(/^threw: /)
    }
    expect(e.dateNow).toMatch(/^threw: Date.now\(\) is not available in chaincode/)
    expect(e.newDate).toMatch(/^threw: new Date\(\) is not available in chaincode/)
    expect(e.dateCall).toMatch(/^threw: Date\(\) is not available/)
    expect(e.fixedDate).toBe('1970-01-01T00:00:00.000Z')
    expect(e.mathRandom).toMatch(/^threw: Math.random\(\) is not available/)
    expect(e.overrideMistake).toBe('mine')
  })

  it('a stub kept from a finished transaction cannot touch state', async () => {
    expect((await run(l, cc, alice, ['Keep'])).text).toBe('kept')
    const r = await run(l, cc, alice, ['UseKept'])
    expect(r.text).toMatch(/^threw: transaction tx\d+ is not executing/)
    expect(r.rwset?.writes ?? []).toEqual([])
  })

  it('nothing a transaction tried to pollute persists into the next one', async () => {
    const p = JSON.parse((await run(l, cc, alice, ['Pollution'])).text)
    expect(p).toEqual({ polluted: 'clean', push: 2, buf: 'abc', state: 0 })
  })

  it('dynamic import reaches only the provided modules', async () => {
    const r = await run(l, cc, alice, ['DynamicImport'])
    expect(r.text).toMatch(/^threw: .*Cannot find module 'node:fs'/)
  })

  it('console goes to the peer log; TextEncoder/TextDecoder work', async () => {
    logs.length = 0
    const r = await run(l, cc, alice, ['Console'])
    expect(r.text).toBe('logged')
    expect(logs[0]).toMatch(/^info hello from tx\d+$/)
    expect(logs[1]).toMatch(/^error .*boom/)
    expect((await run(l, cc, alice, ['TextCodec'])).text).toBe('héllo:6')
  })
})

describe('creator identities cross into the sandbox once', () => {
  it('each transaction sees its own creator, also after the guest cache is flushed', async () => {
    const org = await newOrg('Org1MSP')
    const creators = await Promise.all(['u1', 'u2', 'u3'].map(async (n) => await enroll(org, n)))
    const sb = await QuickJsSandbox.create({
      source: "const { Contract } = require('fabric-contract-api'); class W extends Contract { async Who (ctx) { return ctx.clientIdentity.getID() + '|' + ctx.stub.getCreator().mspid } }; module.exports.contracts = [W]",
      format: 'cjs', memoryLimitBytes: 16 << 20, maxStackBytes: 256 << 10, loadTimeoutMs: 3000, log: () => undefined, identityCacheSize: 2
    })
    const calls = { handle: async (): Promise<string> => '' }
    let n = 0
    for (const i of [0, 1, 0, 2, 1, 0, 2, 2]) {
      const info = buildTxInfo({ txId: `t${n++}`, channelId: 'c', creator: creators[i] as Uint8Array, timestamp: { seconds: 1, nanos: 0 }, simulator: {} as never }, [new TextEncoder().encode('Who')], 'w', 'M')
      const r = await sb.invoke(info, calls, 3000)
      expect(Buffer.from(r.payload, 'hex').toString()).toBe(`x509::CN=u${i + 1},OU=client,O=Org1MSP::CN=ca.Org1MSP,O=Org1MSP|Org1MSP`)
    }
    sb.close()
  })
})

describe('bad input at the host boundary', () => {
  it('rejects bad options, contexts and arguments with CHAINCODE_BAD_INPUT; bad bundles with CHAINCODE_LOAD_FAILED', async () => {
    await expect(ChaincodeRuntime.start('', { name: 'x', localMspId: 'M' })).rejects.toSatisfy((e: unknown) => isChaincodeError(e, 'CHAINCODE_BAD_INPUT'))
    await expect(ChaincodeRuntime.start('x', { name: 'x', localMspId: 'M', timeoutMs: -1 })).rejects.toSatisfy((e: unknown) => isChaincodeError(e, 'CHAINCODE_BAD_INPUT'))
    await expect(ChaincodeRuntime.start('this is not js', { name: 'x', localMspId: 'M' })).rejects.toSatisfy((e: unknown) => isChaincodeError(e, 'CHAINCODE_LOAD_FAILED'))
    await expect(ChaincodeRuntime.start('module.exports = {}', { name: 'x', localMspId: 'M' })).rejects.toThrow(/registered nothing/)
    await expect(ChaincodeRuntime.start("require('lodash')", { name: 'x', localMspId: 'M' })).rejects.toThrow(/Cannot find module 'lodash'/)
    await expect(ChaincodeRuntime.start('while (true) {}', { name: 'x', localMspId: 'M', timeoutMs: 100 })).rejects.toSatisfy((e: unknown) => isChaincodeError(e, 'CHAINCODE_TIMEOUT'))
    const cc = await ChaincodeRuntime.start("const { Contract } = require('fabric-contract-api'); class A extends Contract { async F () { return 1 } }; module.exports.contracts = [A]", { name: 'a', localMspId: 'M' })
    const l = await TestLedger.open()
    const alice = await enroll(await newOrg('Org1MSP'), 'alice')
    const sim = l.ledger.newTxSimulator('t')
    const good = { txId: 't', channelId: 'c', creator: alice, timestamp: { seconds: 1, nanos: 0 }, simulator: sim }
    await expect(cc.invoke({ ...good, txId: '' }, [])).rejects.toSatisfy((e: unknown) => isChaincodeError(e, 'CHAINCODE_BAD_INPUT'))
    await expect(cc.invoke({ ...good, creator: new Uint8Array([1, 2, 3]) }, [])).rejects.toSatisfy((e: unknown) => isChaincodeError(e, 'CHAINCODE_BAD_INPUT'))
    await expect(cc.invoke(good, ['F' as unknown as Uint8Array])).rejects.toSatisfy((e: unknown) => isChaincodeError(e, 'CHAINCODE_BAD_INPUT'))
    await expect(cc.invoke({ ...good, signedProposal: new Uint8Array([255, 255]) }, [])).rejects.toSatisfy((e: unknown) => isChaincodeError(e, 'CHAINCODE_BAD_INPUT'))
    const r = await cc.invoke(good, [])
    expect(r.status).toBe(200)
    expect(new TextDecoder().decode(r.payload)).toBe('Default initiator successful.')
    await cc.close()
    await expect(cc.invoke(good, [])).rejects.toSatisfy((e: unknown) => isChaincodeError(e, 'CHAINCODE_CLOSED'))
    await l.close()
  })
})
