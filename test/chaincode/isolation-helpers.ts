import { ChaincodeError, ChaincodeRuntime } from '../../src/chaincode/index.js'

export { ChaincodeRuntime }

export function isChaincodeError (e: unknown, code: string): boolean {
  return e instanceof ChaincodeError && e.code === code
}
