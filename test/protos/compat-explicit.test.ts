/**
 * Hand-written, field-by-field checks against Fabric's bindings for the messages every layer
 * touches. Independent of the generic normaliser in ./support, so a shared blind spot there
 * cannot hide a wrong field number here.
 */
import { common, ledger, msp, orderer, peer } from '@hyperledger/fabric-protos'
import { describe, expect, it } from 'vitest'
import {
  BatchSize, Block, ConfigEnvelope, FabricMSPConfig, ChaincodeAction, ChaincodeActionPayload, ChaincodeEvent, ChaincodeInput, ChaincodeInvocationSpec, ChaincodeProposalPayload,
  ChaincodeSpec, ChannelHeader, Envelope, HeaderType, KVRWSet, MSPPrincipal, MSPRole, Payload, ProcessedTransaction,
  ProposalResponse, SerializedIdentity, SignaturePolicyEnvelope, TxReadWriteSet, TxValidationCode, decode, encode
} from '../../src/protos/index.js'

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs)
const text = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('common', () => {
  it('ChannelHeader: all eight fields', () => {
    const bytes = encode(ChannelHeader, {
      type: HeaderType.ENDORSER_TRANSACTION,
      version: 1,
      timestamp: { seconds: 1_700_000_000, nanos: 123_456_789 },
      channelId: 'mychannel',
      txId: 'ab'.repeat(32),
      epoch: 2 ** 40,
      extension: b(1, 2, 3),
      tlsCertHash: b(9, 9)
    })
    const theirs = common.ChannelHeader.deserializeBinary(bytes)
    expect(theirs.getType()).toBe(3)
    expect(theirs.getVersion()).toBe(1)
    expect(theirs.getTimestamp()?.getSeconds()).toBe(1_700_000_000)
    expect(theirs.getTimestamp()?.getNanos()).toBe(123_456_789)
    expect(theirs.getChannelId()).toBe('mychannel')
    expect(theirs.getTxId()).toBe('ab'.repeat(32))
    expect(theirs.getEpoch()).toBe(2 ** 40)
    expect(theirs.getExtension_asU8()).toEqual(b(1, 2, 3))
    expect(theirs.getTlsCertHash_asU8()).toEqual(b(9, 9))
  })

  it('Block: header, data and metadata, both directions', () => {
    const theirs = new common.Block()
    const header = new common.BlockHeader()
    header.setNumber(42)
    header.setPreviousHash(b(1, 1))
    header.setDataHash(b(2, 2))
    theirs.setHeader(header)
    const data = new common.BlockData()
    data.setDataList([b(10), b(11, 12)])
    theirs.setData(data)
    const metadata = new common.BlockMetadata()
    metadata.setMetadataList([b(), b(), b(0, 11)])
    theirs.setMetadata(metadata)

    const ours = decode(Block, theirs.serializeBinary())
    expect(ours.header?.number).toBe(42)
    expect(ours.header?.previousHash).toEqual(b(1, 1))
    expect(ours.header?.dataHash).toEqual(b(2, 2))
    expect(ours.data?.data).toEqual([b(10), b(11, 12)])
    expect(ours.metadata?.metadata).toEqual([b(), b(), b(0, 11)])
    expect(encode(Block, ours)).toEqual(theirs.serializeBinary())
  })

  it('Envelope / Payload / Header chain', () => {
    const payload = encode(Payload, { header: { channelHeader: b(1), signatureHeader: b(2) }, data: b(3) })
    const env = common.Envelope.deserializeBinary(encode(Envelope, { payload, signature: b(4) }))
    const theirPayload = common.Payload.deserializeBinary(env.getPayload_asU8())
    expect(theirPayload.getHeader()?.getChannelHeader_asU8()).toEqual(b(1))
    expect(theirPayload.getHeader()?.getSignatureHeader_asU8()).toEqual(b(2))
    expect(theirPayload.getData_asU8()).toEqual(b(3))
    expect(env.getSignature_asU8()).toEqual(b(4))
  })
})

describe('msp and policies', () => {
  it('SerializedIdentity', () => {
    const theirs = msp.SerializedIdentity.deserializeBinary(encode(SerializedIdentity, { mspid: 'Org1MSP', idBytes: text('-----BEGIN') }))
    expect(theirs.getMspid()).toBe('Org1MSP')
    expect(theirs.getIdBytes_asU8()).toEqual(text('-----BEGIN'))
  })

  it('SignaturePolicyEnvelope: OutOf(2, Org1.member, OutOf(1, Org2.admin, signed_by 0))', () => {
    const role = (mspIdentifier: string, r: MSPRole.MSPRoleType): Uint8Array => encode(MSPRole, { mspIdentifier, role: r })
    const bytes = encode(SignaturePolicyEnvelope, {
      version: 0,
      rule: { nOutOf: { n: 2, rules: [{ signedBy: 0 }, { nOutOf: { n: 1, rules: [{ signedBy: 1 }, { signedBy: 0 }] } }] } },
      identities: [
        { principalClassification: MSPPrincipal.Classification.ROLE, principal: role('Org1MSP', MSPRole.MSPRoleType.MEMBER) },
        { principalClassification: MSPPrincipal.Classification.ROLE, principal: role('Org2MSP', MSPRole.MSPRoleType.ADMIN) }
      ]
    })
    const theirs = common.SignaturePolicyEnvelope.deserializeBinary(bytes)
    const outer = theirs.getRule()?.getNOutOf()
    expect(outer?.getN()).toBe(2)
    expect(outer?.getRulesList()[0]?.hasSignedBy()).toBe(true)
    expect(outer?.getRulesList()[0]?.getSignedBy()).toBe(0)
    const inner = outer?.getRulesList()[1]?.getNOutOf()
    expect(inner?.getN()).toBe(1)
    expect(inner?.getRulesList().map((r) => r.getSignedBy())).toEqual([1, 0])
    const principal = theirs.getIdentitiesList()[1]
    expect(principal?.getPrincipalClassification()).toBe(msp.MSPPrincipal.Classification.ROLE)
    const theirRole = msp.MSPRole.deserializeBinary(principal?.getPrincipal_asU8() ?? b())
    expect(theirRole.getMspIdentifier()).toBe('Org2MSP')
    expect(theirRole.getRole()).toBe(msp.MSPRole.MSPRoleType.ADMIN)
    // signed_by 0 is present on the wire (oneof), so it survives the round trip.
    expect(decode(SignaturePolicyEnvelope, theirs.serializeBinary()).rule?.nOutOf?.rules[0]).toEqual({ signedBy: 0 })
  })
})

describe('peer', () => {
  it('ChaincodeInvocationSpec with args, decorations and is_init', () => {
    const bytes = encode(ChaincodeInvocationSpec, {
      chaincodeSpec: {
        type: ChaincodeSpec.Type.NODE,
        chaincodeId: { name: 'basic', version: '1.0', path: '' },
        input: { args: [text('CreateAsset'), text('a1')], decorations: new Map([['d', b(7)]]), isInit: true },
        timeout: 30
      }
    })
    const spec = peer.ChaincodeInvocationSpec.deserializeBinary(bytes).getChaincodeSpec()
    expect(spec?.getType()).toBe(peer.ChaincodeSpec.Type.NODE)
    expect(spec?.getChaincodeId()?.getName()).toBe('basic')
    expect(spec?.getChaincodeId()?.getVersion()).toBe('1.0')
    expect(spec?.getInput()?.getArgsList_asU8()).toEqual([text('CreateAsset'), text('a1')])
    expect(spec?.getInput()?.getDecorationsMap().get('d')).toEqual(b(7))
    expect(spec?.getInput()?.getIsInit()).toBe(true)
    expect(spec?.getTimeout()).toBe(30)
  })

  it('ChaincodeProposalPayload.TransientMap (Fabric\'s capitalised field name)', () => {
    const theirs = new peer.ChaincodeProposalPayload()
    theirs.setInput(b(1))
    theirs.getTransientmapMap().set('secret', b(5, 6))
    const ours = decode(ChaincodeProposalPayload, theirs.serializeBinary())
    expect(ours.input).toEqual(b(1))
    expect(ours.TransientMap.get('secret')).toEqual(b(5, 6))
    expect(decode(ChaincodeInput, encode(ChaincodeInput, { args: [], decorations: new Map(), isInit: false }))).toEqual({ args: [], decorations: new Map(), isInit: false })
  })

  it('ProposalResponse: fields 1, 2, 4, 5, 6 (3 is unused upstream)', () => {
    const bytes = encode(ProposalResponse, {
      version: 1,
      timestamp: { seconds: 5, nanos: 6 },
      response: { status: 200, message: 'OK', payload: b(1) },
      payload: b(2),
      endorsement: { endorser: b(3), signature: b(4) }
    })
    const theirs = peer.ProposalResponse.deserializeBinary(bytes)
    expect(theirs.getVersion()).toBe(1)
    expect(theirs.getTimestamp()?.getSeconds()).toBe(5)
    expect(theirs.getResponse()?.getStatus()).toBe(200)
    expect(theirs.getResponse()?.getMessage()).toBe('OK')
    expect(theirs.getResponse()?.getPayload_asU8()).toEqual(b(1))
    expect(theirs.getPayload_asU8()).toEqual(b(2))
    expect(theirs.getEndorsement()?.getEndorser_asU8()).toEqual(b(3))
    expect(theirs.getEndorsement()?.getSignature_asU8()).toEqual(b(4))
  })

  it('ChaincodeActionPayload -> ChaincodeEndorsedAction -> endorsements', () => {
    const bytes = encode(ChaincodeActionPayload, {
      chaincodeProposalPayload: b(1),
      action: { proposalResponsePayload: b(2), endorsements: [{ endorser: b(3), signature: b(4) }, { endorser: b(5), signature: b(6) }] }
    })
    const theirs = peer.ChaincodeActionPayload.deserializeBinary(bytes)
    expect(theirs.getChaincodeProposalPayload_asU8()).toEqual(b(1))
    expect(theirs.getAction()?.getProposalResponsePayload_asU8()).toEqual(b(2))
    expect(theirs.getAction()?.getEndorsementsList().map((e) => e.getEndorser_asU8())).toEqual([b(3), b(5)])
  })

  it('ChaincodeAction and ChaincodeEvent', () => {
    const event = encode(ChaincodeEvent, { chaincodeId: 'basic', txId: 't1', eventName: 'Created', payload: b(8) })
    const action = peer.ChaincodeAction.deserializeBinary(encode(ChaincodeAction, {
      results: b(1), events: event, response: { status: 500, message: 'boom', payload: b() }, chaincodeId: { name: 'basic', version: '2', path: '' }
    }))
    expect(action.getResults_asU8()).toEqual(b(1))
    expect(action.getResponse()?.getStatus()).toBe(500)
    expect(action.getChaincodeId()?.getVersion()).toBe('2')
    const theirEvent = peer.ChaincodeEvent.deserializeBinary(action.getEvents_asU8())
    expect([theirEvent.getChaincodeId(), theirEvent.getTxId(), theirEvent.getEventName()]).toEqual(['basic', 't1', 'Created'])
  })

  it('ProcessedTransaction carries the validation code as int32', () => {
    const theirs = peer.ProcessedTransaction.deserializeBinary(encode(ProcessedTransaction, {
      transactionEnvelope: { payload: b(1), signature: b(2) }, validationCode: TxValidationCode.MVCC_READ_CONFLICT
    }))
    expect(theirs.getValidationcode()).toBe(peer.TxValidationCode.MVCC_READ_CONFLICT)
    expect(theirs.getTransactionenvelope()?.getSignature_asU8()).toEqual(b(2))
  })
})

describe('channel configuration', () => {
  it('ConfigEnvelope: nested groups, values and policies built by Fabric\'s bindings', () => {
    const batchSize = new orderer.BatchSize()
    batchSize.setMaxMessageCount(500)
    batchSize.setAbsoluteMaxBytes(10 * 1024 * 1024)
    batchSize.setPreferredMaxBytes(2 * 1024 * 1024)
    const batchValue = new common.ConfigValue()
    batchValue.setValue(batchSize.serializeBinary())
    batchValue.setModPolicy('Admins')
    const admins = new common.ConfigPolicy()
    const policy = new common.Policy()
    policy.setType(3)
    policy.setValue(b(1))
    admins.setPolicy(policy)
    admins.setVersion(2)
    const ordererGroup = new common.ConfigGroup()
    ordererGroup.getValuesMap().set('BatchSize', batchValue)
    ordererGroup.getPoliciesMap().set('Admins', admins)
    const root = new common.ConfigGroup()
    root.getGroupsMap().set('Orderer', ordererGroup)
    root.setModPolicy('/Channel/Orderer/Admins')
    const config = new common.Config()
    config.setSequence(3)
    config.setChannelGroup(root)
    const envelope = new common.ConfigEnvelope()
    envelope.setConfig(config)

    const ours = decode(ConfigEnvelope, envelope.serializeBinary())
    expect(ours.config?.sequence).toBe(3)
    expect(ours.config?.channelGroup?.modPolicy).toBe('/Channel/Orderer/Admins')
    const group = ours.config?.channelGroup?.groups.get('Orderer')
    expect(group?.policies.get('Admins')?.version).toBe(2)
    expect(group?.policies.get('Admins')?.policy).toEqual({ type: 3, value: b(1) })
    const value = group?.values.get('BatchSize')
    expect(value?.modPolicy).toBe('Admins')
    expect(decode(BatchSize, value?.value ?? b())).toEqual({ maxMessageCount: 500, absoluteMaxBytes: 10 * 1024 * 1024, preferredMaxBytes: 2 * 1024 * 1024 })
    expect(encode(ConfigEnvelope, ours)).toEqual(envelope.serializeBinary())
  })

  it('FabricMSPConfig with NodeOUs', () => {
    const bytes = encode(FabricMSPConfig, {
      name: 'Org1MSP',
      rootCerts: [text('root')],
      fabricNodeOus: { enable: true, clientOuIdentifier: { certificate: b(), organizationalUnitIdentifier: 'client' } },
      cryptoConfig: { signatureHashFamily: 'SHA2', identityIdentifierHashFunction: 'SHA256' }
    })
    const theirs = msp.FabricMSPConfig.deserializeBinary(bytes)
    expect(theirs.getName()).toBe('Org1MSP')
    expect(theirs.getRootCertsList_asU8()).toEqual([text('root')])
    expect(theirs.getFabricNodeOus()?.getEnable()).toBe(true)
    expect(theirs.getFabricNodeOus()?.getClientOuIdentifier()?.getOrganizationalUnitIdentifier()).toBe('client')
    expect(theirs.getCryptoConfig()?.getSignatureHashFamily()).toBe('SHA2')
  })
})

describe('rwset', () => {
  it('KVRWSet: reads with versions, a raw range query, writes, metadata writes', () => {
    const bytes = encode(KVRWSet, {
      reads: [{ key: 'a', version: { blockNum: 3, txNum: 1 } }, { key: 'new' }],
      rangeQueriesInfo: [{ startKey: 'a', endKey: 'z', itrExhausted: true, rawReads: { kvReads: [{ key: 'b', version: { blockNum: 2, txNum: 0 } }] } }],
      writes: [{ key: 'a', isDelete: false, value: text('{"v":1}') }, { key: 'gone', isDelete: true, value: b() }],
      metadataWrites: [{ key: 'a', entries: [{ name: 'VALIDATION_PARAMETER', value: b(1) }] }]
    })
    const theirs = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(bytes)
    const [r0, r1] = theirs.getReadsList()
    expect(r0?.getKey()).toBe('a')
    expect(r0?.getVersion()?.getBlockNum()).toBe(3)
    expect(r0?.getVersion()?.getTxNum()).toBe(1)
    expect(r1?.hasVersion()).toBe(false)
    const range = theirs.getRangeQueriesInfoList()[0]
    expect([range?.getStartKey(), range?.getEndKey(), range?.getItrExhausted()]).toEqual(['a', 'z', true])
    expect(range?.getReadsInfoCase()).toBe(ledger.rwset.kvrwset.RangeQueryInfo.ReadsInfoCase.RAW_READS)
    expect(range?.getRawReads()?.getKvReadsList()[0]?.getVersion()?.getBlockNum()).toBe(2)
    expect(theirs.getWritesList().map((w) => [w.getKey(), w.getIsDelete()])).toEqual([['a', false], ['gone', true]])
    expect(theirs.getMetadataWritesList()[0]?.getEntriesList()[0]?.getName()).toBe('VALIDATION_PARAMETER')
    expect(decode(KVRWSet, theirs.serializeBinary()).reads[1]?.version).toBeUndefined()
  })

  it('TxReadWriteSet with namespaces and hashed collections', () => {
    const theirs = ledger.rwset.TxReadWriteSet.deserializeBinary(encode(TxReadWriteSet, {
      dataModel: TxReadWriteSet.DataModel.KV,
      nsRwset: [{ namespace: 'basic', rwset: b(1), collectionHashedRwset: [{ collectionName: 'c', hashedRwset: b(2), pvtRwsetHash: b(3) }] }]
    }))
    const ns = theirs.getNsRwsetList()[0]
    expect(ns?.getNamespace()).toBe('basic')
    expect(ns?.getRwset_asU8()).toEqual(b(1))
    expect(ns?.getCollectionHashedRwsetList()[0]?.getCollectionName()).toBe('c')
    expect(ns?.getCollectionHashedRwsetList()[0]?.getPvtRwsetHash_asU8()).toEqual(b(3))
  })
})
