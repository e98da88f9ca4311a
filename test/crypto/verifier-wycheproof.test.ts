import { readFile } from 'node:fs/promises'
import { gunzipSync } from 'node:zlib'
import type { WycheproofFile, WycheproofName } from './wycheproof.js'
import { wycheproofSuite } from './wycheproof-suite.js'

wycheproofSuite(async (name: WycheproofName) => {
  const gz = await readFile(new URL(`../vectors/wycheproof/${name}.json.gz`, import.meta.url))
  return JSON.parse(gunzipSync(gz).toString('utf8')) as WycheproofFile
})
