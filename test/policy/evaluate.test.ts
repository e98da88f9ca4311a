import { beforeAll, describe, expect, it } from 'vitest'
import {
  AclProvider, ChannelPolicies, MspManager, SignaturePolicyEvaluator, implicitMetaThreshold, policyFromString, PolicyError
} from '../../src/policy/index.js'
import type { SignedData } from '../../src/policy/index.js'
import type { SigningIdentity } from '../../src/msp/index.js'
import { TestOrg } from '../../src/testing/org.js'

const data = new TextEncoder().encode('the proposal response payload')
let org1: TestOrg, org2: TestOrg, org3: TestOrg
let msps: MspManager
const ids: Record<string, SigningIdentity> = {}

async function sign (id: SigningIdentity, message = data): Promise<SignedData> {
  return { identity: id.serialize(), data: message, signature: await id.sign(message) }
}
async function signAll (...names: string[]): Promise<SignedData[]> {
  return await Promise.all(names.map(async (n) => await sign(ids[n] as SigningIdentity)))
}
async function holds (policy: string, ...names: string[]): Promise<boolean> {
  return await new SignaturePolicyEvaluator(policyFromString(policy), msps).evaluateSignedData(await signAll(...names))
}

beforeAll(async () => {
  ;[org1, org2, org3] = await Promise.all([TestOrg.create('Org1MSP'), TestOrg.create('Org2MSP'), TestOrg.create('Org3MSP')])
  msps = new MspManager([org1.msp, org2.msp])
  for (const [org, prefix] of [[org1, 'o1'], [org2, 'o2'], [org3, 'o3']] as const) {
    for (const role of ['peer', 'client', 'admin'] as const) ids[`${prefix}.${role}`] = await org.enroll(`${prefix}-${role}`, { role })
  }
  ids['o1.peer2'] = await org1.enroll('o1-peer2', { role: 'peer' })
})

describe('signature policy evaluation (cauthdsl)', () => {
  const table: Array<[string, string[], boolean]> = [
    ["AND('Org1MSP.peer', 'Org2MSP.peer')", ['o1.peer', 'o2.peer'], true],
    ["AND('Org1MSP.peer', 'Org2MSP.peer')", ['o1.peer'], false],
    ["AND('Org1MSP.peer', 'Org2MSP.peer')", ['o1.peer', 'o1.peer2'], false], // too few orgs
    ["AND('Org1MSP.peer', 'Org2MSP.peer')", ['o1.peer', 'o2.client'], false], // wrong role
    ["AND('Org1MSP.member', 'Org2MSP.member')", ['o1.client', 'o2.admin'], true],
    ["OR('Org1MSP.admin', 'Org2MSP.admin')", ['o2.admin'], true],
    ["OR('Org1MSP.admin', 'Org2MSP.admin')", ['o1.peer', 'o2.client'], false],
    // One identity satisfies at most one principal.
    ["AND('Org1MSP.member', 'Org1MSP.member')", ['o1.peer'], false],
    ["AND('Org1MSP.member', 'Org1MSP.member')", ['o1.peer', 'o1.peer'], false], // duplicates count once
    ["AND('Org1MSP.member', 'Org1MSP.member')", ['o1.peer', 'o1.peer2'], true],
    ["OutOf(2, 'Org1MSP.peer', 'Org2MSP.peer', 'Org1MSP.client')", ['o1.client', 'o2.peer'], true],
    ["OutOf(2, 'Org1MSP.peer', 'Org2MSP.peer', 'Org1MSP.client')", ['o2.peer'], false],
    ["OutOf(0, 'Org1MSP.peer')", [], true],
    ["OutOf(2, 'Org1MSP.peer')", ['o1.peer', 'o1.peer2'], false], // t = n + 1 never holds
    ["OR('Org1MSP.member', AND('Org2MSP.peer', 'Org2MSP.admin'))", ['o2.peer', 'o2.admin'], true],
    // An identity of an MSP outside the channel counts for nothing.
    ["OR('Org3MSP.member')", ['o3.peer'], false]
  ]
  it.each(table)('%s by %j → %s', async (policy, signers, expected) => {
    expect(await holds(policy, ...signers)).toBe(expected)
  })

  it('ignores signatures over other bytes', async () => {
    const evaluator = new SignaturePolicyEvaluator(policyFromString("AND('Org1MSP.peer', 'Org2MSP.peer')"), msps)
    const good = await sign(ids['o1.peer'] as SigningIdentity)
    const other = await sign(ids['o2.peer'] as SigningIdentity, new TextEncoder().encode('other bytes'))
    expect(await evaluator.evaluateSignedData([good, { ...other, data }])).toBe(false)
    expect(await evaluator.evaluateSignedData([good, await sign(ids['o2.peer'] as SigningIdentity)])).toBe(true)
  })

  it('a bad copy of a signer does not hide a later good one', async () => {
    const evaluator = new SignaturePolicyEvaluator(policyFromString("OR('Org1MSP.peer')"), msps)
    const good = await sign(ids['o1.peer'] as SigningIdentity)
    expect(await evaluator.evaluateSignedData([{ ...good, signature: new Uint8Array(70) }, good])).toBe(true)
  })

  it('ignores identities that do not deserialize', async () => {
    const evaluator = new SignaturePolicyEvaluator(policyFromString("OR('Org1MSP.peer')"), msps)
    expect(await evaluator.evaluateSignedData([{ identity: new Uint8Array([1, 2, 3]), data, signature: new Uint8Array(8) }])).toBe(false)
  })

  it('rejects malformed envelopes at construction', () => {
    expect(() => new SignaturePolicyEvaluator({ version: 1, identities: [], rule: { signedBy: 0 } }, msps)).toThrow(PolicyError)
    expect(() => new SignaturePolicyEvaluator({ version: 0, identities: [] }, msps)).toThrow(PolicyError)
    expect(() => new SignaturePolicyEvaluator({ version: 0, identities: [], rule: { signedBy: 0 } }, msps)).toThrow(/out of range/)
    expect(() => new SignaturePolicyEvaluator(new Uint8Array([0xff, 0xff]), msps)).toThrow(PolicyError)
  })
})

describe('ImplicitMeta and channel policies', () => {
  it('thresholds are Fabric\'s', () => {
    expect([implicitMetaThreshold('ANY', 3), implicitMetaThreshold('ALL', 3), implicitMetaThreshold('MAJORITY', 3), implicitMetaThreshold('MAJORITY', 2), implicitMetaThreshold('MAJORITY', 4)]).toEqual([1, 3, 2, 2, 3])
    expect(implicitMetaThreshold('ALL', 0)).toBe(0)
  })

  it('resolves the channel policies with sample configtx defaults', async () => {
    const channel = new ChannelPolicies({ msps })
    const check = async (path: string, ...names: string[]): Promise<boolean> => await channel.require(path).evaluateSignedData(await signAll(...names))
    expect(await check('/Channel/Application/Writers', 'o2.client')).toBe(true)
    expect(await check('/Channel/Application/Writers', 'o2.peer')).toBe(false)
    expect(await check('Readers', 'o1.peer')).toBe(true)
    expect(await check('/Channel/Application/Admins', 'o1.admin')).toBe(false) // MAJORITY of 2 is 2
    expect(await check('/Channel/Application/Admins', 'o1.admin', 'o2.admin')).toBe(true)
    expect(await check('/Channel/Application/Endorsement', 'o1.peer', 'o2.peer')).toBe(true)
    expect(await check('/Channel/Application/LifecycleEndorsement', 'o1.peer', 'o1.peer2')).toBe(false)
    expect(await check('/Channel/Application/Org1MSP/Endorsement', 'o1.peer2')).toBe(true)
    expect(await check('/Channel/Readers', 'o1.client')).toBe(true)
    expect(channel.get('/Channel/Application/Nope')).toBeUndefined()
    expect(() => channel.require('/Orderer/Writers')).toThrow(PolicyError)
  })

  it('honours overrides, e.g. LifecycleEndorsement = ANY', async () => {
    const channel = new ChannelPolicies({ msps, application: { LifecycleEndorsement: { rule: 'ANY', subPolicy: 'Endorsement' } }, orgPolicies: { Org2MSP: { Writers: "OR('Org2MSP.peer')" } } })
    expect(await channel.require('LifecycleEndorsement').evaluateSignedData(await signAll('o1.peer'))).toBe(true)
    expect(await channel.require('Writers').evaluateSignedData(await signAll('o2.peer'))).toBe(true)
  })

  it('checks ACLs by Fabric resource name, overridable', async () => {
    const channel = new ChannelPolicies({ msps })
    const acl = new AclProvider(channel)
    await acl.checkAcl('peer/Propose', await signAll('o1.client'))
    await expect(acl.checkAcl('peer/Propose', await signAll('o1.peer'))).rejects.toMatchObject({ code: 'POLICY_NOT_SATISFIED' })
    await expect(acl.checkAcl('nope/Nothing', await signAll('o1.client'))).rejects.toMatchObject({ code: 'POLICY_NOT_FOUND' })
    const open = new AclProvider(channel, { 'peer/Propose': '/Channel/Application/Readers' })
    await open.checkAcl('peer/Propose', await signAll('o1.peer'))
  })
})
