/**
 * `fields` projection (mango_fields / mango_doc). Fabric asks CouchDB for the listed fields
 * plus `_id` and `~version`, then strips those two before handing the value to chaincode
 * (statecouchdb applyAdditionalQueryOptions, couchDocToKeyValue), so chaincode receives
 * exactly the listed fields: `_id` is never part of a projected value.
 * Missing fields are left out; a nested field `a.b` comes back as `{"a": {"b": ...}}`.
 */
import type { FieldPath } from './field-path.js'
import { BAD_PATH, NOT_FOUND, getField } from './field-path.js'
import type { JsonObject, JsonValue } from './json.js'
import { hasOwn, isJsonObject } from './json.js'

export function projectFields (doc: JsonValue, fields: readonly FieldPath[]): JsonValue {
  if (fields.length === 0) return doc
  const out: JsonObject = {}
  // Objects created here may be written to; anything else is the caller's and is copied first.
  const owned = new Set<JsonObject>([out])
  for (const path of fields) {
    if (path[0] === '_id') continue
    const value = getField(doc, path)
    if (value === NOT_FOUND || value === BAD_PATH) continue
    setField(out, path, value, owned)
  }
  return out
}

/** Values are shared with the document, not cloned (a clone would recurse on deep values). */
function setField (target: JsonObject, path: FieldPath, value: JsonValue, owned: Set<JsonObject>): void {
  let cursor = target
  for (let i = 0; i < path.length - 1; i++) {
    const name = path[i] as string
    if (!hasOwn(cursor, name)) {
      const created: JsonObject = {}
      owned.add(created)
      cursor[name] = created
    }
    let next = cursor[name]
    // CouchDB leaves the result unchanged when an earlier field put a non-object here.
    if (!isJsonObject(next)) return
    if (!owned.has(next)) {
      next = { ...next }
      owned.add(next)
      cursor[name] = next
    }
    cursor = next
  }
  cursor[path[path.length - 1] as string] = value
}
