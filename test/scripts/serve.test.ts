// The static server behind `npm start`, e2e tests and browser benchmarks.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStaticServer, type StaticServer } from '../../scripts/serve.mjs'

/** Raw GET without URL normalisation, so `..` segments reach the server as sent. */
function rawGet (port: number, path: string, method = 'GET'): Promise<{ status: number, type: string, body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('startStaticServer', () => {
  let root: string
  let outside: string
  let server: StaticServer

  beforeAll(async () => {
    outside = await mkdtemp(join(tmpdir(), 'weft-serve-'))
    root = join(outside, 'app')
    await mkdir(join(root, 'assets'), { recursive: true })
    await writeFile(join(root, 'index.html'), '<!doctype html><title>app</title>')
    await writeFile(join(root, 'assets', 'mod.wasm'), new Uint8Array([0, 97, 115, 109]))
    await writeFile(join(root, 'assets', 'main.js'), 'export {}')
    await writeFile(join(outside, 'secret.txt'), 'do not serve')
    server = await startStaticServer({ root, port: 0 })
  })
  afterAll(async () => {
    await server.close()
    await rm(outside, { recursive: true, force: true })
  })

  it('listens on 127.0.0.1 on a free port and serves index.html at /', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`)
    expect(server.port).toBeGreaterThan(0)
    const res = await rawGet(server.port, '/')
    expect(res.status).toBe(200)
    expect(res.type).toBe('text/html; charset=utf-8')
    expect(res.body).toContain('<title>app</title>')
  })

  it('sends the MIME types browsers insist on (module scripts, streaming WASM compile)', async () => {
    expect((await rawGet(server.port, '/assets/main.js')).type).toBe('text/javascript; charset=utf-8')
    expect((await rawGet(server.port, '/assets/mod.wasm')).type).toBe('application/wasm')
  })

  it('falls back to index.html for client-side routes but 404s for missing files', async () => {
    expect((await rawGet(server.port, '/network/join')).body).toContain('<title>app</title>')
    expect((await rawGet(server.port, '/assets/missing.js')).status).toBe(404)
  })

  it('never serves files outside its root', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const res = await rawGet(server.port, path)
      expect(res.body).not.toContain('do not serve')
      expect([403, 404, 200]).toContain(res.status) // 200 only as the index.html fallback
    }
  })

  it('rejects methods other than GET and HEAD', async () => {
    expect((await rawGet(server.port, '/', 'POST')).status).toBe(405)
    const head = await rawGet(server.port, '/', 'HEAD')
    expect(head.status).toBe(200)
    expect(head.body).toBe('')
  })
})
