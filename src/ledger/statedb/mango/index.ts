/**
 * @module ledger/statedb/mango
 *
 * CouchDB Mango rich queries for Weft's state database (Fabric's GetQueryResult /
 * GetQueryResultWithPagination), pure TypeScript with no I/O. The ledger owns storage; this
 * module decides what to read and what to return.
 *
 * ## How the ledger uses it (stable API)
 *
 * Chaincode install — for each `META-INF/statedb/couchdb/indexes/*.json` in the package:
 *   `const index = parseIndexDefinition(fileText, filePath)` (MANGO_INVALID_INDEX when bad).
 *
 * Commit — for each write of key K with JSON value V in a namespace, for each index:
 *   `indexEntryKey(index, V, K)` → string | undefined (undefined: V is not in that index).
 *   Store entry keys in an IndexedDB store (keyed per namespace + index name), delete the old
 *   value's entry key. Entry keys sort by CouchDB collation of the indexed values, then by K
 *   (`encodeIndexEntryKey`, format documented in index-key.ts).
 *
 * Query — `const query = parseQuery(queryJson)` (MangoError naming the bad part), then
 *   `const plan = planQuery(query, indexesOfNamespace, { bookmark })` (the bookmark narrows
 *   an ordered plan's ranges to start after it; a scan plan may carry the optional hints
 *   `startAfterKey` and `keyRange` (from `_id` conditions) to narrow the key range read):
 *   - `plan.kind === 'scan'`: feed every `{ key, doc }` of the namespace in ascending key order;
 *   - `plan.kind === 'index'`: for each `plan.ranges[i]` in order, read entries with
 *     `IDBKeyRange.bound(r.lower, r.upper, r.lowerOpen, r.upperOpen)` of `plan.index`, in
 *     ascending order (descending, ranges reversed, when `plan.reverse`), and feed the current
 *     `{ key, doc }` of each entry. `ranges` empty: nothing can match.
 *   then `await executeQuery(query, plan, candidates, { bookmark, pageSize })` → `{ results, bookmark }`
 *   with `results[i].value` the (projected) JSON to return to chaincode. The candidates may be
 *   an async iterable; the executor stops pulling as soon as the page is complete when the
 *   plan is `ordered`. `doc` is the parsed JSON value (non-objects never match).
 *   Candidates not read exactly as the plan says (e.g. storage rows merged with a write
 *   buffer): pass `{ ...plan, ordered: false }` (or `fullScanPlan(query)`, which is unordered);
 *   the executor then buffers, sorts and pages them itself.
 *
 * Pieces usable alone: `matches(selector, doc, {id})`, `compareJson(a, b)`,
 * `encodeIndexValue/encodeIndexKey`, `extractIndexValues`, `applySortSkipLimitFields`.
 *
 * ## Semantics (CouchDB 3.x mango_selector; deviations are documented where they live)
 * Operators: $eq $ne $gt $gte $lt $lte $in $nin $exists $type $mod $regex $beginsWith $size
 * $all $elemMatch $allMatch $keyMapMatch and $and $or $nor $not; implicit $eq/$and; dotted paths with `\.`
 * escapes and numeric array indexes; `_id` is the ledger key. Collation: null < false < true <
 * numbers < strings < arrays < objects; strings by code point (CouchDB: ICU) — collation.ts.
 * `$regex` ReDoS stance — regex.ts. Sort, skip, limit, bookmarks — executor.ts, bookmark.ts.
 * Index choice and ranges — planner.ts.
 *
 * ## Deviations, in one list (each is explained where it is implemented)
 * - Strings collate by code point (= UTF-8 bytes, Fabric's key order), not ICU: "A" < "a".
 * - Numbers are doubles; object keys follow JavaScript's order (integer-like keys first).
 * - A sort no index serves is done in memory (CouchDB: no_usable_index error); mixed asc/desc
 *   is refused like CouchDB. Without sort, results come in key order (CouchDB: index order).
 * - `limit` caps the total over all pages and `skip` applies once (Fabric overwrites `limit`
 *   with its page size and re-applies `skip` per page); no default limit (CouchDB: 25).
 * - Bookmarks are Weft's own and '' when nothing is left (CouchDB always returns one).
 * - `$regex` is a JavaScript RegExp (leading PCRE `(?i)` supported); risky patterns refused.
 * - `$type` with an unknown name and `$not: {}` are errors (CouchDB: no match / crash).
 * - Values that are not JSON objects never match (Fabric keeps them as attachments).
 *
 * Rich queries are not re-executed at validation (Fabric does not either: no phantom check
 * for them), so their results must not be relied on for writes that need MVCC protection.
 */
export { MangoError, MangoErrorCode } from './errors.js'
export type { JsonObject, JsonTypeName, JsonValue } from './json.js'
export { compareJson, compareStrings } from './collation.js'
export type { FieldPath } from './field-path.js'
export { formatFieldPath, getField, parseFieldPath } from './field-path.js'
export type { ComparisonOperator, Condition, Selector } from './selector.js'
export { parseSelector } from './selector.js'
export { MAX_REGEX_LENGTH } from './regex.js'
export type { MatchOptions } from './match.js'
export { matches } from './match.js'
export type { MangoQuery, SortDirection, SortField, UseIndex } from './query.js'
export { parseQuery, parseQueryObject } from './query.js'
export { projectFields } from './projection.js'
export { KEY_HIGH, encodeIndexEntryKey, encodeIndexKey, encodeIndexValue } from './index-key.js'
export type { IndexDefinition, IndexField } from './index-definition.js'
export { extractIndexValues, indexEntryKey, parseIndexDefinition } from './index-definition.js'
export type { IndexPlan, KeyRange, LedgerKeyRange, PlanOptions, QueryPlan, ScanPlan } from './planner.js'
export { fullScanPlan, planQuery } from './planner.js'
export type { Candidate, ExecuteOptions, QueryPage, QueryResult } from './executor.js'
export { applySortSkipLimitFields, executeQuery, executeQuerySync } from './executor.js'
