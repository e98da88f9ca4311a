import { memoryKvStoreFactory } from '../../src/storage/memory.js'
import { kvStoreConformance } from './kv-conformance.js'

kvStoreConformance('memory', () => memoryKvStoreFactory())
