import { ChannelHeader, ConfigEnvelope, Envelope, HeaderType, Orderers, Payload, decode } from '../protos/index.js'
import type { Block, Config } from '../protos/index.js'
import { ConfChangeType } from './raft/conf-change.js'
import type { ConfChange } from './raft/conf-change.js'
import { OrdererError } from './errors.js'

/**
 * The consenter set a channel config names, and the Raft change that moves towards it.
 *
 * Where the set lives: Fabric 2's etcdraft keeps consenters (host, port, TLS certs) in the
 * `ConsensusType` metadata and maps them to Raft ids in the block metadata (packed repeated
 * fields Weft's codecs do not decode). Weft reads Fabric 3's `Orderers` value at
 * /Channel/Orderer/Orderers instead, whose `consenter_mapping` carries each consenter's Raft id
 * explicitly — the same content, one place.
 */
export const ORDERER_GROUP = 'Orderer'
export const ORDERERS_VALUE = 'Orderers'

/** Consenter ids of a Config, sorted; undefined when it names none (no Orderer group or value). */
export function consenterIdsOfConfig (config: Config | undefined): number[] | undefined {
  const value = config?.channelGroup?.groups.get(ORDERER_GROUP)?.values.get(ORDERERS_VALUE)
  if (value === undefined) return undefined
  const ids = decode(Orderers, value.value).consenterMapping.map(c => c.id)
  for (const id of ids) {
    if (!Number.isSafeInteger(id) || id <= 0) throw new OrdererError('ORDERER_INVALID_CONFIG', `consenter id ${id}: expected a positive integer`)
  }
  if (new Set(ids).size !== ids.length) throw new OrdererError('ORDERER_INVALID_CONFIG', `consenter ids repeat: ${ids.join(', ')}`)
  return ids.sort((a, b) => a - b)
}

/** The Config a CONFIG envelope carries, or undefined for other envelopes. Throws ProtoError on bad bytes. */
export function configOfEnvelope (raw: Uint8Array): Config | undefined {
  const payload = decode(Payload, decode(Envelope, raw).payload)
  if (payload.header === undefined) return undefined
  if (decode(ChannelHeader, payload.header.channelHeader).type !== HeaderType.CONFIG) return undefined
  return decode(ConfigEnvelope, payload.data).config
}

/** Consenter ids a config block names (undefined for other blocks, or a config without them). */
export function consenterIdsOfBlock (block: Block): number[] | undefined {
  const data = block.data?.data ?? []
  if (data.length !== 1) return undefined
  return consenterIdsOfConfig(configOfEnvelope(data[0] as Uint8Array))
}

/**
 * Fabric's etcdraft ComputeMembershipChanges, one step: the Raft change that brings `voters`
 * one consenter closer to `target` (adds first, so a replaced consenter is added before the old
 * one leaves and the cluster never shrinks below its size), or undefined when they agree.
 */
export function nextConfChange (voters: readonly number[], target: readonly number[]): ConfChange | undefined {
  const current = new Set(voters)
  const wanted = new Set(target)
  const add = target.find(id => !current.has(id))
  if (add !== undefined) return { type: ConfChangeType.AddNode, nodeId: add }
  const remove = voters.find(id => !wanted.has(id))
  if (remove !== undefined) return { type: ConfChangeType.RemoveNode, nodeId: remove }
  return undefined
}

/** How many consenters differ between two sets (Fabric refuses a config update changing more than one). */
export function consenterChanges (from: readonly number[], to: readonly number[]): number {
  const a = new Set(from)
  const b = new Set(to)
  return [...a].filter(id => !b.has(id)).length + [...b].filter(id => !a.has(id)).length
}
