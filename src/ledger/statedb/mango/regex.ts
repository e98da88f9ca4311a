/**
 * `$regex` compilation. CouchDB runs PCRE (Erlang `re`); Weft runs JavaScript RegExp, which
 * agrees on the common syntax (classes, anchors, groups, quantifiers, alternation). A leading
 * PCRE `(?i)` is turned into the `i` flag because chaincode uses it for case-insensitive search.
 *
 * ReDoS stance: a query runs on the endorsing peer inside a browser tab, so a pathological
 * pattern would freeze that tab. We refuse, with MANGO_INVALID_REGEX:
 * - patterns longer than MAX_REGEX_LENGTH;
 * - backreferences (`\1`, `\k<name>`): they make matching NP-hard;
 * - star height above one: a group with an unbounded quantifier inside, itself quantified without bound:
 *   `(a+)+`, `(a*)*`, `(\w+\s?)*` — the classic catastrophic-backtracking shape.
 * This is a heuristic (like safe-regex): overlapping alternations such as `(a|a)*` still
 * backtrack exponentially, and document values are not length-limited here. It removes the
 * common accidents; a hard bound needs a linear-time engine (RE2), which is out of scope.
 */
import { MangoError, MangoErrorCode } from './errors.js'

export const MAX_REGEX_LENGTH = 512

export function compileRegex (pattern: string, where: string): RegExp {
  if (pattern.length > MAX_REGEX_LENGTH) {
    throw new MangoError(MangoErrorCode.INVALID_REGEX, `${where}: $regex is ${pattern.length} characters, at most ${MAX_REGEX_LENGTH} are allowed`)
  }
  let source = pattern
  let flags = ''
  if (source.startsWith('(?i)')) {
    source = source.slice(4)
    flags = 'i'
  }
  const risk = findBacktrackingRisk(source)
  if (risk !== undefined) {
    throw new MangoError(MangoErrorCode.INVALID_REGEX, `${where}: $regex ${JSON.stringify(pattern)} refused: ${risk}`)
  }
  try {
    return new RegExp(source, flags)
  } catch (err) {
    throw new MangoError(MangoErrorCode.INVALID_REGEX, `${where}: $regex ${JSON.stringify(pattern)} does not compile: ${(err as Error).message}`, { cause: err })
  }
}

/**
 * Scans the pattern once, tracking per open group whether it contains an unbounded
 * quantifier (`*`, `+`, `{n,}`, `{n,m}` with m >= 10); `?` and small counts are let through.
 */
function findBacktrackingRisk (source: string): string | undefined {
  const groupHasQuantifier: boolean[] = []
  let inClass = false
  let lastGroupQuantified: boolean | undefined // set right after a ')' closes a group
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string
    const closedGroup = lastGroupQuantified
    lastGroupQuantified = undefined
    if (ch === '\\') {
      const next = source[i + 1] ?? ''
      if (!inClass && (/[1-9]/.test(next) || (next === 'k' && source[i + 2] === '<'))) {
        return 'backreferences are not allowed'
      }
      i++
      continue
    }
    if (inClass) {
      if (ch === ']') inClass = false
      continue
    }
    if (ch === '[') { inClass = true; continue }
    if (ch === '(') { groupHasQuantifier.push(false); continue }
    if (ch === ')') {
      const inner = groupHasQuantifier.pop() ?? false
      lastGroupQuantified = inner
      if (inner && groupHasQuantifier.length > 0) groupHasQuantifier[groupHasQuantifier.length - 1] = true
      continue
    }
    const isQuantifier = ch === '*' || ch === '+' || (ch === '{' && /^\{\d+(,\d*)?\}/.test(source.slice(i)))
    if (isQuantifier) {
      const unbounded = ch !== '{' || /^\{\d+,\}/.test(source.slice(i)) || /^\{\d+,\d{2,}\}/.test(source.slice(i))
      if (closedGroup === true && unbounded) {
        return 'nested unbounded quantifiers (such as (a+)+) can backtrack catastrophically'
      }
      if (unbounded && groupHasQuantifier.length > 0) groupHasQuantifier[groupHasQuantifier.length - 1] = true
    }
  }
  return undefined
}
