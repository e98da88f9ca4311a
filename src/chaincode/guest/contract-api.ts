/**
 * Weft's `fabric-contract-api` module (apis/fabric-contract-api/lib): Contract, Context,
 * JSONSerializer and the decorators. Decorators record metadata with reflect-metadata exactly
 * as Fabric's do (`fabric:transactions` on the prototype; `fabric:objects`, `fabric:info`,
 * `fabric:default` on the global object), so TypeScript- and Babel-emitted decorators
 * (including `design:paramtypes`) give the same GetMetadata output as on a Fabric peer.
 */
import 'reflect-metadata'
import { Buffer } from 'buffer'
import type { ClientIdentity } from './client-identity.js'
import type { Stub } from './stub.js'
import { newLogger } from './logger.js'
import { classDecorator, fieldDecorator, methodDecorator } from './standard-decorators.js'

type Schema = Record<string, unknown>
interface TxMeta { name: string, tag?: string[], parameters?: Array<{ name: string, description: string, schema: Schema }>, returns?: Schema }
type Ctor = new (...args: unknown[]) => object

/** Where Fabric's decorators keep global metadata (`global` in Node). */
export const METADATA_ROOT: object = globalThis

export class Context {
  stub!: Stub
  clientIdentity!: ClientIdentity
  logging = { setLevel: (_level: string) => undefined, getLogger: (name?: string) => newLogger(name) }
  setChaincodeStub (stub: Stub): void { this.stub = stub }
  setClientIdentity (clientIdentity: ClientIdentity): void { this.clientIdentity = clientIdentity }
}

export class Contract {
  readonly __isContract = true
  name: string
  default?: boolean

  constructor (name?: string) {
    this.name = name === undefined || name === null ? this.constructor.name : String(name).trim()
  }

  static _isContract (obj: unknown): boolean {
    return obj instanceof Contract || (typeof obj === 'object' && obj !== null && (obj as { __isContract?: unknown }).__isContract === true)
  }

  async beforeTransaction (_ctx: Context): Promise<void> {}
  async afterTransaction (_ctx: Context, _result: unknown): Promise<void> {}
  async aroundTransaction (ctx: Context, fn: string, parameters: unknown[]): Promise<unknown> {
    const f = (this as unknown as Record<string, unknown>)[fn]
    if (typeof f !== 'function') throw new Error(`You've asked to invoke a function that does not exist: ${fn}`)
    return await (f as (...a: unknown[]) => unknown).call(this, ctx, ...parameters)
  }

  async unknownTransaction (ctx: Context): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters()
    throw new Error(`You've asked to invoke a function that does not exist: ${fcn}`)
  }

  createContext (): Context { return new Context() }
  getName (): string { return this.name }
}

/** fabric-contract-api's JSONSerializer (class-transformer replaced by plain JSON, which is what it does for plain objects). */
export class JSONSerializer {
  toBuffer (result: unknown, schema: Schema = {}): Buffer | undefined {
    if (result === undefined || result === null) return undefined
    if (schema.type === 'string' || schema.type === 'number') {
      if (schema.type !== typeof result) throw new Error(`Returned value is ${typeof result} does not match schema type of ${String(schema.type)}`)
      return Buffer.from(String(result))
    }
    if (typeof result === 'number' || typeof result === 'string' || typeof result === 'boolean') return Buffer.from(result.toString())
    return Buffer.from(JSON.stringify(result))
  }

  fromBuffer (data: Uint8Array, schema: Schema, components: Record<string, Schema>): unknown {
    const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')
    return this.fromString(text, schema, components)
  }

  private fromString (text: string, schema: Schema, components: Record<string, Schema>): unknown {
    let s = schema
    if (typeof s.$ref === 'string') s = { type: 'object', ...(components[s.$ref.split('/').pop() as string] ?? {}) }
    switch (s.type) {
      case 'string': return text
      case 'number': {
        const n = Number(text)
        if (Number.isNaN(n)) throw new Error('fromBuffer could not convert data to number')
        return n
      }
      case 'boolean': {
        const b = text.trim().toLowerCase()
        if (b === 'true') return true
        if (b === 'false') return false
        throw new Error('fromBuffer could not convert data to boolean')
      }
      case 'array': {
        const arr: unknown = JSON.parse(text)
        if (!Array.isArray(arr)) throw new Error('Unable to validate parameter: expected an array')
        return arr.map((v) => this.fromString(JSON.stringify(v), (s.items ?? {}) as Schema, components))
      }
      case 'object': {
        const value: unknown = JSON.parse(text)
        const cnstr = (s as { cnstr?: unknown }).cnstr
        if (typeof cnstr === 'function' && typeof value === 'object' && value !== null) {
          return Object.assign(Object.create((cnstr as Ctor).prototype as object) as object, value)
        }
        return value
      }
    }
    try {
      const v = JSON.parse(text) as { type?: unknown, data?: unknown } | null
      if (v !== null && typeof v === 'object' && v.type === 'Buffer' && Array.isArray(v.data)) return Buffer.from(v.data as number[])
      return v
    } catch {
      return text
    }
  }
}

// ---- decorators (annotations/*.js) ----

const refPath = '#/components/schemas/'

function appendOrUpdate (arr: TxMeta[], id: string, data: Partial<TxMeta>): void {
  const existing = arr.find((o) => o.name === id)
  if (existing !== undefined) Object.assign(existing, data)
  else arr.push({ ...data, name: id })
}

export function generateSchema (type: string, fullPath = true): Schema {
  const lower = type.toLowerCase()
  if (lower === 'string' || lower === 'number' || lower === 'boolean') return { type: lower }
  if (/^Array<[A-z].*>$/.test(type)) return { type: 'array', items: generateSchema(type.replace('Array<', '').replace('>', ''), fullPath) }
  if (/^[A-z].*(\[\])+?/.test(type)) return { type: 'array', items: generateSchema(type.replace('[]', ''), fullPath) }
  if (/^Map<[A-z].*,\s?[A-z].*>$/.test(type)) return { type: 'object', additionalProperties: generateSchema(type.replace(/^Map<[A-z].*?,\s?/, '').replace('>', ''), fullPath) }
  return { $ref: (fullPath ? refPath : '') + type }
}

/** Parameter names of a function from its source (what the `get-params` package does). */
export function getParams (fn: unknown): string[] {
  if (typeof fn !== 'function') return []
  const src = Function.prototype.toString.call(fn).replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '')
  const m = /^[^(]*\(([^)]*)\)/.exec(src) ?? /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(src)
  if (m === null) return []
  return (m[1] as string).split(',').map((p) => p.replace(/=[\s\S]*$/, '').replace(/^\.\.\./, '').trim()).filter((p) => p !== '')
}

function transactionsOf (target: object): TxMeta[] {
  return (Reflect.getMetadata('fabric:transactions', target) as TxMeta[] | undefined) ?? []
}

function typeName (t: unknown): string {
  return typeof t === 'function' ? (t as { name: string }).name : String(t)
}

export function Transaction (commit = true) {
  return (target: object, propertyKey: string): void => {
    const transactions = transactionsOf(target)
    const transaction = transactions.find((t) => t.name === propertyKey)
    const paramNames = getParams((target as Record<string, unknown>)[propertyKey])
    const contextType = (target as Contract).createContext().constructor
    const paramTypes = (Reflect.getMetadata('design:paramtypes', target, propertyKey) as unknown[] | undefined) ?? []
    let numRemoved = 0
    const parameters = paramTypes.filter((paramType, idx) => {
      const isCtx = paramType === contextType
      if (isCtx) paramNames.splice(idx - numRemoved++, 1)
      return !isCtx
    }).map((paramType, idx) => {
      const name = paramNames[idx] as string
      const type = typeName(paramType)
      if (type === 'Object') throw new Error(`Type not properly specified for parameter ${name}, can not process pure Object types`)
      return { name, description: '', schema: generateSchema(type) }
    })
    for (const tParam of transaction?.parameters ?? []) {
      for (let i = 0; i < parameters.length; i++) if (parameters[i]?.name === tParam.name) parameters[i] = tParam
    }
    appendOrUpdate(transactions, propertyKey, { tag: commit ? ['SUBMIT', 'submitTx'] : ['EVALUATE'], parameters })
    Reflect.defineMetadata('fabric:transactions', transactions, target)
  }
}

export function Returns (returnType: string) {
  return (target: object, propertyKey: string): void => {
    const transactions = transactionsOf(target)
    appendOrUpdate(transactions, propertyKey, { returns: generateSchema(returnType) })
    Reflect.defineMetadata('fabric:transactions', transactions, target)
  }
}

export function Param (paramName: string, paramType: string, description?: string) {
  return (target: object, propertyKey: string): void => {
    const transactions = transactionsOf(target)
    const transaction = transactions.find((t) => t.name === propertyKey)
    const schema = generateSchema(paramType)
    const desc = description ?? ''
    if (transaction?.parameters !== undefined) {
      const param = transaction.parameters.find((p) => p.name === paramName)
      if (param !== undefined) {
        param.schema = schema
        param.description = desc
      } else {
        transaction.parameters.push({ name: paramName, description: desc, schema })
      }
    } else {
      appendOrUpdate(transactions, propertyKey, { parameters: [{ name: paramName, description: desc, schema }] })
    }
    Reflect.defineMetadata('fabric:transactions', transactions, target)
  }
}

export function Object_ (opts?: { discriminator?: string }) {
  return (target: Ctor): void => {
    const objects = (Reflect.getMetadata('fabric:objects', METADATA_ROOT) as Record<string, Schema> | undefined) ?? {}
    const properties = (Reflect.getMetadata('fabric:object-properties', target.prototype as object) as Schema | undefined) ?? {}
    const supertype = (Object.getPrototypeOf(target.prototype) as { constructor: { name: string } }).constructor.name
    if (supertype === 'Object') {
      const o: Schema = { $id: target.name, type: 'object', cnstr: target, properties }
      if (opts?.discriminator !== undefined) o.discriminator = { propertyName: opts.discriminator }
      objects[target.name] = o
    } else {
      objects[target.name] = { $id: target.name, cnstr: target, allOf: [{ type: 'object', properties }, { $ref: supertype }] }
    }
    Reflect.defineMetadata('fabric:objects', objects, METADATA_ROOT)
  }
}

export function Property (name?: string, type?: string) {
  return (target: object, propertyKey: string): void => {
    const properties = (Reflect.getOwnMetadata('fabric:object-properties', target) as Schema | undefined) ?? {}
    let n = name
    let t = type
    if (n === undefined || n === '' || t === undefined || t === '') {
      n = propertyKey
      t = typeName(Reflect.getMetadata('design:type', target, propertyKey))
    }
    properties[n] = generateSchema(t, false)
    Reflect.defineMetadata('fabric:object-properties', properties, target)
  }
}

export function Info (info: Record<string, unknown> = {}) {
  return (target: Ctor): void => {
    const data = (Reflect.getMetadata('fabric:info', METADATA_ROOT) as Record<string, unknown> | undefined) ?? {}
    const i = { ...info }
    if (i.name === undefined || i.name === '') i.name = target.name
    if (i.version === undefined || i.version === '') i.version = ''
    data[target.name] = i
    Reflect.defineMetadata('fabric:info', data, METADATA_ROOT)
  }
}

export function Default () {
  return (target: Ctor): void => {
    if (Reflect.getMetadata('fabric:default', METADATA_ROOT) !== undefined) throw new Error('A default has already been specified')
    const contract = new target() as Contract
    Reflect.defineMetadata('fabric:default', contract.getName(), METADATA_ROOT)
  }
}

/** The module chaincode requires; its decorators take the legacy and the TC39 (2023-11) form. */
export const fabricContractApi = Object.freeze({
  Contract,
  Context,
  JSONSerializer,
  Transaction: (commit?: boolean) => methodDecorator('Transaction', Transaction(commit)),
  Returns: (returnType: string) => methodDecorator('Returns', Returns(returnType)),
  Param: (paramName: string, paramType: string, description?: string) => methodDecorator('Param', Param(paramName, paramType, description)),
  Object: (opts?: { discriminator?: string }) => classDecorator('Object', Object_(opts)),
  Property: (name?: string, type?: string) => fieldDecorator('Property', Property(name, type)),
  Info: (info?: Record<string, unknown>) => classDecorator('Info', Info(info)),
  Default: () => classDecorator('Default', Default())
})
