import { beforeAll, describe, expect, it } from 'vitest'
import type { SigningIdentity } from '../../src/msp/index.js'
import { ChannelPolicyAuthorizer, envelopeAsSignedData } from '../../src/orderer/authorizer.js'
import type { OrderingChain } from '../../src/orderer/chain.js'
import { SEEK_NEWEST, SEEK_OLDEST, newSeekEnvelope, seekInfo } from '../../src/orderer/deliver.js'
import { ChannelPolicies, MspManager } from '../../src/policy/index.js'
import {
  ChannelHeader, ConfigEnvelope, ConfigUpdate, ConfigUpdateEnvelope, Envelope, HeaderType, Payload, SignatureHeader, Status, decode, encode
} from '../../src/protos/index.js'
import { TestOrg } from '../../src/testing/org.js'
import { CHANNEL, network, txIds } from './chain-helpers.js'

const ids: Record<string, SigningIdentity> = {}
let authorizer: ChannelPolicyAuthorizer
let configAuthorizer: ChannelPolicyAuthorizer

/** A transaction envelope as a Fabric client signs it: creator and nonce in the signature header, signature over the payload. */
async function signedEnvelope (signer: SigningIdentity | undefined, txId: string, options: { channelId?: string, tamper?: boolean, size?: number } = {}): Promise<Uint8Array> {
  const channelHeader = encode(ChannelHeader, { type: HeaderType.ENDORSER_TRANSACTION, channelId: options.channelId ?? CHANNEL, txId })
  const signatureHeader = signer === undefined ? new Uint8Array(0) : encode(SignatureHeader, { creator: signer.serialize(), nonce: new Uint8Array(24).fill(1) })
  const payload = encode(Payload, { header: { channelHeader, signatureHeader }, data: new Uint8Array(options.size ?? 0) })
  const signature = signer === undefined ? new Uint8Array(0) : await signer.sign(payload)
  if (options.tamper === true) payload[payload.length - 1] = (payload.at(-1) ?? 0) ^ 1
  return encode(Envelope, { payload, signature })
}

beforeAll(async () => {
  const [org1, org2, outsider] = await Promise.all([TestOrg.create('Org1MSP'), TestOrg.create('Org2MSP'), TestOrg.create('Org3MSP')])
  for (const [org, prefix] of [[org1, 'o1'], [org2, 'o2'], [outsider, 'o3']] as const) {
    for (const role of ['peer', 'client', 'admin'] as const) ids[`${prefix}.${role}`] = await org.enroll(`${prefix}-${role}`, { role })
  }
  const policies = new ChannelPolicies({ msps: new MspManager([org1.msp, org2.msp]) })
  authorizer = new ChannelPolicyAuthorizer({ writers: policies.require('/Channel/Writers'), readers: policies.require('/Channel/Readers') })
  configAuthorizer = new ChannelPolicyAuthorizer({ writers: policies.require('/Channel/Writers'), configAdmins: policies.require('/Channel/Admins') })
})

/**
 * A CONFIG envelope submitted by `submitter`, made from a config update signed by `admins`
 * (Fabric: ConfigEnvelope.last_update is the CONFIG_UPDATE envelope, its ConfigSignatures over
 * signature_header ‖ config_update).
 */
async function configWithUpdate (submitter: SigningIdentity, admins: SigningIdentity[], tamper = false): Promise<Uint8Array> {
  const configUpdate = encode(ConfigUpdate, { channelId: CHANNEL })
  const signatures = await Promise.all(admins.map(async admin => {
    const signatureHeader = encode(SignatureHeader, { creator: admin.serialize(), nonce: new Uint8Array(24).fill(2) })
    const signature = await admin.sign(new Uint8Array([...signatureHeader, ...configUpdate]))
    if (tamper) signature[signature.length - 1] = (signature.at(-1) ?? 0) ^ 1
    return { signatureHeader, signature }
  }))
  const updateHeader = encode(ChannelHeader, { type: HeaderType.CONFIG_UPDATE, channelId: CHANNEL })
  const lastUpdate = {
    payload: encode(Payload, { header: { channelHeader: updateHeader, signatureHeader: new Uint8Array(0) }, data: encode(ConfigUpdateEnvelope, { configUpdate, signatures }) }),
    signature: new Uint8Array(0)
  }
  const channelHeader = encode(ChannelHeader, { type: HeaderType.CONFIG, channelId: CHANNEL, txId: 'config1' })
  const signatureHeader = encode(SignatureHeader, { creator: submitter.serialize(), nonce: new Uint8Array(24).fill(3) })
  const payload = encode(Payload, { header: { channelHeader, signatureHeader }, data: encode(ConfigEnvelope, { config: { sequence: 1 }, lastUpdate }) })
  return encode(Envelope, { payload, signature: await submitter.sign(payload) })
}

describe('Broadcast and Deliver checks: signature and channel Writers / Readers policies', () => {
  it("takes the signed data from the envelope as Fabric's Envelope.AsSignedData does", async () => {
    const raw = await signedEnvelope(ids['o1.client'], 'tx1')
    const env = decode(Envelope, raw)
    const [signed] = envelopeAsSignedData(env)
    expect(signed?.data).toEqual(env.payload)
    expect(signed?.signature).toEqual(env.signature)
    expect(signed?.identity).toEqual(ids['o1.client']?.serialize())
  })

  it('orders only envelopes whose creator signed them and satisfies /Channel/Writers', async () => {
    const net = await network(3, { authorizer, channelId: CHANNEL })
    const leader = net.leader() as OrderingChain
    const follower = [...net.chains.values()].find(c => c !== leader) as OrderingChain
    const status = async (chain: OrderingChain, raw: Uint8Array): Promise<number> => (await chain.broadcast(raw)).status
    expect(await status(leader, await signedEnvelope(ids['o1.client'], 'tx1'))).toBe(Status.SUCCESS)
    expect(await status(follower, await signedEnvelope(ids['o2.client'], 'tx2'))).toBe(Status.SUCCESS)
    // Writers are admins and clients (Fabric's sample configtx.yaml): a peer may not write.
    expect(await status(leader, await signedEnvelope(ids['o1.peer'], 'tx3'))).toBe(Status.FORBIDDEN)
    expect(await status(follower, await signedEnvelope(ids['o3.client'], 'tx4'))).toBe(Status.FORBIDDEN) // not a channel MSP
    expect(await status(leader, await signedEnvelope(ids['o1.client'], 'tx5', { tamper: true }))).toBe(Status.FORBIDDEN)
    expect(await status(leader, await signedEnvelope(undefined, 'tx6'))).toBe(Status.FORBIDDEN)
    expect(await status(leader, await signedEnvelope(ids['o1.client'], 'tx7', { channelId: 'elsewhere' }))).toBe(Status.NOT_FOUND)
    expect(await status(leader, await signedEnvelope(ids['o1.client'], 'tx8', { size: 5000 }))).toBe(Status.REQUEST_ENTITY_TOO_LARGE)
    await net.clock.advance(1_000)
    for (const chain of net.chains.values()) expect((await txIds(chain)).sort()).toEqual(['tx1', 'tx2'])
    await net.stopAll()
  })

  it('serves Deliver to /Channel/Readers only', async () => {
    const net = await network(1, { authorizer, channelId: CHANNEL })
    const chain = net.leader() as OrderingChain
    const deliverStatus = async (signer: SigningIdentity | undefined): Promise<Array<number | undefined>> => {
      const raw = await newSeekEnvelope({ channelId: CHANNEL, seekInfo: seekInfo(SEEK_OLDEST, SEEK_NEWEST), ...(signer !== undefined ? { signer } : {}) })
      const out: Array<number | undefined> = []
      for await (const r of chain.deliver(raw)) out.push(r.status ?? r.block?.header?.number)
      return out
    }
    expect(await deliverStatus(ids['o1.peer'])).toEqual([0, Status.SUCCESS])
    expect(await deliverStatus(ids['o2.client'])).toEqual([0, Status.SUCCESS])
    expect(await deliverStatus(ids['o3.peer'])).toEqual([Status.FORBIDDEN])
    expect(await deliverStatus(undefined)).toEqual([Status.FORBIDDEN])
    await net.stopAll()
  })

  it('a CONFIG envelope also needs its update signed by enough admins (/Channel/Admins: a majority of org admins)', async () => {
    const net = await network(1, { authorizer: configAuthorizer, channelId: CHANNEL })
    const leader = net.leader() as OrderingChain
    const o1 = ids['o1.client'] as SigningIdentity
    const [a1, a2] = [ids['o1.admin'] as SigningIdentity, ids['o2.admin'] as SigningIdentity]
    expect((await leader.broadcast(await configWithUpdate(o1, [a1]))).status).toBe(Status.FORBIDDEN) // 1 of 2 orgs
    expect((await leader.broadcast(await configWithUpdate(o1, [a1, a2], true))).status).toBe(Status.FORBIDDEN)
    expect((await leader.broadcast(await configWithUpdate(o1, [a1, ids['o1.client'] as SigningIdentity]))).status).toBe(Status.FORBIDDEN)
    expect((await leader.broadcast(await configWithUpdate(ids['o1.peer'] as SigningIdentity, [a1, a2]))).status).toBe(Status.FORBIDDEN) // submitter not a writer
    expect((await leader.broadcast(await configWithUpdate(o1, [a1, a2]))).status).toBe(Status.SUCCESS)
    expect((await leader.broadcast(await signedEnvelope(o1, 'tx1'))).status).toBe(Status.SUCCESS) // normal envelopes: Writers only
    await net.stopAll()
  })
})
