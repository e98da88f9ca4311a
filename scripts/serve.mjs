// Serves the built app (dist/app) over plain HTTP. `npm start` runs this after building;
// e2e tests and the browser bench runner import `startStaticServer` to get a real origin
// (IndexedDB, WebCrypto and storage estimates need one; file:// would not do).
//
// Seam for the network issue: the libp2p relay that tabs use for WebRTC signalling will be
// started here too, beside the static server, and its address handed to pages through the
// invite URL. Nothing relay-related runs yet.
import { createServer } from 'node:http'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { networkInterfaces } from 'node:os'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)))
export const DEFAULT_APP_DIR = join(repoRoot, 'dist/app')
export const DEFAULT_PORT = 5173

const MIME_TYPES = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8'
})

/**
 * Starts a static file server for `root`. Paths without an extension that do not exist fall back
 * to index.html (the app is a single page). `port: 0` picks a free port.
 * @param {{ root?: string, host?: string, port?: number }} [options]
 * @returns {Promise<{ url: string, host: string, port: number, close: () => Promise<void> }>}
 */
export async function startStaticServer (options = {}) {
  const root = resolve(options.root ?? DEFAULT_APP_DIR)
  const host = options.host ?? '127.0.0.1'
  const server = createServer((request, response) => {
    serveFile(root, request, response).catch((error) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
      response.end(`Internal error: ${error instanceof Error ? error.message : String(error)}`)
    })
  })
  await new Promise((resolveListen, rejectListen) => {
    server.once('error', rejectListen)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', rejectListen)
      resolveListen(undefined)
    })
  })
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
  return {
    url: `http://${urlHost}:${port}/`,
    host,
    port,
    close: () => new Promise((resolveClose) => {
      server.closeAllConnections()
      server.close(() => resolveClose(undefined))
    })
  }
}

async function serveFile (root, request, response) {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end()
    return
  }
  let pathname
  try {
    pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname)
  } catch {
    response.writeHead(400).end('Bad request')
    return
  }
  const candidate = normalize(join(root, pathname))
  if (candidate !== root && !candidate.startsWith(root + sep)) {
    response.writeHead(403).end('Forbidden')
    return
  }
  let file = candidate
  let info = await stat(file).catch(() => undefined)
  if (info?.isDirectory() === true) {
    file = join(file, 'index.html')
    info = await stat(file).catch(() => undefined)
  }
  if (info === undefined && extname(pathname) === '') {
    file = join(root, 'index.html') // single-page fallback for client-side routes
    info = await stat(file).catch(() => undefined)
  }
  if (info === undefined || !info.isFile()) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found')
    return
  }
  const type = MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
  // Vite puts content hashes in asset names, so those may be cached forever; index.html must not be.
  const cache = file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache'
  response.writeHead(200, { 'content-type': type, 'content-length': info.size, 'cache-control': cache })
  if (request.method === 'HEAD') {
    response.end()
    return
  }
  createReadStream(file).pipe(response)
}

/** Non-internal IPv4 addresses, for printing LAN URLs. */
export function lanAddresses () {
  return Object.values(networkInterfaces())
    .flat()
    .filter((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal)
    .map((entry) => entry.address)
}

async function main () {
  const { existsSync } = await import('node:fs')
  const root = process.env.WEFT_APP_DIR ?? DEFAULT_APP_DIR
  if (!existsSync(join(root, 'index.html'))) {
    process.stderr.write(`No built app in ${root}. Run \`npm start\` (it builds first) or \`npm run build\`.\n`)
    process.exit(1)
  }
  // Listen on every interface so workshop participants on the LAN can join; HOST=127.0.0.1 keeps it local.
  const host = process.env.HOST ?? '0.0.0.0'
  const explicitPort = process.env.PORT !== undefined && process.env.PORT !== ''
  const wanted = explicitPort ? Number(process.env.PORT) : DEFAULT_PORT
  if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) {
    process.stderr.write(`PORT must be an integer 0–65535, got ${String(process.env.PORT)}\n`)
    process.exit(1)
  }
  let server
  try {
    server = await startStaticServer({ root, host, port: wanted })
  } catch (error) {
    if (explicitPort || error?.code !== 'EADDRINUSE') throw error
    server = await startStaticServer({ root, host, port: 0 }) // default port busy: take any free one
  }
  const lines = ['', '  Weft is running.', '', `  Open:  http://127.0.0.1:${server.port}/`]
  if (host === '0.0.0.0' || host === '::') {
    for (const address of lanAddresses()) {
      lines.push(`  LAN:   http://${address}:${server.port}/  (not a secure context: browsers disable WebCrypto and some storage APIs there)`)
    }
  }
  lines.push('', '  Press Ctrl+C to stop.', '')
  process.stdout.write(lines.join('\n'))
  const stop = () => {
    server.close().then(() => process.exit(0), () => process.exit(1))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main()
}
