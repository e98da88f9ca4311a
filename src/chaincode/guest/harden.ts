/**
 * Makes the sandbox deterministic and tamper-proof across transactions, after the trusted
 * runtime (Buffer, reflect-metadata, shim) has loaded and before chaincode runs (SANDBOX.md
 * pitfalls 1 and 6): freezes every intrinsic reachable from the global object, and throws on
 * the sources that would make endorsers disagree (Math.random, Date.now, `new Date()`).
 *
 * Freezing a prototype breaks ordinary code that assigns an own property shadowing an inherited
 * one (`Foo.prototype.toString = …`, the "override mistake"); for the usual names we turn the
 * frozen data property into an accessor whose setter defines the own property, as SES does.
 */
const OVERRIDABLE = new Set(['constructor', 'toString', 'valueOf', 'toJSON', 'toLocaleString', 'name', 'message', 'stack', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'then', 'catch', 'finally'])

function enableOverrides (obj: object): void {
  for (const key of Reflect.ownKeys(obj)) {
    if (typeof key !== 'string' || !OVERRIDABLE.has(key)) continue
    const desc = Object.getOwnPropertyDescriptor(obj, key)
    if (desc === undefined || !('value' in desc) || desc.writable !== true || desc.configurable !== true) continue
    const value: unknown = desc.value
    Object.defineProperty(obj, key, {
      enumerable: desc.enumerable,
      configurable: false,
      get () { return value },
      set (this: object, v: unknown) {
        if (this === obj) throw new TypeError(`Cannot assign to read only property '${key}' of a frozen intrinsic`)
        Object.defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true })
      }
    })
  }
}

export function deepFreeze (root: unknown, seen = new Set<unknown>()): void {
  const stack: unknown[] = [root]
  while (stack.length > 0) {
    const v = stack.pop()
    if ((typeof v !== 'object' && typeof v !== 'function') || v === null || seen.has(v)) continue
    seen.add(v)
    if (typeof v === 'function' && Object.prototype.hasOwnProperty.call(v, 'prototype')) {
      const proto: unknown = (v as { prototype?: unknown }).prototype
      if (typeof proto === 'object' && proto !== null && !seen.has(proto)) enableOverrides(proto)
    }
    if (v === Object.prototype || v === Function.prototype || v === Error.prototype) enableOverrides(v)
    // Typed arrays with elements cannot be frozen; intrinsics never are such instances.
    if (ArrayBuffer.isView(v)) continue
    Object.freeze(v)
    stack.push(Object.getPrototypeOf(v))
    for (const key of Reflect.ownKeys(v)) {
      const desc = Object.getOwnPropertyDescriptor(v, key)
      if (desc === undefined) continue
      if ('value' in desc) stack.push(desc.value)
      else { stack.push(desc.get); stack.push(desc.set) }
    }
  }
}

/** Intrinsics not reachable by name from the global object. */
function hiddenIntrinsics (): unknown[] {
  const gen = function * () {}
  const agen = async function * () {}
  const afn = async function () {}
  return [
    Object.getPrototypeOf(Uint8Array),
    Object.getPrototypeOf(gen), Object.getPrototypeOf(gen()),
    Object.getPrototypeOf(agen), Object.getPrototypeOf(agen()),
    Object.getPrototypeOf(afn),
    Object.getPrototypeOf([][Symbol.iterator]()),
    Object.getPrototypeOf(new Map()[Symbol.iterator]()),
    Object.getPrototypeOf(new Set()[Symbol.iterator]()),
    Object.getPrototypeOf(''[Symbol.iterator]()),
    Object.getPrototypeOf(/x/[Symbol.matchAll]('')),
    Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()))
  ]
}

const NONDETERMINISTIC = 'is not available in chaincode: endorsers would disagree'

function tameDateAndRandom (): void {
  const g = globalThis as unknown as Record<string, unknown>
  const OriginalDate = Date
  function SafeDate (this: unknown, ...args: unknown[]): Date {
    if (new.target === undefined) throw new Error(`Date() ${NONDETERMINISTIC}; use ctx.stub.getDateTimestamp()`)
    if (args.length === 0) throw new Error(`new Date() ${NONDETERMINISTIC}; use ctx.stub.getDateTimestamp()`)
    return Reflect.construct(OriginalDate, args, new.target) as Date
  }
  Object.defineProperties(SafeDate, {
    prototype: { value: OriginalDate.prototype, writable: false },
    now: { value: () => { throw new Error(`Date.now() ${NONDETERMINISTIC}; use ctx.stub.getTxTimestamp()`) } },
    parse: { value: OriginalDate.parse.bind(OriginalDate) },
    UTC: { value: OriginalDate.UTC.bind(OriginalDate) }
  })
  Object.defineProperty(OriginalDate.prototype, 'constructor', { value: SafeDate, writable: true, configurable: true })
  g.Date = SafeDate
  Object.defineProperty(Math, 'random', { value: () => { throw new Error(`Math.random() ${NONDETERMINISTIC}`) }, writable: true, configurable: true })
}

export function harden (extraRoots: unknown[]): void {
  tameDateAndRandom()
  const g = globalThis as unknown as Record<string, unknown>
  const roots: unknown[] = [...hiddenIntrinsics(), ...extraRoots]
  for (const name of Object.getOwnPropertyNames(g)) {
    if (name === 'globalThis') continue
    roots.push(g[name])
  }
  const seen = new Set<unknown>([globalThis])
  for (const r of roots) deepFreeze(r, seen)
}
