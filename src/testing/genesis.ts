/**
 * The test network's genesis block for the Raft ordering service: block 0 holding one CONFIG
 * envelope whose /Channel/Orderer/Orderers value maps the consenters (Fabric 3's consenter
 * mapping), as `configtxgen -outputBlock` writes it. Peers join the channel with this block
 * (Fabric's `peer channel join` commits it as block 0) and receive from block 1 on.
 *
 * Deviation: the rest of the channel config (application orgs, policies, batch size) stays in
 * ChannelPolicies and the orderer's init rather than in ConfigGroups; nothing reads it from here yet.
 *
 * @module
 */
import { ORDERERS_VALUE, ORDERER_GROUP } from '../orderer/index.js'
import {
  ChannelHeader, ConfigEnvelope, Envelope, HeaderType, Orderers, Payload, blockDataHash, encode, newBlock, type Block, type ConfigGroup
} from '../protos/index.js'

export interface GenesisConsenter {
  id: number
  mspId: string
  /** SerializedIdentity bytes of the consenter's signing identity. */
  identity: Uint8Array
}

function group (groups: ReadonlyArray<[string, ConfigGroup]>, values: ReadonlyArray<[string, Uint8Array]>): ConfigGroup {
  return {
    version: 0,
    groups: new Map(groups),
    values: new Map(values.map(([name, value]) => [name, { version: 0, value, modPolicy: 'Admins' }])),
    policies: new Map(),
    modPolicy: 'Admins'
  }
}

export function genesisBlock (channelId: string, consenters: readonly GenesisConsenter[]): Block {
  const orderers = encode(Orderers, {
    consenterMapping: consenters.map((c) => ({
      id: c.id, host: `orderer${c.id}.${c.mspId.toLowerCase()}.example.com`, port: 7050, mspId: c.mspId,
      identity: c.identity as Uint8Array<ArrayBuffer>, clientTlsCert: new Uint8Array(0), serverTlsCert: new Uint8Array(0)
    }))
  })
  const config = { sequence: 0, channelGroup: group([[ORDERER_GROUP, group([], [[ORDERERS_VALUE, orderers]])]], []) }
  const channelHeader = encode(ChannelHeader, { type: HeaderType.CONFIG, channelId, txId: '' })
  const payload = encode(Payload, { header: { channelHeader, signatureHeader: new Uint8Array(0) }, data: encode(ConfigEnvelope, { config }) })
  const data = { data: [encode(Envelope, { payload, signature: new Uint8Array(0) })] }
  const block = newBlock(0, new Uint8Array(0))
  block.data = data
  if (block.header !== undefined) block.header.dataHash = blockDataHash(data)
  return block
}
