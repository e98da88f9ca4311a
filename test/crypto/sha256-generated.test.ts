// The unrolled AssemblyScript kernels are generated (asm/sha256/generate.mjs) and committed;
// this fails when someone edits one by hand or changes the generator without rerunning it.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const asmDir = fileURLToPath(new URL('../../asm/sha256/', import.meta.url))
const outDir = mkdtempSync(join(tmpdir(), 'weft-sha256-gen-'))

describe('generated SHA-256 kernels', () => {
  afterAll(() => rmSync(outDir, { recursive: true, force: true }))

  it.each(['compress.ts', 'compress4.ts', 'compress4-shared.ts'])('%s matches the generator output', (file) => {
    const run = spawnSync(process.execPath, [join(asmDir, 'generate.mjs'), outDir], { encoding: 'utf8' })
    expect(run.status, run.stderr).toBe(0)
    expect(readFileSync(join(asmDir, file), 'utf8')).toBe(readFileSync(join(outDir, file), 'utf8'))
  })
})
