import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { ChaincodeRuntime } from '../../src/chaincode/index.js'
import { packageChaincode } from '../../src/cli/chaincode-package.js'
import { readChaincodePackage } from '../../src/chaincode/package/read-package.js'
import { TestLedger, enroll, newOrg, run, text, type Org } from './harness.js'

const DIR = fileURLToPath(new URL('../fixtures/chaincode/asset-transfer', import.meta.url))

describe('asset-transfer (fabric-samples style, packaged from a chaincode folder)', () => {
  let l: TestLedger
  let cc: ChaincodeRuntime
  let org: Org
  let alice: Uint8Array
  let admin: Uint8Array
  const logs: string[] = []

  beforeAll(async () => {
    const pkg = await packageChaincode(DIR)
    const opened = await readChaincodePackage(pkg.packageBytes)
    expect(opened.label).toBe('asset-transfer_1.0.0')
    l = await TestLedger.open()
    org = await newOrg('Org1MSP')
    alice = await enroll(org, 'alice')
    admin = await enroll(org, 'boss', 'client', { role: 'admin' })
    cc = await ChaincodeRuntime.start(opened.source, { name: 'basic', localMspId: 'Org1MSP', log: (e) => { logs.push(e.message) } })
    expect(cc.kind).toBe('contract')
    const init = await run(l, cc, alice, ['InitLedger'])
    expect(init.status).toBe(200)
  })
  afterAll(async () => {
    await cc.close()
    await l.close()
  })

  it('writes deterministic JSON and composite index keys; reads are recorded with committed versions', async () => {
    const r = await run(l, cc, alice, ['ReadAsset', 'asset1'])
    expect(r.status).toBe(200)
    expect(r.text).toBe('{"AppraisedValue":300,"Color":"blue","ID":"asset1","Owner":"Tomoko","Size":5,"docType":"asset"}')
    expect(r.rwset?.reads).toEqual([{ key: 'asset1', version: { blockNum: 0, txNum: 0 } }])
    expect(r.rwset?.writes).toEqual([])
  })

  it('CreateAsset: read of a missing key has no version, writes asset and index, emits the event', async () => {
    const r = await run(l, cc, alice, ['CreateAsset', 'asset9', 'blue', '3', 'Max', '90'])
    expect(r.status).toBe(200)
    expect(r.rwset?.reads).toEqual([{ key: 'asset9' }])
    // Fabric sorts writes by key: the composite key (leading U+0000) comes first.
    expect(r.rwset?.writes.map((w) => w.key)).toEqual(['\u0000color~name\u0000blue\u0000asset9\u0000', 'asset9'])
    expect(r.event?.eventName).toBe('CreateAsset')
    expect(JSON.parse(text(r.event?.payload ?? new Uint8Array()))).toMatchObject({ ID: 'asset9', Owner: 'Max' })
    const again = await run(l, cc, alice, ['CreateAsset', 'asset9', 'blue', '3', 'Max', '90'])
    expect(again.status).toBe(500)
    expect(again.message).toBe('The asset asset9 already exists')
  })

  it('range query records RangeQueryInfo (phantom detection) and skips composite keys', async () => {
    const r = await run(l, cc, alice, ['GetAllAssets'])
    expect(JSON.parse(r.text).map((a: { ID: string }) => a.ID)).toEqual(['asset1', 'asset2', 'asset3', 'asset9'])
    const info = r.rwset?.rangeQueriesInfo[0]
    expect(info?.startKey).toBe('\u0001')
    expect(info?.itrExhausted).toBe(true)
    expect(info?.rawReads?.kvReads.map((k) => k.key)).toEqual(['asset1', 'asset2', 'asset3', 'asset9'])
  })

  it('partial composite key query with for await', async () => {
    const r = await run(l, cc, alice, ['GetAssetsByColor', 'blue'])
    expect(JSON.parse(r.text)).toEqual(['asset1', 'asset9'])
  })

  it('rich query (Mango) and paginated rich query with bookmark', async () => {
    const r = await run(l, cc, alice, ['QueryAssetsByOwner', 'Brad'])
    expect(JSON.parse(r.text).map((a: { ID: string }) => a.ID)).toEqual(['asset2'])
    const q = JSON.stringify({ selector: { docType: 'asset' } })
    const p1 = JSON.parse((await run(l, cc, alice, ['QueryAssetsWithPagination', q, '2', ''])).text)
    expect(p1.records).toEqual(['asset1', 'asset2'])
    expect(p1.fetchedRecordsCount).toBe(2)
    expect(p1.bookmark).not.toBe('')
    const p2 = JSON.parse((await run(l, cc, alice, ['QueryAssetsWithPagination', q, '2', p1.bookmark])).text)
    expect(p2.records).toEqual(['asset3', 'asset9'])
  })

  it('range pagination as Fabric: bookmark is the next start key', async () => {
    const p1 = JSON.parse((await run(l, cc, alice, ['GetAssetsByRangeWithPagination', 'asset1', 'asset9', '2', ''])).text)
    expect(p1).toEqual({ records: ['asset1', 'asset2'], fetchedRecordsCount: 2, bookmark: 'asset3' })
    const p2 = JSON.parse((await run(l, cc, alice, ['GetAssetsByRangeWithPagination', 'asset1', 'asset9', '2', p1.bookmark])).text)
    expect(p2.records).toEqual(['asset3'])
    expect(p2.bookmark).toBe('')
  })

  it('transfer, history newest first with Buffers and timestamps, delete needs the admin attribute', async () => {
    const t = await run(l, cc, alice, ['TransferAsset', 'asset2', 'Carol'])
    expect(t.text).toBe('Brad')
    expect(t.event?.eventName).toBe('TransferAsset')
    const denied = await run(l, cc, alice, ['DeleteAsset', 'asset2'])
    expect(denied.status).toBe(500)
    expect(denied.message).toMatch(/^x509::CN=alice,OU=client,O=Org1MSP::CN=ca.Org1MSP,O=Org1MSP of Org1MSP may not delete assets$/)
    const del = await run(l, cc, admin, ['DeleteAsset', 'asset2'])
    expect(del.status).toBe(200)
    expect(del.rwset?.writes.filter((w) => w.isDelete).map((w) => w.key)).toEqual(['\u0000color~name\u0000red\u0000asset2\u0000', 'asset2'].sort())
    const h = JSON.parse((await run(l, cc, alice, ['GetAssetHistory', 'asset2'])).text)
    expect(h.map((m: { isDelete: boolean, value: { Owner?: string } | null }) => [m.isDelete, m.value?.Owner ?? null])).toEqual([[true, null], [false, 'Carol'], [false, 'Brad']])
    expect(h[2].seconds).toBe(1_700_000_000)
  })

  it('unknown function goes to unknownTransaction; `Contract:fn` naming; unknown contract', async () => {
    const u = await run(l, cc, alice, ['Nope'])
    expect(u).toMatchObject({ status: 500, message: 'AssetTransfer has no function Nope' })
    const named = await run(l, cc, alice, ['AssetTransfer:AssetExists', 'asset1'])
    expect(named.text).toBe('true')
    const other = await run(l, cc, alice, ['StubTour:Missing', 'zzz'])
    expect(JSON.parse(other.text)).toEqual({ isBuffer: true, length: 0 })
    const bad = await run(l, cc, alice, ['Ghost:fn'])
    expect(bad).toMatchObject({ status: 500, message: 'Contract name is not known: Ghost' })
    const base = await run(l, cc, alice, ['AssetTransfer:getName'])
    expect(base.message).toBe('AssetTransfer has no function AssetTransfer:getName')
    const underscore = await run(l, cc, alice, ['_put'])
    expect(underscore.status).toBe(500)
  })
})
