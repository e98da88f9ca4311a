/**
 * `weft/testing`: a real Weft network in one process for tests and for chaincode authors.
 *
 * @module
 */
export { createTestNetwork } from './network.js'
export type { TestNetwork, TestNetworkOptions, DeployOptions, DeployedChaincode, GetContractOptions } from './network.js'
export { Contract } from './contract.js'
export type { ChaincodeEventRecord, ContractContext, EndorsedTransaction, ProposalOptions, SubmittedTransaction } from './contract.js'
export { TestNetworkError } from './errors.js'
export type { TestNetworkErrorCode } from './errors.js'
export { TestOrg } from './org.js'
export { TestPeer } from './peer.js'
export { TEST_ORDERER_MSP } from './orderer.js'
export type { TestOrdererOption } from './orderer.js'
