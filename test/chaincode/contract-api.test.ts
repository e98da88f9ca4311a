import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { build } from 'esbuild'
import { ChaincodeRuntime } from '../../src/chaincode/index.js'
import { bundleChaincode } from '../../src/cli/chaincode-package.js'
import { TestLedger, enroll, newOrg, run } from './harness.js'

const fixture = (p: string): string => fileURLToPath(new URL(`../fixtures/chaincode/${p}`, import.meta.url))

/** Compiles the TypeScript fixture the way `tsc` does for Fabric TS chaincode (CommonJS, decorator metadata). */
async function compileTs (emitDecoratorMetadata: boolean): Promise<string> {
  const source = await readFile(fixture('ts-decorated/src/index.ts'), 'utf8')
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, experimentalDecorators: true, emitDecoratorMetadata }
  }).outputText
}

describe('fabric-contract-api: TypeScript decorators with design:paramtypes metadata', () => {
  let l: TestLedger
  let cc: ChaincodeRuntime
  let alice: Uint8Array

  beforeAll(async () => {
    l = await TestLedger.open()
    alice = await enroll(await newOrg('Org1MSP'), 'alice')
    cc = await ChaincodeRuntime.start(await compileTs(true), { name: 'cars', localMspId: 'Org1MSP' })
  })
  afterAll(async () => {
    await cc.close()
    await l.close()
  })

  it('@Default picks the default contract even when it is not first; typed parameters are converted', async () => {
    expect((await run(l, cc, alice, ['AddCar', 'c1', 'Volvo', '5'])).status).toBe(200)
    const car = await run(l, cc, alice, ['GetCar', 'c1'])
    expect(JSON.parse(car.text)).toEqual({ id: 'c1', make: 'Volvo', seats: 5, owners: ['Org1MSP'] })
    expect((await run(l, cc, alice, ['CountSeats', JSON.stringify([{ seats: 2 }, { seats: 7 }])])).text).toBe('9')
    expect((await run(l, cc, alice, ['Echo', 'true'])).text).toBe('boolean:true')
    expect((await run(l, cc, alice, ['Echo', 'nope'])).message).toBe('fromBuffer could not convert data to boolean')
    expect((await run(l, cc, alice, ['Register', JSON.stringify({ make: 'Saab', seats: 4 })])).text).toBe('Saab with 4 seats (Car)')
    expect((await run(l, cc, alice, ['AddCar', 'c2'])).message).toBe('Expected 3 parameters, but 1 have been supplied')
    expect((await run(l, cc, alice, ['Other:Hello'])).text).toMatch(/^hello tx\d+$/)
  })

  it('org.hyperledger.fabric:GetMetadata returns Fabric\'s contract metadata', async () => {
    const m = JSON.parse((await run(l, cc, alice, ['org.hyperledger.fabric:GetMetadata'])).text)
    expect(Object.keys(m.contracts)).toEqual(['Other', 'cars', 'org.hyperledger.fabric'])
    expect(m.contracts.cars.contractInstance).toEqual({ name: 'cars', default: true })
    expect(m.contracts.cars.info).toEqual({ title: 'Car registry', description: 'decorated TypeScript contract', name: 'CarContract', version: '' })
    const add = m.contracts.cars.transactions.find((t: { name: string }) => t.name === 'AddCar')
    expect(add).toEqual({
      name: 'AddCar',
      tag: ['SUBMIT', 'submitTx'],
      parameters: [
        { name: 'id', description: '', schema: { type: 'string' } },
        { name: 'make', description: '', schema: { type: 'string' } },
        { name: 'seats', description: '', schema: { type: 'number' } }
      ]
    })
    const get = m.contracts.cars.transactions.find((t: { name: string }) => t.name === 'GetCar')
    expect(get.tag).toEqual(['EVALUATE'])
    expect(get.returns).toEqual({ $ref: '#/components/schemas/Car' })
    const echo = m.contracts.cars.transactions.find((t: { name: string }) => t.name === 'Echo')
    expect(echo.parameters).toEqual([{ name: 'flag', description: 'a flag', schema: { type: 'boolean' } }])
    expect(m.components.schemas.Car).toEqual({
      $id: 'Car',
      type: 'object',
      properties: { id: { type: 'string' }, make: { type: 'string' }, seats: { type: 'number' }, owners: { type: 'array', items: { type: 'string' } } }
    })
    expect(m.contracts['org.hyperledger.fabric'].transactions).toEqual([{ name: 'GetMetadata' }])
    expect(m.info).toEqual({ version: '', title: '' })
    expect(m.$schema).toBe('https://hyperledger.github.io/fabric-chaincode-node/main/api/contract-schema.json')
  })

  it('without emitted metadata the decorators still register transactions (parameters untyped)', async () => {
    const plain = await ChaincodeRuntime.start(await compileTs(false), { name: 'cars', localMspId: 'Org1MSP' })
    const m = JSON.parse((await run(l, plain, alice, ['org.hyperledger.fabric:GetMetadata'])).text)
    expect(m.contracts.cars.transactions.find((t: { name: string }) => t.name === 'AddCar').parameters).toEqual([])
    await plain.close()
  })

  it('the same contract bundled by esbuild from TypeScript (esbuild emits decorators, not metadata)', async () => {
    const r = await build({ entryPoints: [fixture('ts-decorated/src/index.ts')], bundle: true, write: false, format: 'cjs', platform: 'node', external: ['fabric-contract-api'], logLevel: 'silent', tsconfigRaw: { compilerOptions: { experimentalDecorators: true } } })
    const esb = await ChaincodeRuntime.start((r.outputFiles[0] as { text: string }).text, { name: 'cars', localMspId: 'Org1MSP' })
    // Without design:paramtypes, @Transaction finds no parameters and overwrites what @Param declared (Fabric's annotations do the same).
    expect((await run(l, esb, alice, ['Echo', 'x'])).message).toBe('Expected 0 parameters, but 1 have been supplied')
    expect((await run(l, esb, alice, ['Other:Hello'])).text).toMatch(/^hello tx\d+$/)
    await esb.close()
  })
})

describe('JavaScript contracts: introspected metadata, ESM bundles, low-level fabric-shim', () => {
  let l: TestLedger
  let alice: Uint8Array
  beforeAll(async () => {
    l = await TestLedger.open()
    alice = await enroll(await newOrg('Org1MSP'), 'alice')
  })
  afterAll(async () => { await l.close() })

  it('introspected JS metadata: argN parameters, SUBMIT tags, no Contract or _ methods', async () => {
    const { bundle } = await bundleChaincode(fixture('asset-transfer'))
    const cc = await ChaincodeRuntime.start(bundle, { name: 'basic', localMspId: 'Org1MSP' })
    const m = JSON.parse((await run(l, cc, alice, ['org.hyperledger.fabric:GetMetadata'])).text)
    const names = m.contracts.AssetTransfer.transactions.map((t: { name: string }) => t.name)
    expect(names).toContain('CreateAsset')
    expect(names).not.toContain('_put')
    expect(names).not.toContain('beforeTransaction')
    const create = m.contracts.AssetTransfer.transactions.find((t: { name: string }) => t.name === 'CreateAsset')
    expect(create.tags).toEqual(['SUBMIT', 'submitTx'])
    expect(create.parameters.map((p: { name: string }) => p.name)).toEqual(['arg0', 'arg1', 'arg2', 'arg3', 'arg4'])
    expect(m.contracts.AssetTransfer.contractInstance).toEqual({ calls: [], name: 'AssetTransfer', default: true })
    await cc.close()
  })

  it('an ES module bundle importing fabric-contract-api', async () => {
    const { bundle } = await bundleChaincode(fixture('esm-hello'))
    const cjs = await ChaincodeRuntime.start(bundle, { name: 'hello', localMspId: 'Org1MSP' })
    expect((await run(l, cjs, alice, ['Greet', 'bob'])).text).toBe('hello bob')
    await cjs.close()
    const esm = await ChaincodeRuntime.start(await readFile(fixture('esm-hello/index.js'), 'utf8'), { name: 'hello', localMspId: 'Org1MSP' })
    expect((await run(l, esm, alice, ['Greet', 'carol'])).text).toBe('hello carol')
    expect((await run(l, esm, alice, ['Last'])).text).toBe('carol')
    await esm.close()
  })

  it('createContext with a custom Context, aroundTransaction, and hooks that fail the transaction', async () => {
    const src = `const { Contract, Context } = require('fabric-contract-api')
      class AuditContext extends Context { constructor () { super(); this.audit = ['created'] } }
      class Audited extends Contract {
        createContext () { return new AuditContext() }
        async beforeTransaction (ctx) { ctx.audit.push('before') }
        async aroundTransaction (ctx, fn, params) { ctx.audit.push('around:' + fn); return super.aroundTransaction(ctx, fn, params) }
        async afterTransaction (ctx, result) { ctx.audit.push('after:' + result); if (result === 'veto') throw new Error('vetoed by afterTransaction') }
        async Trail (ctx, word) { ctx.audit.push('fn'); return word === 'veto' ? 'veto' : JSON.stringify(ctx.audit) }
      }
      module.exports.contracts = [Audited]`
    const cc = await ChaincodeRuntime.start(src, { name: 'audit', localMspId: 'Org1MSP' })
    expect(JSON.parse((await run(l, cc, alice, ['Trail', 'x'])).text)).toEqual(['created', 'before', 'around:Trail', 'fn'])
    expect(await run(l, cc, alice, ['Trail', 'veto'])).toMatchObject({ status: 500, message: 'vetoed by afterTransaction' })
    await cc.close()
  })

  it('a low-level fabric-shim Chaincode: Init, Invoke, shim.success/error, ClientIdentity from the stub', async () => {
    const cc = await ChaincodeRuntime.start(await readFile(fixture('shim-counter/index.js'), 'utf8'), { name: 'counter', localMspId: 'Org1MSP' })
    expect(cc.kind).toBe('shim')
    const init = await run(l, cc, alice, ['init', '10'], { extra: { isInit: true } })
    expect([init.status, init.text]).toEqual([200, 'initialised'])
    expect((await run(l, cc, alice, ['inc', '5'])).text).toBe('15')
    expect((await run(l, cc, alice, ['get'])).text).toBe('15')
    expect((await run(l, cc, alice, ['identity'])).text).toBe('Org1MSP x509::CN=alice,OU=client,O=Org1MSP::CN=ca.Org1MSP,O=Org1MSP')
    expect(await run(l, cc, alice, ['nope'])).toMatchObject({ status: 500, message: 'unknown function nope' })
    expect(await run(l, cc, alice, ['throw'])).toMatchObject({ status: 500, message: 'thrown inside Invoke' })
    expect(await run(l, cc, alice, ['bad'])).toMatchObject({ status: 500, message: 'chaincode returned an invalid response (use shim.success / shim.error)' })
    await cc.close()
  })
})
