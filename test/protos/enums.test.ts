/** Every enum's names and numbers against Fabric's own bindings. */
import { common, ledger, msp, orderer, peer } from '@hyperledger/fabric-protos'
import { describe, expect, it } from 'vitest'
import {
  BLOCK_METADATA_SLOTS, BlockMetadataIndex, HeaderType, MetaDataKeys, PolicyType, Status,
  TxValidationCode, isTxValidationCode, txValidationCodeName
} from '../../src/protos/index.js'
import { descriptors } from '../../src/protos/generated/descriptors.js'

function enumOf (message: string, field: string): Readonly<Record<string, number>> {
  const f = Object.values(descriptors[message]?.fields ?? {}).find((d) => d.name === field)
  if (f?.enumNames === undefined) throw new Error(`${message}.${field} is not an enum`)
  return f.enumNames
}

describe('top-level enums are Fabric\'s, name for name and number for number', () => {
  it.each([
    ['TxValidationCode', TxValidationCode, peer.TxValidationCode],
    ['HeaderType', HeaderType, common.HeaderType],
    ['BlockMetadataIndex', BlockMetadataIndex, common.BlockMetadataIndex],
    ['Status', Status, common.Status],
    ['Policy.PolicyType', PolicyType, common.Policy.PolicyType],
    ['MetaDataKeys', MetaDataKeys, peer.MetaDataKeys]
  ])('%s', (_name, ours, theirs) => {
    expect({ ...ours }).toEqual({ ...theirs })
  })

  it('keeps TxValidationCode\'s gap: NOT_VALIDATED = 254, INVALID_OTHER_REASON = 255', () => {
    expect(TxValidationCode.VALID).toBe(0)
    expect(TxValidationCode.INVALID_CHAINCODE).toBe(25)
    expect(TxValidationCode.NOT_VALIDATED).toBe(254)
    expect(TxValidationCode.INVALID_OTHER_REASON).toBe(255)
  })

  it('allocates one metadata slot per BlockMetadataIndex, as protoutil.NewBlock does', () => {
    expect(BLOCK_METADATA_SLOTS).toBe(Object.keys(common.BlockMetadataIndex).length)
  })

  it('exports frozen constants', () => {
    expect(Object.isFrozen(TxValidationCode)).toBe(true)
    expect(Object.isFrozen(HeaderType)).toBe(true)
  })
})

describe('txValidationCodeName / isTxValidationCode', () => {
  it('names every code and nothing else', () => {
    for (const [name, code] of Object.entries(TxValidationCode)) {
      expect(txValidationCodeName(code)).toBe(name)
      expect(isTxValidationCode(code)).toBe(true)
    }
    for (const code of [-1, 26, 100, 253, 256, 0.5, Number.NaN]) {
      expect(txValidationCodeName(code)).toBeUndefined()
      expect(isTxValidationCode(code)).toBe(false)
    }
  })
})

describe('enums nested in messages match Fabric\'s', () => {
  it.each([
    ['MSPPrincipal', 'principalClassification', msp.MSPPrincipal.Classification],
    ['MSPRole', 'role', msp.MSPRole.MSPRoleType],
    ['MSPIdentityAnonymity', 'anonymityType', msp.MSPIdentityAnonymity.MSPIdentityAnonymityType],
    ['ImplicitMetaPolicy', 'rule', common.ImplicitMetaPolicy.Rule],
    ['ChaincodeSpec', 'type', peer.ChaincodeSpec.Type],
    ['TxReadWriteSet', 'dataModel', ledger.rwset.TxReadWriteSet.DataModel],
    ['TxPvtReadWriteSet', 'dataModel', ledger.rwset.TxReadWriteSet.DataModel],
    ['SeekInfo', 'behavior', orderer.SeekInfo.SeekBehavior],
    ['SeekInfo', 'errorResponse', orderer.SeekInfo.SeekErrorResponse],
    ['SeekInfo', 'contentType', orderer.SeekInfo.SeekContentType],
    ['ConsensusType', 'state', orderer.ConsensusType.State]
  ])('%s.%s', (message, field, theirs) => {
    expect({ ...enumOf(message, field) }).toEqual({ ...theirs })
  })
})
