/**
 * fabric-contract-api decorators as Babel emits them (issue 5): the TypeScript fixture compiled the
 * way a Babel-built chaincode project compiles it (preset-typescript, legacy decorators,
 * class-properties, babel-plugin-transform-typescript-metadata for `design:*`), bundled by esbuild
 * with fabric-contract-api external, run against the real ledger, and its GetMetadata compared
 * with the `tsc`-compiled contract's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { transformSync, type PluginItem } from '@babel/core'
import { build } from 'esbuild'
import { ChaincodeRuntime } from '../../src/chaincode/index.js'
import { TestLedger, enroll, newOrg, run } from './harness.js'

const fixture = (p: string): string => fileURLToPath(new URL(`../fixtures/chaincode/${p}`, import.meta.url))

async function source (): Promise<string> {
  return await readFile(fixture('ts-decorated/src/index.ts'), 'utf8')
}

/**
 * Babel (TypeScript preset) with the given decorator plugins, then an esbuild CommonJS bundle.
 * keepNames: Babel's output declares `var Other = ... class Other {}` and esbuild renames the inner
 * class to `Other2` without it, which would rename the contract (its name is `constructor.name`).
 */
async function compileBabel (plugins: PluginItem[]): Promise<string> {
  const out = transformSync(await source(), {
    filename: fixture('ts-decorated/src/index.ts'),
    babelrc: false,
    configFile: false,
    presets: ['@babel/preset-typescript'],
    plugins
  })
  if (out?.code === undefined || out.code === null) throw new Error('babel produced no code')
  const r = await build({ stdin: { contents: out.code, loader: 'js', resolveDir: fixture('ts-decorated/src') }, bundle: true, write: false, format: 'cjs', platform: 'node', external: ['fabric-contract-api'], keepNames: true, logLevel: 'silent' })
  return (r.outputFiles[0] as { text: string }).text
}

/**
 * What a Babel-built Fabric chaincode project configures: metadata plugin before decorators (as its
 * README says), legacy decorators with loose class-properties, CommonJS output for `fabric-chaincode-node start`.
 */
const LEGACY: PluginItem[] = [
  'babel-plugin-transform-typescript-metadata',
  ['@babel/plugin-proposal-decorators', { legacy: true }],
  ['@babel/plugin-transform-class-properties', { loose: true }],
  '@babel/plugin-transform-modules-commonjs'
]

async function compileTsc (): Promise<string> {
  return ts.transpileModule(await source(), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, experimentalDecorators: true, emitDecoratorMetadata: true }
  }).outputText
}

interface Tx { name: string, tag?: string[], parameters?: unknown[], returns?: unknown }

describe('fabric-contract-api: Babel-emitted legacy decorators with design:paramtypes metadata', () => {
  let l: TestLedger
  let babel: ChaincodeRuntime
  let tsc: ChaincodeRuntime
  let alice: Uint8Array

  beforeAll(async () => {
    l = await TestLedger.open()
    alice = await enroll(await newOrg('Org1MSP'), 'alice')
    babel = await ChaincodeRuntime.start(await compileBabel(LEGACY), { name: 'cars', localMspId: 'Org1MSP' })
    tsc = await ChaincodeRuntime.start(await compileTsc(), { name: 'cars', localMspId: 'Org1MSP' })
  })
  afterAll(async () => {
    await babel.close()
    await tsc.close()
    await l.close()
  })

  it('transactions dispatch through @Default, typed parameters are converted, @Object parameters are instances', async () => {
    expect((await run(l, babel, alice, ['AddCar', 'b1', 'Volvo', '5'])).status).toBe(200)
    expect(JSON.parse((await run(l, babel, alice, ['GetCar', 'b1'])).text)).toEqual({ id: 'b1', make: 'Volvo', seats: 5, owners: ['Org1MSP'] })
    expect((await run(l, babel, alice, ['CountSeats', JSON.stringify([{ seats: 2 }, { seats: 7 }])])).text).toBe('9')
    expect((await run(l, babel, alice, ['Echo', 'false'])).text).toBe('boolean:false')
    expect((await run(l, babel, alice, ['Echo', 'nope'])).message).toBe('fromBuffer could not convert data to boolean')
    expect((await run(l, babel, alice, ['AddCar', 'b2', 'Saab', 'many'])).message).toBe('fromBuffer could not convert data to number')
    expect((await run(l, babel, alice, ['Register', JSON.stringify({ make: 'Saab', seats: 4 })])).text).toBe('Saab with 4 seats (Car)')
    expect((await run(l, babel, alice, ['AddCar', 'b3'])).message).toBe('Expected 3 parameters, but 1 have been supplied')
    expect((await run(l, babel, alice, ['Other:Hello'])).text).toMatch(/^hello tx\d+$/)
    expect((await run(l, babel, alice, ['Other:Nope'])).message).toBe('You\'ve asked to invoke a function that does not exist: Other:Nope')
  })

  it('GetMetadata is identical to the tsc-compiled contract\'s', async () => {
    const fromBabel = JSON.parse((await run(l, babel, alice, ['org.hyperledger.fabric:GetMetadata'])).text)
    const fromTsc = JSON.parse((await run(l, tsc, alice, ['org.hyperledger.fabric:GetMetadata'])).text)
    expect(fromBabel).toEqual(fromTsc)
  })

  it('GetMetadata carries Returns/Param types, Object/Property schemas, Info and the Default contract', async () => {
    const m = JSON.parse((await run(l, babel, alice, ['org.hyperledger.fabric:GetMetadata'])).text)
    expect(Object.keys(m.contracts)).toEqual(['Other', 'cars', 'org.hyperledger.fabric'])
    expect(m.contracts.cars.contractInstance).toEqual({ name: 'cars', default: true })
    expect(m.contracts.Other.contractInstance).toEqual({ name: 'Other' })
    expect(m.contracts.cars.info).toEqual({ title: 'Car registry', description: 'decorated TypeScript contract', name: 'CarContract', version: '' })
    const tx = (name: string): Tx => m.contracts.cars.transactions.find((t: Tx) => t.name === name)
    expect(tx('AddCar')).toEqual({
      name: 'AddCar',
      tag: ['SUBMIT', 'submitTx'],
      parameters: [
        { name: 'id', description: '', schema: { type: 'string' } },
        { name: 'make', description: '', schema: { type: 'string' } },
        { name: 'seats', description: '', schema: { type: 'number' } }
      ]
    })
    expect(tx('GetCar')).toMatchObject({ tag: ['EVALUATE'], returns: { $ref: '#/components/schemas/Car' } })
    // design:paramtypes says only `Array` (element types are erased), which Fabric turns into a $ref too.
    expect(tx('CountSeats')).toMatchObject({ returns: { type: 'number' }, parameters: [{ name: 'cars', description: '', schema: { $ref: '#/components/schemas/Array' } }] })
    expect(tx('Echo')).toMatchObject({ returns: { type: 'string' }, parameters: [{ name: 'flag', description: 'a flag', schema: { type: 'boolean' } }] })
    expect(tx('Register').parameters).toEqual([{ name: 'car', description: '', schema: { $ref: '#/components/schemas/Car' } }])
    expect(m.contracts.Other.transactions).toEqual([{ name: 'Hello', tag: ['EVALUATE'], parameters: [], returns: { type: 'string' } }])
    expect(m.components.schemas.Car).toEqual({
      $id: 'Car',
      type: 'object',
      properties: { id: { type: 'string' }, make: { type: 'string' }, seats: { type: 'number' }, owners: { type: 'array', items: { type: 'string' } } }
    })
  })
})

/** The standard-decorators fixture compiled to CommonJS by Babel (`version: '2023-11'`) or by TypeScript 5 without experimentalDecorators. */
async function compileStandard (compiler: 'babel' | 'tsc'): Promise<string> {
  const file = fixture('standard-decorators/index.js')
  const src = await readFile(file, 'utf8')
  if (compiler === 'tsc') {
    return ts.transpileModule(src, { fileName: file, compilerOptions: { allowJs: true, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText
  }
  const out = transformSync(src, {
    filename: file,
    babelrc: false,
    configFile: false,
    plugins: [['@babel/plugin-proposal-decorators', { version: '2023-11' }], '@babel/plugin-transform-modules-commonjs']
  })
  if (out?.code === undefined || out.code === null) throw new Error('babel produced no code')
  const r = await build({ stdin: { contents: out.code, loader: 'js' }, bundle: true, write: false, format: 'cjs', platform: 'node', external: ['fabric-contract-api'], keepNames: true, logLevel: 'silent' })
  return (r.outputFiles[0] as { text: string }).text
}

describe.each(['babel', 'tsc'] as const)('TC39 decorators compiled by %s: a Weft extension (Fabric accepts only legacy decorators)', (compiler) => {
  let l: TestLedger
  let cc: ChaincodeRuntime
  let alice: Uint8Array

  beforeAll(async () => {
    l = await TestLedger.open()
    alice = await enroll(await newOrg('Org1MSP'), 'alice')
    cc = await ChaincodeRuntime.start(await compileStandard(compiler), { name: 'parcels', localMspId: 'Org1MSP' })
  })
  afterAll(async () => {
    await cc.close()
    await l.close()
  })

  it('transactions dispatch with @Param-typed parameters through @Default', async () => {
    expect((await run(l, cc, alice, ['Send', 'p1', '250'])).text).toBe('number')
    expect(JSON.parse((await run(l, cc, alice, ['Get', 'p1'])).text)).toEqual({ id: 'p1', grams: 250 })
    expect((await run(l, cc, alice, ['Send', 'p2', 'heavy'])).message).toBe('fromBuffer could not convert data to number')
    expect((await run(l, cc, alice, ['Send', 'p3'])).message).toBe('Expected 2 parameters, but 1 have been supplied')
    expect((await run(l, cc, alice, ['Tracking:Ping'])).text).toMatch(/^pong tx\d+$/)
  })

  it('GetMetadata has the Returns/Param types, the @Object schema, Info and the default contract', async () => {
    const m = JSON.parse((await run(l, cc, alice, ['org.hyperledger.fabric:GetMetadata'])).text)
    expect(Object.keys(m.contracts)).toEqual(['Tracking', 'parcels', 'org.hyperledger.fabric'])
    expect(m.contracts.parcels.contractInstance).toEqual({ name: 'parcels', default: true })
    expect(m.contracts.parcels.info).toEqual({ title: 'Parcels', version: '1.2.0', name: 'ParcelContract' })
    expect(m.contracts.parcels.transactions).toEqual([
      {
        name: 'Send',
        tag: ['SUBMIT', 'submitTx'],
        parameters: [{ name: 'id', description: 'parcel id', schema: { type: 'string' } }, { name: 'grams', description: '', schema: { type: 'number' } }]
      },
      { name: 'Get', tag: ['EVALUATE'], parameters: [{ name: 'id', description: '', schema: { type: 'string' } }], returns: { $ref: '#/components/schemas/Parcel' } }
    ])
    expect(m.contracts.Tracking.transactions).toEqual([{ name: 'Ping', tag: ['EVALUATE'], parameters: [], returns: { type: 'string' } }])
    expect(m.components.schemas.Parcel).toEqual({ $id: 'Parcel', type: 'object', properties: { id: { type: 'string' }, grams: { type: 'number' } } })
  })
})

describe('TC39 decorators on what Fabric cannot describe', () => {
  it('@Transaction on a static method fails the chaincode load with a clear message', async () => {
    const out = transformSync(`const { Contract, Transaction } = require('fabric-contract-api')
      class Bad extends Contract { @Transaction() static async Nope (ctx) { return 'x' } }
      module.exports.contracts = [Bad]`, { babelrc: false, configFile: false, plugins: [['@babel/plugin-proposal-decorators', { version: '2023-11' }]] })
    await expect(ChaincodeRuntime.start(out?.code ?? '', { name: 'bad', localMspId: 'Org1MSP' }))
      .rejects.toMatchObject({ code: 'CHAINCODE_LOAD_FAILED', message: expect.stringContaining('@Transaction cannot decorate a static method') })
  })
})
