import { describe, expect, it } from 'vitest'
import { MSPRole, SignaturePolicyEnvelope, decode, encode } from '../../src/protos/index.js'
import { nOutOf, policyFromString, rolePrincipal, signedBy, PolicyError } from '../../src/policy/index.js'
import type { PrincipalRole } from '../../src/msp/index.js'

// Cases ported from Fabric's common/policydsl/policyparser_test.go.
const p = (msp: string, role: PrincipalRole = 'member'): ReturnType<typeof rolePrincipal> => rolePrincipal(msp, role)

describe('policyFromString (Fabric policydsl)', () => {
  const table: Array<[string, SignaturePolicyEnvelope]> = [
    ["OutOf(1, 'A.member', 'B.member')", { version: 0, rule: nOutOf(1, [signedBy(0), signedBy(1)]), identities: [p('A'), p('B')] }],
    ["OutOf(2, 'A.member', 'B.member')", { version: 0, rule: nOutOf(2, [signedBy(0), signedBy(1)]), identities: [p('A'), p('B')] }],
    ["AND('A.member', 'B.member')", { version: 0, rule: nOutOf(2, [signedBy(0), signedBy(1)]), identities: [p('A'), p('B')] }],
    ["AND('A.client', 'B.peer')", { version: 0, rule: nOutOf(2, [signedBy(0), signedBy(1)]), identities: [p('A', 'client'), p('B', 'peer')] }],
    ["OR('A.member', 'B.member')", { version: 0, rule: nOutOf(1, [signedBy(0), signedBy(1)]), identities: [p('A'), p('B')] }],
    // Nested gates are evaluated first by govaluate, so their principals take the lower indices.
    ["OR('A.member', AND('B.member', 'C.member'))", { version: 0, rule: nOutOf(1, [signedBy(2), nOutOf(2, [signedBy(0), signedBy(1)])]), identities: [p('B'), p('C'), p('A')] }],
    ["OR(AND('A.member', 'B.member'), OR('C.admin', 'D.member'))", { version: 0, rule: nOutOf(1, [nOutOf(2, [signedBy(0), signedBy(1)]), nOutOf(1, [signedBy(2), signedBy(3)])]), identities: [p('A'), p('B'), p('C', 'admin'), p('D')] }],
    ["OR('MSP.member', 'MSP.WITH.DOTS.member', 'MSP-WITH-DASHES.member')", { version: 0, rule: nOutOf(1, [signedBy(0), signedBy(1), signedBy(2)]), identities: [p('MSP'), p('MSP.WITH.DOTS'), p('MSP-WITH-DASHES')] }],
    ["OR('A.peer', 'B.admin', 'C.orderer', 'D.client')", { version: 0, rule: nOutOf(1, [signedBy(0), signedBy(1), signedBy(2), signedBy(3)]), identities: [p('A', 'peer'), p('B', 'admin'), p('C', 'orderer'), p('D', 'client')] }],
    ["OutOf('1', 'A.member', 'B.member')", { version: 0, rule: nOutOf(1, [signedBy(0), signedBy(1)]), identities: [p('A'), p('B')] }],
    ["OutOf(0, 'A.member', 'B.member')", { version: 0, rule: nOutOf(0, [signedBy(0), signedBy(1)]), identities: [p('A'), p('B')] }],
    ["OutOf(3, 'A.member', 'B.member')", { version: 0, rule: nOutOf(3, [signedBy(0), signedBy(1)]), identities: [p('A'), p('B')] }],
    ['and("A.member", "A.member")', { version: 0, rule: nOutOf(2, [signedBy(0), signedBy(1)]), identities: [p('A'), p('A')] }]
  ]
  it.each(table)('%s', (text, expected) => {
    const parsed = policyFromString(text)
    expect(parsed).toEqual(expected)
    // And the bytes round-trip through the protobuf codec unchanged.
    expect(decode(SignaturePolicyEnvelope, encode(SignaturePolicyEnvelope, parsed))).toEqual(expected)
  })

  it('encodes the role principal as Fabric does', () => {
    const env = policyFromString("OR('Org1MSP.peer')")
    expect(decode(MSPRole, env.identities[0]?.principal as Uint8Array)).toEqual({ mspIdentifier: 'Org1MSP', role: MSPRole.MSPRoleType.PEER })
  })

  const bad = [
    '', "''", '1', "'1'", 'OutOf(1)', "OutOf(true, 'A.member')", 'OutOf(1, 2)', "OR('A.member', Bmember)",
    "OR('A.member', 'Bmember')", "OR('A.member', 'B.superuser')", "OutOf(-1, 'A.member', 'B.member')",
    "OutOf(4, 'A.member', 'B.member')", "AND('A.member'", "AND('A.member'))", "XOR('A.member')", "AND('A.member' 'B.member')",
    "OR('A.member)", 'AND()', "'A.member'"
  ]
  it.each(bad)('rejects %j with POLICY_SYNTAX', (text) => {
    let caught: unknown
    try { policyFromString(text) } catch (err) { caught = err }
    expect(caught).toBeInstanceOf(PolicyError)
    expect((caught as PolicyError).code).toBe('POLICY_SYNTAX')
  })

  it('rejects deeply nested input without overflowing the stack', () => {
    const deep = 'AND('.repeat(5000) + "'A.member'" + ')'.repeat(5000)
    expect(() => policyFromString(deep)).toThrow(PolicyError)
  })
})
