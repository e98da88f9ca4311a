/**
 * CouchDB index definitions installed per namespace (Fabric: META-INF/statedb/couchdb/indexes/*.json
 * of a chaincode package), and the entries a document contributes to them. Each compacted state
 * record carries its entries in `ix` — `ns \0 ddoc/name \0 entryKey` (entry keys: mango/index-key.ts) —
 * under ONE multiEntry IndexedDB index, so defining an index needs no IndexedDB schema upgrade.
 */
import { indexEntryKey, parseIndexDefinition, type IndexDefinition } from './mango/index.js'
import { mangoEntry } from './keys.js'

const decoder = new TextDecoder()

export function indexId (def: IndexDefinition): string {
  return `${def.ddoc}/${def.name}`
}

/** The JSON object a value holds, or undefined (rich queries see only JSON objects, as CouchDB). */
export function parseJsonDocument (value: Uint8Array): unknown {
  if (value.length === 0) return undefined
  const first = value[0] as number
  if (first !== 0x7b /* { */ && first !== 0x20 && first !== 0x0a && first !== 0x09 && first !== 0x0d) return undefined
  try {
    const doc: unknown = JSON.parse(decoder.decode(value))
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? doc : undefined
  } catch {
    return undefined
  }
}

export class MangoIndexes {
  private readonly defs = new Map<string, IndexDefinition[]>()
  private readonly sources = new Map<string, string[]>()

  of (ns: string): IndexDefinition[] {
    return [...(this.defs.get(ns) ?? [])]
  }

  /** [ns, definition files] for every namespace with indexes. */
  all (): Array<[string, string[]]> {
    return [...this.sources].map(([ns, files]) => [ns, [...files]])
  }

  /** Replaces a namespace's definitions (parsing each: MangoError names a bad one). */
  set (ns: string, files: readonly string[]): void {
    const parsed = files.map((d, i) => parseIndexDefinition(d, `index definition ${ns}[${i}]`))
    this.defs.set(ns, parsed)
    this.sources.set(ns, [...files])
  }

  /** The namespace's definition files with `files` added; a definition with the same ddoc/name replaces the old one. */
  merged (ns: string, files: readonly string[]): string[] {
    const out = [...(this.sources.get(ns) ?? [])]
    const ids = out.map((d) => indexId(parseIndexDefinition(d)))
    files.forEach((file, i) => {
      const id = indexId(parseIndexDefinition(file, `index definition ${i}`))
      const at = ids.indexOf(id)
      if (at >= 0) out[at] = file
      else {
        out.push(file)
        ids.push(id)
      }
    })
    return out
  }

  /** The `ix` entries of a document under the namespace's indexes (none for non-JSON values). */
  entries (ns: string, key: string, value: Uint8Array): string[] {
    const defs = this.defs.get(ns)
    if (defs === undefined || defs.length === 0) return []
    const doc = parseJsonDocument(value)
    if (doc === undefined) return []
    const out: string[] = []
    for (const def of defs) {
      const entry = indexEntryKey(def, doc, key)
      if (entry !== undefined) out.push(mangoEntry(ns, indexId(def), entry))
    }
    return out
  }
}
