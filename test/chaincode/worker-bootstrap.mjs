// Runs the TypeScript worker entry inside a worker thread during tests (dist/ has the compiled one).
import { register } from 'tsx/esm/api'

register()
await import('../../src/chaincode/worker/worker-entry.node.ts')
