import { ChaincodeError } from '../errors.js'
import { readTar, type TarEntry } from './tar.js'

/** A chaincode package (Fabric's lifecycle format) opened for Weft. */
export interface ChaincodePackage {
  /** metadata.json `label`. */
  label: string
  /** metadata.json `type` (`node` for packages made by `weft chaincode package`). */
  type: string
  /** The single-file bundle to run (the file named by `main` in src/package.json). */
  source: string
  /** CouchDB index definitions from META-INF/statedb/couchdb/indexes (file name → JSON text). */
  indexes: Array<{ name: string, definition: string }>
  /** Every file of code.tar.gz. */
  files: TarEntry[]
}

const INDEX_DIR = 'META-INF/statedb/couchdb/indexes/'

async function gunzip (bytes: Uint8Array): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'))
    return new Uint8Array(await new Response(stream).arrayBuffer())
  } catch (err) {
    throw new ChaincodeError('CHAINCODE_PACKAGE_INVALID', 'chaincode package is not gzip data', { cause: err })
  }
}

function file (entries: TarEntry[], name: string): TarEntry | undefined {
  return entries.find((e) => e.name === name || e.name === `./${name}`)
}

function strip (name: string): string { return name.startsWith('./') ? name.slice(2) : name }

/** Opens a `.tar.gz` chaincode package: metadata.json + code.tar.gz (src/ and META-INF/). */
export async function readChaincodePackage (bytes: Uint8Array): Promise<ChaincodePackage> {
  if (!(bytes instanceof Uint8Array)) throw new ChaincodeError('CHAINCODE_BAD_INPUT', 'package must be bytes')
  const outer = readTar(await gunzip(bytes))
  const meta = file(outer, 'metadata.json')
  const code = file(outer, 'code.tar.gz')
  if (meta === undefined || code === undefined) throw new ChaincodeError('CHAINCODE_PACKAGE_INVALID', 'package must contain metadata.json and code.tar.gz')
  let metadata: { label?: unknown, type?: unknown }
  try { metadata = JSON.parse(new TextDecoder().decode(meta.data)) as typeof metadata } catch (err) {
    throw new ChaincodeError('CHAINCODE_PACKAGE_INVALID', 'metadata.json is not JSON', { cause: err })
  }
  if (typeof metadata.label !== 'string' || !/^[A-Za-z0-9]+([.+\-_][A-Za-z0-9]+)*$/.test(metadata.label)) {
    throw new ChaincodeError('CHAINCODE_PACKAGE_INVALID', 'metadata.json label is missing or not a valid Fabric label')
  }
  if (typeof metadata.type !== 'string') throw new ChaincodeError('CHAINCODE_PACKAGE_INVALID', 'metadata.json type is missing')
  const files = readTar(await gunzip(code.data)).map((e) => ({ name: strip(e.name), data: e.data }))
  const pkgJson = file(files, 'src/package.json')
  let main = 'index.js'
  if (pkgJson !== undefined) {
    try {
      const m = (JSON.parse(new TextDecoder().decode(pkgJson.data)) as { main?: unknown }).main
      if (typeof m === 'string' && m !== '') main = m.replace(/^\.\//, '')
    } catch (err) {
      throw new ChaincodeError('CHAINCODE_PACKAGE_INVALID', 'src/package.json is not JSON', { cause: err })
    }
  }
  const mainFile = file(files, `src/${main}`)
  if (mainFile === undefined) throw new ChaincodeError('CHAINCODE_PACKAGE_INVALID', `code.tar.gz has no src/${main}`)
  const indexes = files.filter((f) => f.name.startsWith(INDEX_DIR) && f.name.endsWith('.json'))
    .map((f) => ({ name: f.name.slice(INDEX_DIR.length), definition: new TextDecoder().decode(f.data) }))
  return { label: metadata.label, type: metadata.type, source: new TextDecoder().decode(mainFile.data), indexes, files }
}
