import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { MSPRole, SignaturePolicyEnvelope, decode, encode } from '../../src/protos/index.js'
import type { MSPPrincipal, SignaturePolicy } from '../../src/protos/index.js'
import { nOutOf, policyFromString, rolePrincipal, signedBy } from '../../src/policy/index.js'
import type { PrincipalRole } from '../../src/msp/index.js'

type Leaf = { kind: 'leaf', msp: string, role: PrincipalRole, quote: "'" | '"' }
type Gate = { kind: 'gate', gate: 'and' | 'or' | 'outof', spelling: string, n: number, children: Node[] }
type Node = Leaf | Gate

const SPELLINGS = { and: ['AND', 'And', 'and'], or: ['OR', 'Or', 'or'], outof: ['OutOf', 'outof', 'OUTOF'] } as const
const leaf: fc.Arbitrary<Node> = fc.record({
  kind: fc.constant('leaf' as const),
  msp: fc.constantFrom('A', 'Org1MSP', 'Org2MSP', 'MSP.WITH.DOTS', 'MSP-WITH-DASHES', '0rg'),
  role: fc.constantFrom<PrincipalRole>('member', 'admin', 'client', 'peer', 'orderer'),
  quote: fc.constantFrom<"'" | '"'>("'", '"')
})
const { node } = fc.letrec<{ node: Node, gate: Node }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('gate')),
  gate: fc.record({
    gate: fc.constantFrom<'and' | 'or' | 'outof'>('and', 'or', 'outof'),
    children: fc.array(tie('node'), { minLength: 1, maxLength: 4 }),
    pick: fc.nat(),
    nSeed: fc.nat()
  }).map(({ gate, children, pick, nSeed }): Node => ({
    kind: 'gate', gate, children, spelling: SPELLINGS[gate][pick % 3] as string, n: nSeed % (children.length + 2)
  }))
}))
const rootGate = node.filter((n): n is Gate => n.kind === 'gate')

function print (n: Node, ws: string): string {
  if (n.kind === 'leaf') return `${n.quote}${n.msp}.${n.role}${n.quote}`
  const args = n.children.map((c) => print(c, ws))
  if (n.gate === 'outof') args.unshift(String(n.n))
  return `${n.spelling}(${ws}${args.join(`,${ws}`)}${ws})`
}

/** Fabric's numbering, written independently: a gate's nested gates first, then its own principals. */
function expected (n: Gate, ids: MSPPrincipal[]): SignaturePolicy {
  const nested = new Map<Node, SignaturePolicy>()
  for (const c of n.children) if (c.kind === 'gate') nested.set(c, expected(c, ids))
  const rules = n.children.map((c) => {
    if (c.kind === 'gate') return nested.get(c) as SignaturePolicy
    ids.push(rolePrincipal(c.msp, c.role))
    return signedBy(ids.length - 1)
  })
  const t = n.gate === 'and' ? n.children.length : n.gate === 'or' ? 1 : n.n
  return nOutOf(t, rules)
}

describe('policyFromString (property)', () => {
  it('parses any printed policy to Fabric\'s envelope, which round-trips through protobuf', () => {
    fc.assert(fc.property(rootGate, fc.constantFrom('', ' ', '  ', '\n'), (tree, ws) => {
      const ids: MSPPrincipal[] = []
      const rule = expected(tree, ids)
      const parsed = policyFromString(print(tree, ws))
      expect(parsed).toEqual({ version: 0, rule, identities: ids })
      expect(decode(SignaturePolicyEnvelope, encode(SignaturePolicyEnvelope, parsed))).toEqual(parsed)
      for (const id of parsed.identities) expect(decode(MSPRole, id.principal).mspIdentifier).not.toBe('')
    }), { numRuns: 300 })
  })

  it('never throws anything but a PolicyError on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (text) => {
      try {
        policyFromString(text)
      } catch (err) {
        expect((err as { code?: string }).code).toBe('POLICY_SYNTAX')
      }
    }), { numRuns: 500 })
  })
})
