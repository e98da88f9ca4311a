/// <reference types="node" />
/** The `weft` command line (Node). Commands: `weft chaincode package <dir> [--label L] [--out FILE] [--bundle FILE]`. */
import { writeFile } from 'node:fs/promises'
import { packageChaincode } from './chaincode-package.js'

const USAGE = 'usage: weft chaincode package <dir> [--label <label>] [--out <file.tar.gz>] [--bundle <file.js>]'

export async function main (argv: readonly string[], out: (line: string) => void): Promise<number> {
  const [group, command, ...rest] = argv
  if (group !== 'chaincode' || command !== 'package') { out(USAGE); return 2 }
  let dir: string | undefined
  const flags: Record<string, string> = {}
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string
    if (a === '--label' || a === '--out' || a === '--bundle') {
      const v = rest[++i]
      if (v === undefined) { out(`${a} needs a value\n${USAGE}`); return 2 }
      flags[a.slice(2)] = v
    } else if (dir === undefined) {
      dir = a
    } else {
      out(USAGE); return 2
    }
  }
  if (dir === undefined) { out(USAGE); return 2 }
  try {
    const first = await packageChaincode(dir, flags.label !== undefined ? { label: flags.label } : {})
    const outFile = flags.out ?? `${first.label}.tar.gz`
    await writeFile(outFile, first.packageBytes)
    if (flags.bundle !== undefined) await writeFile(flags.bundle, first.bundle)
    out(`wrote ${outFile} (label ${first.label}, ${first.packageBytes.length} bytes, ${first.indexes.length} index file(s))`)
    return 0
  } catch (err) {
    out(`weft: ${err instanceof Error ? err.message : String(err)}`)
    return 1
  }
}
