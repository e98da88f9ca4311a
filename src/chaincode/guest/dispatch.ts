/**
 * fabric-shim's ChaincodeFromContract (lib/contract-spi/chaincodefromcontract.js): instantiates the
 * exported contract classes plus the system contract `org.hyperledger.fabric` (GetMetadata),
 * builds the metadata from decorators or by introspection, splits `Contract:fn` (empty contract
 * = default), marshals parameters and return values, and runs before/around/after/unknownTransaction.
 * Deviation: parameters are converted by their schema but not validated with ajv (not bundled).
 */
import { Buffer } from 'buffer'
import { ClientIdentity } from './client-identity.js'
import { Contract, JSONSerializer, METADATA_ROOT } from './contract-api.js'
import { Shim, type ShimResponse } from './shim.js'
import type { Stub } from './stub.js'

type Schema = Record<string, unknown>
interface TxMeta { name: string, tags?: string[], tag?: string[], parameters?: Array<{ name: string, description?: string, schema: Schema }>, returns?: Schema }
interface ContractMeta { name: string, contractInstance: Record<string, unknown>, transactions: TxMeta[], info: Record<string, unknown> }
type Ctor = new () => object

class SystemContract extends Contract {
  #metadata: unknown = {}
  constructor () { super('org.hyperledger.fabric') }
  _setMetadata (metadata: unknown): void { this.#metadata = metadata }
  async GetMetadata (): Promise<unknown> { return this.#metadata }
}

export interface ContractModule { contracts?: unknown, title?: unknown, version?: unknown }

export class ChaincodeFromContract {
  readonly defaultContractName: string
  readonly #impls = new Map<string, Contract>()
  readonly #metadata: { $schema: string, contracts: Record<string, ContractMeta>, info: Record<string, unknown>, components: { schemas: Record<string, Schema> } }
  readonly #serializer = new JSONSerializer()

  constructor (mod: ContractModule) {
    if (!Array.isArray(mod.contracts) || mod.contracts.length === 0) throw new Error('There are no contracts in the module: export `contracts` (an array of Contract classes)')
    const classes = [...mod.contracts as Ctor[], SystemContract]
    let dflt = Reflect.getMetadata('fabric:default', METADATA_ROOT) as string | undefined
    for (const cls of classes) {
      if (typeof cls !== 'function') throw new Error('contracts must contain Contract classes')
      const contract = new cls() as Contract
      if (!Contract._isContract(contract)) throw new Error(`invalid contract instance ${JSON.stringify(contract)}`)
      const name = contract.getName()
      if (dflt === undefined) dflt = name
      if (dflt === name) contract.default = true
      this.#impls.set(name, contract)
    }
    this.defaultContractName = dflt as string
    const skip = Object.getOwnPropertyNames(Contract.prototype)
    const contracts: Record<string, ContractMeta> = {}
    const infos = (Reflect.getMetadata('fabric:info', METADATA_ROOT) as Record<string, Record<string, unknown>> | undefined) ?? {}
    for (const [name, impl] of this.#impls) {
      const instance = JSON.parse(JSON.stringify(impl)) as Record<string, unknown>
      for (const k of Object.keys(instance)) if (k.startsWith('_')) delete instance[k]
      contracts[name] = { name, contractInstance: instance, transactions: this.#transactions(impl, skip), info: infos[impl.constructor.name] ?? { title: '', version: '' } }
    }
    const schemas = (Reflect.getMetadata('fabric:objects', METADATA_ROOT) as Record<string, Schema> | undefined) ?? {}
    this.#metadata = {
      $schema: 'https://hyperledger.github.io/fabric-chaincode-node/main/api/contract-schema.json',
      contracts,
      info: { version: typeof mod.version === 'string' ? mod.version : '', title: typeof mod.title === 'string' ? mod.title : '' },
      components: { schemas }
    }
    ;(this.#impls.get('org.hyperledger.fabric') as SystemContract)._setMetadata(JSON.parse(JSON.stringify(this.#metadata)))
  }

  #transactions (contract: Contract, skip: string[]): TxMeta[] {
    const declared = Reflect.getMetadata('fabric:transactions', contract) as TxMeta[] | undefined
    if (declared !== undefined && declared.length > 0) return declared
    const out: TxMeta[] = []
    for (const prop of Object.getOwnPropertyNames(Object.getPrototypeOf(contract) as object)) {
      const value = (contract as unknown as Record<string, unknown>)[prop]
      if (typeof value !== 'function' || prop === 'constructor' || prop.startsWith('_') || skip.includes(prop)) continue
      const tx: TxMeta = { name: prop }
      if (contract.getName() !== 'org.hyperledger.fabric') tx.tags = ['SUBMIT', 'submitTx']
      if (value.length > 1) {
        tx.parameters = []
        for (let p = 1; p < value.length; p++) tx.parameters.push({ name: `arg${p - 1}`, description: `Argument ${p - 1}`, schema: { type: 'string' } })
      }
      out.push(tx)
    }
    return out
  }

  async Init (stub: Stub): Promise<ShimResponse> { return await this.invoke(stub) }
  async Invoke (stub: Stub): Promise<ShimResponse> { return await this.invoke(stub) }

  async invoke (stub: Stub): Promise<ShimResponse> {
    const args = stub.getBufferArgs()
    if (args.length < 1) return Shim.success(Buffer.from('Default initiator successful.'))
    try {
      const m = /([^:]*)(?::|^)(.*)/.exec((args[0] as Buffer).toString()) as RegExpExecArray
      const cn = (m[1] ?? '').trim() === '' ? this.defaultContractName : m[1] as string
      const fn = m[2] ?? ''
      const contract = this.#impls.get(cn)
      if (contract === undefined) throw new Error(`Contract name is not known: ${cn}`)
      const ctx = contract.createContext()
      ctx.setChaincodeStub(stub)
      ctx.setClientIdentity(new ClientIdentity(stub))
      const tx = (this.#metadata.contracts[cn] as ContractMeta).transactions.find((t) => t.name === fn)
      if (tx === undefined) {
        try {
          await contract.unknownTransaction(ctx)
          return Shim.success()
        } catch (err) {
          return Shim.error(messageOf(err))
        }
      }
      const parameters = this.#parameters(tx, args.slice(1))
      await contract.beforeTransaction(ctx)
      const result = await contract.aroundTransaction(ctx, fn, parameters)
      await contract.afterTransaction(ctx, result)
      return Shim.success(this.#serializer.toBuffer(result, (tx.returns ?? {}) as Schema))
    } catch (err) {
      return Shim.error(messageOf(err))
    }
  }

  #parameters (tx: TxMeta, supplied: Buffer[]): unknown[] {
    const expected = tx.parameters
    if (expected === undefined) return supplied.map((b) => b.toString())
    if (expected.length !== supplied.length) throw new Error(`Expected ${expected.length} parameters, but ${supplied.length} have been supplied`)
    return expected.map((p, i) => {
      if (p.schema.type === undefined && p.schema.$ref === undefined) throw new Error(`Incorrect type information ${JSON.stringify(p.schema)}`)
      return this.#serializer.fromBuffer(supplied[i] as Buffer, p.schema, this.#metadata.components.schemas)
    })
  }
}

export function messageOf (err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}
