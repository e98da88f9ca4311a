import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { readChaincodePackage } from '../../src/chaincode/package/read-package.js'
import { readTar, writeTar } from '../../src/chaincode/package/tar.js'
import { defaultLabel, packageChaincode } from '../../src/cli/chaincode-package.js'
import { main } from '../../src/cli/weft.js'
import { ChaincodeError } from '../../src/chaincode/index.js'

const DIR = fileURLToPath(new URL('../fixtures/chaincode/asset-transfer', import.meta.url))

describe('weft chaincode package', () => {
  it('bundles the folder with its npm dependencies inlined and fabric-* left external', async () => {
    const r = await packageChaincode(DIR)
    expect(r.label).toBe('asset-transfer_1.0.0')
    expect(r.bundle).toMatch(/require\("fabric-contract-api"\)/)
    expect(r.bundle).not.toMatch(/require\("json-stringify-deterministic"\)/)
    expect(r.bundle).not.toMatch(/require\("sort-keys-recursive"\)/)
    expect(r.indexes).toEqual(['META-INF/statedb/couchdb/indexes/indexOwner.json'])
  })

  it('writes Fabric\'s package layout: metadata.json + code.tar.gz (src/, META-INF/)', async () => {
    const r = await packageChaincode(DIR, { label: 'basic_1.0' })
    const outer = readTar(new Uint8Array(gunzipSync(r.packageBytes)))
    expect(outer.map((e) => e.name)).toEqual(['metadata.json', 'code.tar.gz'])
    expect(JSON.parse(new TextDecoder().decode(outer[0]?.data))).toEqual({ path: '', type: 'node', label: 'basic_1.0' })
    const code = readTar(new Uint8Array(gunzipSync(outer[1]?.data as Uint8Array)))
    expect(code.map((e) => e.name)).toEqual(['src/index.js', 'src/package.json', 'META-INF/statedb/couchdb/indexes/indexOwner.json'])
    const pkg = JSON.parse(new TextDecoder().decode(code[1]?.data))
    expect(pkg).toEqual({ name: 'asset-transfer', version: '1.0.0', main: 'index.js', scripts: { start: 'fabric-chaincode-node start' }, dependencies: { 'fabric-contract-api': '^2.5.0', 'fabric-shim': '^2.5.0' } })
    const opened = await readChaincodePackage(r.packageBytes)
    expect(opened.label).toBe('basic_1.0')
    expect(opened.source).toBe(r.bundle)
    expect(opened.indexes).toEqual([{ name: 'indexOwner.json', definition: await readFile(join(DIR, 'META-INF/statedb/couchdb/indexes/indexOwner.json'), 'utf8') }])
    // Same input, same bytes (package ids are hashes of these bytes).
    expect((await packageChaincode(DIR, { label: 'basic_1.0' })).packageBytes).toEqual(r.packageBytes)
  })

  it('keeps class names, so contracts named after their class survive a name clash in the bundle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-cc-'))
    try {
      await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'clash', version: '1.0.0', main: 'index.js' }))
      // ES modules share one scope in the bundle, so esbuild must rename one of the two classes.
      await writeFile(join(dir, 'other.js'), 'export class Greeter { hi () { return 1 } }\n')
      await writeFile(join(dir, 'index.js'), [
        "import { Contract } from 'fabric-contract-api'",
        "import { Greeter as Other } from './other.js'",
        'export class Greeter extends Contract { async Hello () { return String(new Other().hi()) } }',
        'export const contracts = [Greeter]'
      ].join('\n'))
      const { bundle } = await packageChaincode(dir)
      // Two `Greeter` classes share the bundle scope; the contract's runtime name must stay `Greeter`.
      const contracts = new Function('require', 'module', `${bundle}; return module.exports.contracts`)(
        (id: string) => id === 'fabric-contract-api' ? { Contract: class {} } : undefined,
        { exports: {} }
      ) as Array<{ name: string }>
      expect(contracts.map((c) => c.name)).toEqual(['Greeter'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('labels: name_version by default, Fabric\'s label rule enforced', async () => {
    expect(defaultLabel({ name: '@org/cc', version: '2.0.1' })).toBe('cc_2.0.1')
    await expect(packageChaincode(DIR, { label: 'bad label!' })).rejects.toBeInstanceOf(ChaincodeError)
  })

  it('fails clearly on a folder without package.json or main, and on bad package bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-cc-'))
    try {
      await expect(packageChaincode(dir)).rejects.toThrow(/no readable package.json/)
      await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'x', main: 'missing.js' }))
      await expect(packageChaincode(dir)).rejects.toThrow(/main missing.js does not exist/)
      await mkdir(join(dir, 'lib'))
      await writeFile(join(dir, 'lib', 'a.js'), "require('not-installed-anywhere')")
      await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'x', main: 'lib/a.js' }))
      await expect(packageChaincode(dir)).rejects.toThrow(/bundling .* failed/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    await expect(readChaincodePackage(new Uint8Array([1, 2, 3]))).rejects.toSatisfy((e: unknown) => e instanceof ChaincodeError && e.code === 'CHAINCODE_PACKAGE_INVALID')
  })

  it('the CLI writes the package and the bundle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-cli-'))
    try {
      const lines: string[] = []
      const out = join(dir, 'cc.tar.gz')
      const bundle = join(dir, 'cc.js')
      expect(await main(['chaincode', 'package', DIR, '--out', out, '--bundle', bundle, '--label', 'basic_2'], (l) => lines.push(l))).toBe(0)
      expect(lines[0]).toMatch(/^wrote .*cc.tar.gz \(label basic_2, \d+ bytes, 1 index file\(s\)\)$/)
      expect((await readChaincodePackage(new Uint8Array(await readFile(out)))).source).toBe(await readFile(bundle, 'utf8'))
      expect(await main(['chaincode'], (l) => lines.push(l))).toBe(2)
      expect(await main(['chaincode', 'package', join(dir, 'nope')], (l) => lines.push(l))).toBe(1)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('ustar', () => {
  it('round-trips any file names (up to 255 bytes with a slash) and contents', () => {
    const name = fc.array(fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/), { minLength: 1, maxLength: 5 }).map((p) => p.join('/'))
    fc.assert(fc.property(fc.array(fc.record({ name, data: fc.uint8Array({ maxLength: 1500 }) }), { maxLength: 6 }), (entries) => {
      expect(readTar(writeTar(entries))).toEqual(entries.map((e) => ({ name: e.name, data: e.data })))
    }), { numRuns: 100 })
  })

  it('rejects corrupted headers and truncated entries', () => {
    const t = writeTar([{ name: 'a.txt', data: new Uint8Array(600) }])
    const bad = t.slice()
    bad[10] = 65
    expect(() => readTar(bad)).toThrow(/checksum/)
    expect(() => readTar(t.slice(0, 700))).toThrow(/truncated/)
  })
})
