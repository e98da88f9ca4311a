// The storage contract suite against Chromium's real IndexedDB (one fresh database name per test).
import { idbKvStoreFactory } from '../../src/storage/idb.js'
import { kvStoreConformance } from './kv-conformance.js'

kvStoreConformance('IndexedDB (Chromium)', () => idbKvStoreFactory({ namePrefix: `weft-test-${crypto.randomUUID()}-` }))
