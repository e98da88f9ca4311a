/**
 * Bridges Weft's protons messages and Fabric's own JS bindings (@hyperledger/fabric-protos,
 * google-protobuf generated): which reference class implements each schema message, how
 * to populate one through its setters, and a normal form both sides can be compared in.
 */
import { common, ledger, msp, orderer, peer } from '@hyperledger/fabric-protos'
import type { FieldDescriptor } from '../../../src/protos/wire/descriptor.js'
import { messageDescriptor } from './arbitraries.js'
import type { Value } from './arbitraries.js'

export interface ReferenceMessage {
  serializeBinary: () => Uint8Array
  toObject: () => object
}
export interface ReferenceClass {
  new (): ReferenceMessage
  deserializeBinary: (bytes: Uint8Array) => ReferenceMessage
}

const kvrwset = ledger.rwset.kvrwset
const lifecycle = peer.lifecycle

/**
 * google.protobuf.Timestamp's class, taken from a parsed ChannelHeader (fabric-protos does not
 * re-export it, and google-protobuf is only its transitive dependency).
 */
const Timestamp = (common.ChannelHeader.deserializeBinary(Uint8Array.of(0x1a, 0x00)).getTimestamp() as object)
  .constructor as unknown as ReferenceClass

/** Every schema message and the upstream class with the same wire format. */
export const referenceClasses: Readonly<Record<string, ReferenceClass>> = {
  Timestamp,
  LastConfig: common.LastConfig,
  Metadata: common.Metadata,
  MetadataSignature: common.MetadataSignature,
  IdentifierHeader: common.IdentifierHeader,
  Header: common.Header,
  ChannelHeader: common.ChannelHeader,
  SignatureHeader: common.SignatureHeader,
  Payload: common.Payload,
  Envelope: common.Envelope,
  Block: common.Block,
  BlockHeader: common.BlockHeader,
  BlockData: common.BlockData,
  BlockMetadata: common.BlockMetadata,
  OrdererBlockMetadata: common.OrdererBlockMetadata,
  BlockchainInfo: common.BlockchainInfo,
  BootstrappingSnapshotInfo: common.BootstrappingSnapshotInfo,
  BroadcastResponse: orderer.BroadcastResponse,
  SeekNewest: orderer.SeekNewest,
  SeekOldest: orderer.SeekOldest,
  SeekSpecified: orderer.SeekSpecified,
  SeekNextCommit: orderer.SeekNextCommit,
  SeekPosition: orderer.SeekPosition,
  SeekInfo: orderer.SeekInfo,
  DeliverResponse: orderer.DeliverResponse,
  ConfigEnvelope: common.ConfigEnvelope,
  Config: common.Config,
  ConfigUpdateEnvelope: common.ConfigUpdateEnvelope,
  ConfigUpdate: common.ConfigUpdate,
  ConfigGroup: common.ConfigGroup,
  ConfigValue: common.ConfigValue,
  ConfigPolicy: common.ConfigPolicy,
  ConfigSignature: common.ConfigSignature,
  HashingAlgorithm: common.HashingAlgorithm,
  BlockDataHashingStructure: common.BlockDataHashingStructure,
  OrdererAddresses: common.OrdererAddresses,
  Consenter: common.Consenter,
  Orderers: common.Orderers,
  Consortium: common.Consortium,
  Capabilities: common.Capabilities,
  Capability: common.Capability,
  ConsensusType: orderer.ConsensusType,
  BatchSize: orderer.BatchSize,
  BatchTimeout: orderer.BatchTimeout,
  ChannelRestrictions: orderer.ChannelRestrictions,
  AnchorPeers: peer.AnchorPeers,
  AnchorPeer: peer.AnchorPeer,
  APIResource: peer.APIResource,
  ACLs: peer.ACLs,
  MSPConfig: msp.MSPConfig,
  FabricMSPConfig: msp.FabricMSPConfig,
  FabricCryptoConfig: msp.FabricCryptoConfig,
  SigningIdentityInfo: msp.SigningIdentityInfo,
  KeyInfo: msp.KeyInfo,
  FabricOUIdentifier: msp.FabricOUIdentifier,
  FabricNodeOUs: msp.FabricNodeOUs,
  SerializedIdentity: msp.SerializedIdentity,
  MSPPrincipal: msp.MSPPrincipal,
  OrganizationUnit: msp.OrganizationUnit,
  MSPRole: msp.MSPRole,
  MSPIdentityAnonymity: msp.MSPIdentityAnonymity,
  CombinedPrincipal: msp.CombinedPrincipal,
  Policy: common.Policy,
  SignaturePolicyEnvelope: common.SignaturePolicyEnvelope,
  SignaturePolicy: common.SignaturePolicy,
  'SignaturePolicy.NOutOf': common.SignaturePolicy.NOutOf,
  ImplicitMetaPolicy: common.ImplicitMetaPolicy,
  ApplicationPolicy: common.ApplicationPolicy,
  ChaincodeID: peer.ChaincodeID,
  ChaincodeInput: peer.ChaincodeInput,
  ChaincodeSpec: peer.ChaincodeSpec,
  ChaincodeDeploymentSpec: peer.ChaincodeDeploymentSpec,
  ChaincodeInvocationSpec: peer.ChaincodeInvocationSpec,
  SignedProposal: peer.SignedProposal,
  Proposal: peer.Proposal,
  ChaincodeHeaderExtension: peer.ChaincodeHeaderExtension,
  ChaincodeProposalPayload: peer.ChaincodeProposalPayload,
  ChaincodeAction: peer.ChaincodeAction,
  ProposalResponse: peer.ProposalResponse,
  Response: peer.Response,
  ProposalResponsePayload: peer.ProposalResponsePayload,
  Endorsement: peer.Endorsement,
  ChaincodeInterest: peer.ChaincodeInterest,
  ChaincodeCall: peer.ChaincodeCall,
  ChaincodeEvent: peer.ChaincodeEvent,
  ProcessedTransaction: peer.ProcessedTransaction,
  Transaction: peer.Transaction,
  TransactionAction: peer.TransactionAction,
  ChaincodeActionPayload: peer.ChaincodeActionPayload,
  ChaincodeEndorsedAction: peer.ChaincodeEndorsedAction,
  TxReadWriteSet: ledger.rwset.TxReadWriteSet,
  NsReadWriteSet: ledger.rwset.NsReadWriteSet,
  CollectionHashedReadWriteSet: ledger.rwset.CollectionHashedReadWriteSet,
  TxPvtReadWriteSet: ledger.rwset.TxPvtReadWriteSet,
  NsPvtReadWriteSet: ledger.rwset.NsPvtReadWriteSet,
  CollectionPvtReadWriteSet: ledger.rwset.CollectionPvtReadWriteSet,
  KVRWSet: kvrwset.KVRWSet,
  HashedRWSet: kvrwset.HashedRWSet,
  KVRead: kvrwset.KVRead,
  KVWrite: kvrwset.KVWrite,
  KVMetadataWrite: kvrwset.KVMetadataWrite,
  KVReadHash: kvrwset.KVReadHash,
  KVWriteHash: kvrwset.KVWriteHash,
  KVMetadataWriteHash: kvrwset.KVMetadataWriteHash,
  KVMetadataEntry: kvrwset.KVMetadataEntry,
  Version: kvrwset.Version,
  RangeQueryInfo: kvrwset.RangeQueryInfo,
  QueryReads: kvrwset.QueryReads,
  QueryReadsMerkleSummary: kvrwset.QueryReadsMerkleSummary,
  KV: ledger.queryresult.KV,
  KeyModification: ledger.queryresult.KeyModification,
  CollectionConfigPackage: peer.CollectionConfigPackage,
  CollectionConfig: peer.CollectionConfig,
  StaticCollectionConfig: peer.StaticCollectionConfig,
  CollectionPolicyConfig: peer.CollectionPolicyConfig,
  ChaincodeEndorsementInfo: lifecycle.ChaincodeEndorsementInfo,
  ChaincodeValidationInfo: lifecycle.ChaincodeValidationInfo,
  StateMetadata: lifecycle.StateMetadata,
  StateData: lifecycle.StateData,
  InstallChaincodeArgs: lifecycle.InstallChaincodeArgs,
  InstallChaincodeResult: lifecycle.InstallChaincodeResult,
  QueryInstalledChaincodeArgs: lifecycle.QueryInstalledChaincodeArgs,
  QueryInstalledChaincodeResult: lifecycle.QueryInstalledChaincodeResult,
  'QueryInstalledChaincodeResult.References': lifecycle.QueryInstalledChaincodeResult.References,
  'QueryInstalledChaincodeResult.Chaincode': lifecycle.QueryInstalledChaincodeResult.Chaincode,
  GetInstalledChaincodePackageArgs: lifecycle.GetInstalledChaincodePackageArgs,
  GetInstalledChaincodePackageResult: lifecycle.GetInstalledChaincodePackageResult,
  QueryInstalledChaincodesArgs: lifecycle.QueryInstalledChaincodesArgs,
  QueryInstalledChaincodesResult: lifecycle.QueryInstalledChaincodesResult,
  'QueryInstalledChaincodesResult.InstalledChaincode': lifecycle.QueryInstalledChaincodesResult.InstalledChaincode,
  'QueryInstalledChaincodesResult.References': lifecycle.QueryInstalledChaincodesResult.References,
  'QueryInstalledChaincodesResult.Chaincode': lifecycle.QueryInstalledChaincodesResult.Chaincode,
  ApproveChaincodeDefinitionForMyOrgArgs: lifecycle.ApproveChaincodeDefinitionForMyOrgArgs,
  ChaincodeSource: lifecycle.ChaincodeSource,
  'ChaincodeSource.Unavailable': lifecycle.ChaincodeSource.Unavailable,
  'ChaincodeSource.Local': lifecycle.ChaincodeSource.Local,
  ApproveChaincodeDefinitionForMyOrgResult: lifecycle.ApproveChaincodeDefinitionForMyOrgResult,
  CommitChaincodeDefinitionArgs: lifecycle.CommitChaincodeDefinitionArgs,
  CommitChaincodeDefinitionResult: lifecycle.CommitChaincodeDefinitionResult,
  CheckCommitReadinessArgs: lifecycle.CheckCommitReadinessArgs,
  CheckCommitReadinessResult: lifecycle.CheckCommitReadinessResult,
  'CheckCommitReadinessResult.Mismatches': lifecycle.CheckCommitReadinessResult.Mismatches,
  QueryApprovedChaincodeDefinitionArgs: lifecycle.QueryApprovedChaincodeDefinitionArgs,
  QueryApprovedChaincodeDefinitionResult: lifecycle.QueryApprovedChaincodeDefinitionResult,
  QueryApprovedChaincodeDefinitionsArgs: lifecycle.QueryApprovedChaincodeDefinitionsArgs,
  QueryApprovedChaincodeDefinitionsResult: lifecycle.QueryApprovedChaincodeDefinitionsResult,
  'QueryApprovedChaincodeDefinitionsResult.ApprovedChaincodeDefinition': lifecycle.QueryApprovedChaincodeDefinitionsResult.ApprovedChaincodeDefinition,
  QueryChaincodeDefinitionArgs: lifecycle.QueryChaincodeDefinitionArgs,
  QueryChaincodeDefinitionResult: lifecycle.QueryChaincodeDefinitionResult,
  QueryChaincodeDefinitionsArgs: lifecycle.QueryChaincodeDefinitionsArgs,
  QueryChaincodeDefinitionsResult: lifecycle.QueryChaincodeDefinitionsResult,
  'QueryChaincodeDefinitionsResult.ChaincodeDefinition': lifecycle.QueryChaincodeDefinitionsResult.ChaincodeDefinition
}

export function referenceClass (name: string): ReferenceClass {
  const cls = referenceClasses[name]
  if (cls === undefined) throw new Error(`no reference class for ${name}`)
  return cls
}

/**
 * google-protobuf names accessors after the proto field name lowercased and camel-cased at
 * underscores (`TransientMap` -> getTransientmapMap, `extension` -> setExtension$), so find
 * them case-insensitively from our camelCase name.
 */
function method (target: object, wanted: string): (...args: unknown[]) => unknown {
  const proto = Object.getPrototypeOf(target) as object
  const lower = wanted.toLowerCase()
  const found = Object.getOwnPropertyNames(proto).find((n) => n.toLowerCase() === lower || n.toLowerCase() === `${lower}$`)
  const fn = found === undefined ? undefined : (proto as Record<string, unknown>)[found]
  if (typeof fn !== 'function') throw new Error(`no method ${wanted} on ${proto.constructor.name}`)
  return (...args: unknown[]) => (fn as (...a: unknown[]) => unknown).apply(target, args)
}

/** Builds the upstream message with the same content as `value`, through its setters only. */
export function buildReference (name: string, value: Value): ReferenceMessage {
  const desc = messageDescriptor(name)
  const msg = new (referenceClass(name))()
  for (const f of Object.values(desc.fields)) {
    const v = value[f.name]
    if (v === undefined) continue
    if (f.map === true) {
      const map = method(msg, `get${f.name}Map`)() as { set: (k: unknown, v: unknown) => void }
      const valueField = mapValueField(f)
      for (const [k, mv] of v as Map<unknown, unknown>) map.set(k, toReferenceValue(valueField, mv))
    } else if (f.repeated) {
      method(msg, `set${f.name}List`)((v as unknown[]).map((item) => toReferenceValue(f, item)))
    } else {
      method(msg, `set${f.name}`)(toReferenceValue(f, v))
    }
  }
  return msg
}

function mapValueField (f: FieldDescriptor): FieldDescriptor {
  const value = messageDescriptor(f.message ?? '').fields[2]
  if (value === undefined) throw new Error(`map ${f.name} has no value field`)
  return value
}

function toReferenceValue (f: FieldDescriptor, v: unknown): unknown {
  if (f.kind === 'message') return buildReference(f.message ?? '', v as Value)
  if (f.kind === 'enum') return enumNumber(f, v)
  return v
}

function enumNumber (f: FieldDescriptor, v: unknown): number {
  const n = f.enumNames?.[String(v)]
  if (n === undefined) throw new Error(`unknown enum ${String(v)}`)
  return n
}

const base64 = (b: Uint8Array): string => Buffer.from(b).toString('base64')

/** Our value in the normal form: google-protobuf toObject() keys lowercased, bytes as base64. */
export function normalizeOurs (name: string, value: Value): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of Object.values(messageDescriptor(name).fields)) {
    const v = value[f.name]
    if (f.map === true) {
      const valueField = mapValueField(f)
      const entries = [...(v as Map<string, unknown>).entries()]
      out[`${f.name.toLowerCase()}map`] = entries.map(([k, mv]) => [k, normalizeOursScalar(valueField, mv)]).sort(byKey)
    } else if (f.repeated) {
      out[`${f.name.toLowerCase()}list`] = (v as unknown[]).map((item) => normalizeOursScalar(f, item))
    } else if (v === undefined) {
      // google-protobuf reports unset messages and unset oneof members as undefined, except
      // oneof bytes, which its toObject() reads through getX_asB64() and so reports as ''.
      out[f.name.toLowerCase()] = f.kind === 'message' || (f.oneof !== undefined && f.kind !== 'bytes') ? undefined : defaultOf(f)
    } else {
      out[f.name.toLowerCase()] = normalizeOursScalar(f, v)
    }
  }
  return out
}

function normalizeOursScalar (f: FieldDescriptor, v: unknown): unknown {
  switch (f.kind) {
    case 'message': return normalizeOurs(f.message ?? '', v as Value)
    case 'bytes': return base64(v as Uint8Array)
    case 'enum': return enumNumber(f, v)
    default: return v
  }
}

function defaultOf (f: FieldDescriptor): unknown {
  switch (f.kind) {
    case 'bytes': return ''
    case 'string': return ''
    case 'bool': return false
    default: return 0
  }
}

/** The reference message's toObject() in the same normal form, driven by our descriptor. */
export function normalizeReference (name: string, obj: object): Record<string, unknown> {
  const lowered = new Map(Object.entries(obj).map(([k, v]) => [k.toLowerCase(), v]))
  const out: Record<string, unknown> = {}
  for (const f of Object.values(messageDescriptor(name).fields)) {
    const key = f.name.toLowerCase() + (f.map === true ? 'map' : f.repeated ? 'list' : '')
    if (!lowered.has(key)) throw new Error(`reference ${name} has no field ${key}`)
    const v = lowered.get(key)
    if (f.map === true) {
      const valueField = mapValueField(f)
      out[key] = (v as Array<[string, unknown]>).map(([k, mv]) => [k, normalizeReferenceScalar(valueField, mv)]).sort(byKey)
    } else if (f.repeated) {
      out[key] = (v as unknown[]).map((item) => normalizeReferenceScalar(f, item))
    } else {
      out[key] = v === undefined ? undefined : normalizeReferenceScalar(f, v)
    }
  }
  return out
}

function normalizeReferenceScalar (f: FieldDescriptor, v: unknown): unknown {
  if (f.kind === 'message') return normalizeReference(f.message ?? '', v as object)
  if (f.kind === 'bytes' && v instanceof Uint8Array) return base64(v)
  return v
}

function byKey (a: unknown[], b: unknown[]): number {
  return String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0
}
