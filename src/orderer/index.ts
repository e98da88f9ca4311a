/**
 * Weft's ordering service: Fabric's etcdraft chain on Weft's Raft (./raft), with Broadcast and
 * Deliver speaking Fabric's protos (Envelope → BroadcastResponse; Envelope{SeekInfo} →
 * DeliverResponse stream), the channel's Writers/Readers policies, blocks persisted per consenter,
 * and consenter changes through config blocks. See docs/raft.md.
 *
 * @example
 * const chain = await OrderingChain.create({ id, options: DEFAULT_ETCDRAFT_OPTIONS, batch: DEFAULT_BATCH_CONFIG, random, genesis, channelId },
 *   { clock, transport, persistence, signer, ledger: await KvOrdererLedger.open(store), authorizer: new ChannelPolicyAuthorizer({ writers, readers }) })
 * chain.start()
 * const { status } = await chain.broadcast(envelopeBytes)
 * for await (const response of chain.deliver(await newSeekEnvelope({ channelId, seekInfo: seekInfo(SEEK_OLDEST, SEEK_FOREVER), signer }))) { ... }
 *
 * @module
 */
export { OrderingChain } from './chain.js'
export type { BlockPuller, ChainTransport, EnvelopeFilter, OrderingChainComponents, OrderingChainInit, SubmitRequest } from './chain.js'
export { ChannelPolicyAuthorizer, configUpdateSignedData, envelopeAsSignedData } from './authorizer.js'
export type { BroadcastAuthorizer, ChannelPolicyAuthorizerInit } from './authorizer.js'
export {
  SEEK_FOREVER, SEEK_NEWEST, SEEK_NEXT_COMMIT, SEEK_OLDEST, deliverBlocks, newSeekEnvelope, parseDeliverEnvelope, resolveSeek, seekInfo, seekSpecified
} from './deliver.js'
export type { DeliverRequest, DeliverSource, SeekEnvelopeInit } from './deliver.js'
export { KvOrdererLedger, MemoryOrdererLedger, ORDERER_LEDGER_TABLES } from './ledger.js'
export type { OrdererLedger } from './ledger.js'
export {
  ORDERERS_VALUE, ORDERER_GROUP, configOfEnvelope, consenterChanges, consenterIdsOfBlock, consenterIdsOfConfig, nextConfChange
} from './membership.js'
export { BlockCutter, DEFAULT_BATCH_CONFIG, validateBatchConfig } from './blockcutter.js'
export type { BatchConfig, Ordered, SizedMessage } from './blockcutter.js'
export { BlockCreator } from './block-creator.js'
export { BlockWriter, lastConfigIndexOf, webCryptoNonce } from './block-writer.js'
export type { BlockSigner, NonceSource } from './block-writer.js'
export { InProcessOrderers } from './in-process.js'
export { RaftOrderingService } from './raft-service.js'
export type { RaftOrderingServiceInit } from './raft-service.js'
export type { InProcessOrderersInit, LinkPolicy } from './in-process.js'
export { OrdererError } from './errors.js'
export type { OrdererErrorCode } from './errors.js'
