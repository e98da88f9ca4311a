// A peer that joined from a snapshot refuses, at endorsement, a proposal whose transaction was
// committed before the snapshot (Fabric's endorser duplicate check), though it holds no block of it.
import { describe, expect, it } from 'vitest'
import { Endorser, createProposal, rejectionCode, signProposal } from '../../src/endorser/index.js'
import { KvLedger } from '../../src/ledger/index.js'
import { createLedgerFromSnapshot, exportSnapshot } from '../../src/ledger/snapshot.js'
import { AclProvider, ChannelPolicies, MspManager } from '../../src/policy/index.js'
import { KVRWSet, TxReadWriteSet, encode } from '../../src/protos/index.js'
import { memoryKvStoreFactory } from '../../src/storage/memory.js'
import { TestOrg } from '../../src/testing/org.js'
import { ChainBuilder, endorserTx } from '../ledger/fixtures.js'

const emptyRwset = encode(TxReadWriteSet, {
  dataModel: TxReadWriteSet.DataModel.KV,
  nsRwset: [{ namespace: 'cc', rwset: encode(KVRWSet, { reads: [], rangeQueriesInfo: [], writes: [], metadataWrites: [] }), collectionHashedRwset: [] }]
})

describe('Endorser on a snapshot-bootstrapped ledger', () => {
  it('DUPLICATE_TXID for a proposal committed before the snapshot; a fresh one gets past the check', async () => {
    const org = await TestOrg.create('Org1MSP')
    const [client, peerIdentity] = await Promise.all([org.enroll('client1'), org.enroll('peer0', { role: 'peer' })])
    const old = createProposal({ channelId: 'ch1', chaincodeName: 'cc', args: ['f'], creator: client })

    // The source ledger commits the old transaction in block 0, then a later block (the snapshot's tail).
    const source = await KvLedger.open({ channelId: 'ch1', storage: memoryKvStoreFactory() })
    const chain = new ChainBuilder()
    await source.commit(chain.next([endorserTx(old.txId, emptyRwset)]), [0])
    await source.commit(chain.next([endorserTx('later', emptyRwset)]), [0])
    const joined = await createLedgerFromSnapshot({ channelId: 'ch1', storage: memoryKvStoreFactory() }, await exportSnapshot(source))
    await source.close()

    const policies = new ChannelPolicies({ msps: new MspManager([org.msp]) })
    const endorser = new Endorser({ channelId: 'ch1', ledger: joined, msps: policies.msps, acl: new AclProvider(policies), identity: peerIdentity, resolve: async () => undefined })
    try {
      const replay = await endorser.processProposal(await signProposal(old.proposalBytes, client))
      expect(rejectionCode(replay)).toBe('DUPLICATE_TXID')
      const fresh = createProposal({ channelId: 'ch1', chaincodeName: 'cc', args: ['f'], creator: client })
      // Past the duplicate check, it fails on the next one: no chaincode named cc here.
      expect(rejectionCode(await endorser.processProposal(await signProposal(fresh.proposalBytes, client)))).toBe('UNKNOWN_CHAINCODE')
    } finally {
      await joined.close()
    }
  })
})
