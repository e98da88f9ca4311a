// Wycheproof in Chromium: its WebCrypto is BoringSSL (Node's is OpenSSL), so the WebCrypto
// verifier's verdicts are checked against both.
import type { WycheproofFile, WycheproofName } from './wycheproof.js'
import { wycheproofSuite } from './wycheproof-suite.js'

// Served by Vite's dev server from the project root (vitest's browser mode roots it at the repo).
const fileUrl = (name: WycheproofName): URL => new URL(`/test/vectors/wycheproof/${name}.json.gz`, location.origin)

wycheproofSuite(async (name: WycheproofName) => {
  let response: Response
  try {
    response = await fetch(fileUrl(name))
  } catch (err) {
    throw new Error(`cannot fetch ${fileUrl(name).href}`, { cause: err })
  }
  if (!response.ok) throw new Error(`cannot fetch ${fileUrl(name).href}: ${response.status}`)
  // Vite may serve a .gz with Content-Encoding: gzip, which the browser has already undone.
  const bytes = new Uint8Array(await response.arrayBuffer())
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b
  const text = gzipped
    ? await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text()
    : new TextDecoder().decode(bytes)
  return JSON.parse(text) as WycheproofFile
})
