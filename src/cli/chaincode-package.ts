/// <reference types="node" />
/**
 * `weft chaincode package <dir>` (Node only): turns an ordinary Fabric Node chaincode folder
 * (package.json `main`, its npm dependencies, META-INF/statedb/couchdb/indexes) into
 *  - a single-file CommonJS bundle (esbuild; fabric-contract-api and fabric-shim left external,
 *    every other dependency inlined), and
 *  - a Fabric lifecycle package: tar.gz of metadata.json {path, type: "node", label} and
 *    code.tar.gz holding src/index.js, src/package.json and META-INF/.
 * The src/package.json keeps the fabric-* dependencies and Fabric's start script, so the same
 * package also installs on a Fabric peer.
 */
import type * as Esbuild from 'esbuild'
import { readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { join, relative, resolve, sep } from 'node:path'
import { gzipSync } from 'node:zlib'
import { ChaincodeError } from '../chaincode/errors.js'
import { writeTar, type TarEntry } from '../chaincode/package/tar.js'

export const EXTERNAL_MODULES = ['fabric-contract-api', 'fabric-shim', 'fabric-shim-api']

export interface PackageOptions {
  /** Package label; default `<name>_<version>` from package.json (Fabric labels allow [A-Za-z0-9.+-_]). */
  label?: string
  /** Where to write `<label>.tar.gz`; nothing is written when omitted. */
  outFile?: string
}

export interface PackageResult {
  label: string
  /** The single-file CommonJS bundle. */
  bundle: string
  /** The `.tar.gz` chaincode package bytes. */
  packageBytes: Uint8Array
  indexes: string[]
}

interface PackageJson { name?: string, version?: string, main?: string, dependencies?: Record<string, string> }

const LABEL = /^[A-Za-z0-9]+([.+\-_][A-Za-z0-9]+)*$/

/** Fabric's label rule; `name@version` becomes `name_version` (scopes dropped). */
export function defaultLabel (pkg: PackageJson): string {
  const name = (pkg.name ?? 'chaincode').replace(/^@[^/]+\//, '').replace(/[^A-Za-z0-9.+\-_]/g, '_')
  return pkg.version === undefined ? name : `${name}_${pkg.version.replace(/[^A-Za-z0-9.+\-_]/g, '_')}`
}

async function filesUnder (dir: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (d: string): Promise<void> => {
    let entries
    try { entries = await readdir(d, { withFileTypes: true }) } catch { return }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name)
      if (e.isDirectory()) await walk(p)
      else if (e.isFile()) out.push(p)
    }
  }
  await walk(dir)
  return out
}

export async function bundleChaincode (dir: string): Promise<{ bundle: string, pkg: PackageJson }> {
  const root = resolve(dir)
  let pkg: PackageJson
  try {
    pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as PackageJson
  } catch (err) {
    throw new ChaincodeError('CHAINCODE_PACKAGE_INVALID', `${dir} has no readable package.json`, { cause: err })
  }
  const main = join(root, pkg.main ?? 'index.js')
  if (!(await stat(main).catch(() => undefined))?.isFile()) throw new ChaincodeError('CHAINCODE_PACKAGE_INVALID', `package.json main ${pkg.main ?? 'index.js'} does not exist`)
  // esbuild is needed only by this command; load it on demand so the library does not require it.
  let build: typeof Esbuild.build
  try {
    build = (await import('esbuild')).build
  } catch (err) {
    throw new ChaincodeError('CHAINCODE_PACKAGE_INVALID', 'weft chaincode package needs esbuild: npm install --save-dev esbuild', { cause: err })
  }
  try {
    const r = await build({
      entryPoints: [main],
      absWorkingDir: root,
      bundle: true,
      write: false,
      platform: 'node',
      format: 'cjs',
      target: 'es2022',
      external: EXTERNAL_MODULES,
      // Contract names default to the class name (fabric-contract-api); without keepNames esbuild
      // renames colliding classes (`Greeter` → `Greeter2`) and `Greeter:Hello` stops resolving.
      keepNames: true,
      legalComments: 'inline',
      logLevel: 'silent'
    })
    return { bundle: (r.outputFiles[0] as { text: string }).text, pkg }
  } catch (err) {
    throw new ChaincodeError('CHAINCODE_PACKAGE_INVALID', `bundling ${dir} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
}

export async function packageChaincode (dir: string, options: PackageOptions = {}): Promise<PackageResult> {
  const root = resolve(dir)
  const { bundle, pkg } = await bundleChaincode(root)
  const label = options.label ?? defaultLabel(pkg)
  if (!LABEL.test(label)) throw new ChaincodeError('CHAINCODE_PACKAGE_INVALID', `invalid label ${JSON.stringify(label)}: use letters, digits and . + - _`)
  const deps = Object.fromEntries(Object.entries(pkg.dependencies ?? {}).filter(([n]) => EXTERNAL_MODULES.includes(n)))
  const enc = new TextEncoder()
  const srcPkg = { name: pkg.name ?? label, version: pkg.version ?? '0.0.0', main: 'index.js', scripts: { start: 'fabric-chaincode-node start' }, dependencies: deps }
  const code: TarEntry[] = [
    { name: 'src/index.js', data: enc.encode(bundle) },
    { name: 'src/package.json', data: enc.encode(JSON.stringify(srcPkg, null, 2) + '\n') }
  ]
  const metaInf = await filesUnder(join(root, 'META-INF'))
  for (const f of metaInf) code.push({ name: relative(root, f).split(sep).join('/'), data: new Uint8Array(await readFile(f)) })
  const metadata = { path: '', type: 'node', label }
  const outer = writeTar([
    { name: 'metadata.json', data: enc.encode(JSON.stringify(metadata)) },
    { name: 'code.tar.gz', data: new Uint8Array(gzipSync(writeTar(code), { level: 9 })) }
  ])
  const packageBytes = new Uint8Array(gzipSync(outer, { level: 9 }))
  if (options.outFile !== undefined) await writeFile(options.outFile, packageBytes)
  const indexes = metaInf.map((f) => relative(root, f).split(sep).join('/')).filter((n) => n.startsWith('META-INF/statedb/couchdb/indexes/'))
  return { label, bundle, packageBytes, indexes }
}
