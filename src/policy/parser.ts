/**
 * Fabric's signature-policy language (common/policydsl/policyparser.go):
 *
 *   GATE(P, P, ...)   GATE = AND | OR (And/and, Or/or), P = 'MSPID.role' or a nested gate
 *   OutOf(n, P, ...)  n out of the listed (OutOf/outof/OUTOF)
 *
 * roles: member, admin, client, peer, orderer. `policyFromString` returns the same
 * SignaturePolicyEnvelope Fabric builds, byte for byte: version 0, one identity per principal
 * occurrence (Fabric does not deduplicate them), numbered in Fabric's order — govaluate
 * evaluates a gate's nested gates before the gate itself, so nested principals get the lower
 * indices.
 *
 * @module
 */
import type { SignaturePolicy, SignaturePolicyEnvelope, MSPPrincipal } from '../protos/index.js'
import type { PrincipalRole } from '../msp/index.js'
import { nOutOf, rolePrincipal, signedBy } from './builders.js'
import { PolicyError } from './errors.js'

/** Fabric's principal regex: `^([[:alnum:].-]+)([.])(admin|member|client|peer|orderer)$`. */
const PRINCIPAL = /^([A-Za-z0-9.-]+)\.(admin|member|client|peer|orderer)$/
const GATES: Readonly<Record<string, 'and' | 'or' | 'outof'>> = Object.freeze({
  AND: 'and', And: 'and', and: 'and',
  OR: 'or', Or: 'or', or: 'or',
  OutOf: 'outof', outof: 'outof', OUTOF: 'outof'
})
/** Policies come from users and channel config; a generous cap keeps parsing cheap. */
const MAX_POLICY_LENGTH = 64 * 1024
const MAX_NESTING = 32

type Token = { kind: 'ident' | 'string' | 'number' | '(' | ')' | ',', text: string, at: number }
type Node = { kind: 'gate', gate: 'and' | 'or' | 'outof', args: Node[], at: number } | { kind: 'string', text: string, at: number } | { kind: 'number', value: number, at: number }

export function policyFromString (policy: string): SignaturePolicyEnvelope {
  if (typeof policy !== 'string') throw new PolicyError('POLICY_SYNTAX', 'policy must be a string')
  if (policy.length > MAX_POLICY_LENGTH) throw new PolicyError('POLICY_SYNTAX', `policy longer than ${MAX_POLICY_LENGTH} characters`)
  const tokens = tokenize(policy)
  const parser = new Parser(tokens, policy)
  const root = parser.expression(0)
  parser.expectEnd()
  if (root.kind !== 'gate') throw new PolicyError('POLICY_SYNTAX', `invalid policy string '${policy}': expected AND, OR or OutOf`)
  const identities: MSPPrincipal[] = []
  const rule = compile(root, identities)
  return { version: 0, rule, identities }
}

function compile (node: Node & { kind: 'gate' }, identities: MSPPrincipal[]): SignaturePolicy {
  let args = node.args
  let threshold: number
  if (node.gate === 'outof') {
    if (args.length < 2) throw new PolicyError('POLICY_SYNTAX', `expected at least two arguments to OutOf, given ${args.length} (at ${node.at})`)
    threshold = thresholdOf(args[0] as Node)
    args = args.slice(1)
  } else {
    if (args.length === 0) throw new PolicyError('POLICY_SYNTAX', `${node.gate.toUpperCase()} needs at least one argument (at ${node.at})`)
    threshold = node.gate === 'and' ? args.length : 1
  }
  // Fabric's sanity check (secondPass): 0 <= t <= n + 1.
  if (threshold < 0 || threshold > args.length + 1) {
    throw new PolicyError('POLICY_SYNTAX', `invalid t-out-of-n predicate, t ${threshold}, n ${args.length}`)
  }
  // Nested gates first (their principals take the lower indices, as in Fabric), then this gate's principals.
  const compiled = new Map<Node, SignaturePolicy>()
  for (const arg of args) if (arg.kind === 'gate') compiled.set(arg, compile(arg, identities))
  const rules = args.map((arg) => {
    if (arg.kind === 'gate') return compiled.get(arg) as SignaturePolicy
    if (arg.kind === 'number') throw new PolicyError('POLICY_SYNTAX', `unexpected number ${arg.value} at ${arg.at}: expected a principal or a gate`)
    const match = PRINCIPAL.exec(arg.text)
    if (match === null) throw new PolicyError('POLICY_SYNTAX', `error parsing principal '${arg.text}' at ${arg.at}: expected 'MSPID.role' with role member, admin, client, peer or orderer`)
    identities.push(rolePrincipal(match[1] as string, match[2] as PrincipalRole))
    return signedBy(identities.length - 1)
  })
  return nOutOf(threshold, rules)
}

function thresholdOf (node: Node): number {
  // govaluate numbers are float64 truncated by int(); Fabric also accepts a numeric string.
  if (node.kind === 'number') return Math.trunc(node.value)
  if (node.kind === 'string' && /^-?\d+$/.test(node.text)) return Number(node.text)
  throw new PolicyError('POLICY_SYNTAX', `OutOf expects a number first, got ${node.kind === 'gate' ? 'a gate' : `'${node.text}'`} at ${node.at}`)
}

function tokenize (text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i] as string
    if (/\s/.test(c)) { i++; continue }
    if (c === '(' || c === ')' || c === ',') { tokens.push({ kind: c, text: c, at: i }); i++; continue }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1)
      if (end < 0) throw new PolicyError('POLICY_SYNTAX', `unterminated string starting at ${i}`)
      tokens.push({ kind: 'string', text: text.slice(i + 1, end), at: i })
      i = end + 1
      continue
    }
    const number = /^-?\d+(\.\d+)?/.exec(text.slice(i, i + 32))
    if (number !== null) { tokens.push({ kind: 'number', text: number[0], at: i }); i += number[0].length; continue }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 64))
    if (ident !== null) { tokens.push({ kind: 'ident', text: ident[0], at: i }); i += ident[0].length; continue }
    throw new PolicyError('POLICY_SYNTAX', `unexpected character '${c}' at ${i}`)
  }
  return tokens
}

class Parser {
  #pos = 0
  constructor (private readonly tokens: Token[], private readonly source: string) {}

  expression (depth: number): Node {
    if (depth > MAX_NESTING) throw new PolicyError('POLICY_SYNTAX', `policy nested deeper than ${MAX_NESTING} gates`)
    const token = this.#next()
    if (token.kind === 'string') return { kind: 'string', text: token.text, at: token.at }
    if (token.kind === 'number') return { kind: 'number', value: Number(token.text), at: token.at }
    if (token.kind !== 'ident') throw new PolicyError('POLICY_SYNTAX', `unexpected '${token.text}' at ${token.at}`)
    const gate = GATES[token.text]
    if (gate === undefined) throw new PolicyError('POLICY_SYNTAX', `unrecognized token '${token.text}' in policy string`)
    this.#expect('(')
    const args: Node[] = []
    if (this.#peek()?.kind !== ')') {
      for (;;) {
        args.push(this.expression(depth + 1))
        if (this.#peek()?.kind !== ',') break
        this.#pos++
      }
    }
    this.#expect(')')
    return { kind: 'gate', gate, args, at: token.at }
  }

  expectEnd (): void {
    const extra = this.#peek()
    if (extra !== undefined) throw new PolicyError('POLICY_SYNTAX', `unexpected '${extra.text}' at ${extra.at} after the policy`)
  }

  #peek (): Token | undefined { return this.tokens[this.#pos] }

  #next (): Token {
    const token = this.tokens[this.#pos++]
    if (token === undefined) throw new PolicyError('POLICY_SYNTAX', `unexpected end of policy '${this.source}'`)
    return token
  }

  #expect (kind: Token['kind']): void {
    const token = this.#next()
    if (token.kind !== kind) throw new PolicyError('POLICY_SYNTAX', `expected '${kind}' at ${token.at}, got '${token.text}'`)
  }
}
