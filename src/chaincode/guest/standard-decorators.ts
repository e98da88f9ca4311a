/**
 * Lets fabric-contract-api's decorators also run as TC39 decorators (TypeScript 5 without
 * `experimentalDecorators`, Babel `version: '2023-11'`). Fabric's own decorators accept only the
 * legacy `(target, propertyKey)` form; this is a Weft extension. Standard decorators get
 * `(value, context)` and never see the prototype, so each legacy decorator is replayed later:
 * method decorators from `context.addInitializer` (on the first construction, where `this` leads
 * to the prototype; Weft constructs every contract before building metadata), field decorators
 * through `context.metadata` when the class decorator (`@Object`) runs, class decorators from the
 * class initializer (after the class is complete, so `@Default` may construct it).
 * No `design:*` metadata exists in this mode, so parameter types come only from `@Param`, and
 * `@Property` needs its explicit name and type.
 */
type Legacy = (target: object, key: string) => void
type LegacyClass = (target: new (...args: unknown[]) => object) => void

interface DecoratorContext {
  kind: string
  name: string | symbol | undefined
  static?: boolean
  addInitializer?: (initializer: (this: unknown) => void) => void
  metadata?: Record<PropertyKey, unknown>
}

// TypeScript gives decorators `context.metadata` only when `Symbol.metadata` exists; this is the
// polyfill its release notes suggest, and the symbol Babel falls back to. Runs before harden.ts freezes Symbol.
if ((Symbol as unknown as { metadata?: symbol }).metadata === undefined) Object.defineProperty(Symbol, 'metadata', { value: Symbol.for('Symbol.metadata') })

/** Where field decorators leave their legacy calls for the class decorator, in `context.metadata`. */
const PENDING_PROPERTIES = Symbol('weft:pending-properties')

function isContext (x: unknown): x is DecoratorContext {
  return typeof x === 'object' && x !== null && typeof (x as { kind?: unknown }).kind === 'string'
}

function unsupported (decorator: string, context: DecoratorContext): Error {
  return new Error(`@${decorator} cannot decorate a ${context.static === true ? 'static ' : ''}${context.kind}`)
}

export function methodDecorator (decorator: string, legacy: Legacy): (target: unknown, key: unknown) => void {
  return (target, key) => {
    if (!isContext(key)) { legacy(target as object, key as string); return }
    const context = key
    const name = context.name
    if (context.kind !== 'method' || context.static === true || typeof name !== 'string' || context.addInitializer === undefined) throw unsupported(decorator, context)
    const done = new WeakSet<object>()
    context.addInitializer(function (this: unknown) {
      let proto = Object.getPrototypeOf(this) as Record<string, unknown> | null
      while (proto !== null && !(Object.prototype.hasOwnProperty.call(proto, name) && proto[name] === target)) proto = Object.getPrototypeOf(proto) as Record<string, unknown> | null
      if (proto === null || done.has(proto)) return
      done.add(proto)
      legacy(proto, name)
    })
  }
}

export function fieldDecorator (decorator: string, legacy: Legacy): (target: unknown, key: unknown) => void {
  return (target, key) => {
    if (!isContext(key)) { legacy(target as object, key as string); return }
    const context = key
    const name = context.name
    if (context.kind !== 'field' || context.static === true || typeof name !== 'string' || context.metadata === undefined) throw unsupported(decorator, context)
    const metadata = context.metadata
    if (!Object.prototype.hasOwnProperty.call(metadata, PENDING_PROPERTIES)) metadata[PENDING_PROPERTIES] = []
    ;(metadata[PENDING_PROPERTIES] as Array<(proto: object) => void>).push((proto) => { legacy(proto, name) })
  }
}

export function classDecorator (decorator: string, legacy: LegacyClass): (target: unknown, context?: unknown) => void {
  return (target, context) => {
    const cls = target as new (...args: unknown[]) => object
    if (!isContext(context)) { legacy(cls); return }
    if (context.kind !== 'class' || context.addInitializer === undefined) throw unsupported(decorator, context)
    const pending = context.metadata !== undefined && Object.prototype.hasOwnProperty.call(context.metadata, PENDING_PROPERTIES)
      ? context.metadata[PENDING_PROPERTIES] as Array<(proto: object) => void>
      : []
    context.addInitializer(() => {
      // The first class decorator to run records the fields; later ones find the list empty.
      for (const apply of pending.splice(0)) apply(cls.prototype as object)
      legacy(cls)
    })
  }
}
