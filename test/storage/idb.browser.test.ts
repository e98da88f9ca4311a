// The storage contract suite against Chromium's real IndexedDB (one fresh database name per test).
import { describe, expect, it } from 'vitest'
import { idbKvStoreFactory } from '../../src/storage/idb.js'
import { isWeftError } from '../../src/shared/errors.js'
import { kvStoreConformance } from './kv-conformance.js'

kvStoreConformance('IndexedDB (Chromium)', () => idbKvStoreFactory({ namePrefix: `weft-test-${crypto.randomUUID()}-` }))

describe('IndexedDB single writer (Chromium Web Locks)', () => {
  it('refuses a second open of the same store until the first closes', async () => {
    const factory = idbKvStoreFactory({ namePrefix: `weft-test-${crypto.randomUUID()}-` })
    const first = await factory.open('one', [{ name: 't' }])
    await expect(factory.open('one', [{ name: 't' }])).rejects.toSatisfy((e: unknown) => isWeftError(e, 'STORAGE_LOCKED'))
    await first.close()
    const second = await factory.open('one', [{ name: 't' }])
    await second.close()
  })
})
