/**
 * Fabric's ACL resources (core/aclmgmt/resources/resources.go) and their default policies
 * (core/aclmgmt/defaultaclprovider.go with the channel ACLs of the sample configtx.yaml).
 * Channels override any of them (Fabric's Application `ACLs` config value).
 *
 * @module
 */
import { PolicyError } from './errors.js'
import type { ChannelPolicies } from './channel-policies.js'
import type { SignedData } from './policy.js'
import type { Identity } from '../msp/index.js'

export const Resources = Object.freeze({
  Lifecycle_InstallChaincode: '_lifecycle/InstallChaincode',
  Lifecycle_QueryInstalledChaincode: '_lifecycle/QueryInstalledChaincode',
  Lifecycle_QueryInstalledChaincodes: '_lifecycle/QueryInstalledChaincodes',
  Lifecycle_ApproveChaincodeDefinitionForMyOrg: '_lifecycle/ApproveChaincodeDefinitionForMyOrg',
  Lifecycle_QueryApprovedChaincodeDefinition: '_lifecycle/QueryApprovedChaincodeDefinition',
  Lifecycle_CommitChaincodeDefinition: '_lifecycle/CommitChaincodeDefinition',
  Lifecycle_QueryChaincodeDefinition: '_lifecycle/QueryChaincodeDefinition',
  Lifecycle_QueryChaincodeDefinitions: '_lifecycle/QueryChaincodeDefinitions',
  Lifecycle_CheckCommitReadiness: '_lifecycle/CheckCommitReadiness',
  Qscc_GetChainInfo: 'qscc/GetChainInfo',
  Qscc_GetBlockByNumber: 'qscc/GetBlockByNumber',
  Qscc_GetBlockByHash: 'qscc/GetBlockByHash',
  Qscc_GetTransactionByID: 'qscc/GetTransactionByID',
  Qscc_GetBlockByTxID: 'qscc/GetBlockByTxID',
  Cscc_GetConfigBlock: 'cscc/GetConfigBlock',
  Cscc_GetChannelConfig: 'cscc/GetChannelConfig',
  Peer_Propose: 'peer/Propose',
  Peer_ChaincodeToChaincode: 'peer/ChaincodeToChaincode',
  Event_Block: 'event/Block',
  Event_FilteredBlock: 'event/FilteredBlock'
} as const)

const READERS = '/Channel/Application/Readers'
const WRITERS = '/Channel/Application/Writers'

/**
 * Channel-scoped defaults. Install, query-installed and approve are checked by Fabric against the
 * peer's local MSP admins; the lifecycle checks that itself, so they are absent here.
 */
export const DEFAULT_ACLS: Readonly<Record<string, string>> = Object.freeze({
  [Resources.Lifecycle_CommitChaincodeDefinition]: WRITERS,
  [Resources.Lifecycle_QueryChaincodeDefinition]: WRITERS,
  [Resources.Lifecycle_QueryChaincodeDefinitions]: WRITERS,
  [Resources.Lifecycle_CheckCommitReadiness]: WRITERS,
  [Resources.Lifecycle_QueryApprovedChaincodeDefinition]: WRITERS,
  [Resources.Qscc_GetChainInfo]: READERS,
  [Resources.Qscc_GetBlockByNumber]: READERS,
  [Resources.Qscc_GetBlockByHash]: READERS,
  [Resources.Qscc_GetTransactionByID]: READERS,
  [Resources.Qscc_GetBlockByTxID]: READERS,
  [Resources.Cscc_GetConfigBlock]: READERS,
  [Resources.Cscc_GetChannelConfig]: READERS,
  [Resources.Peer_Propose]: WRITERS,
  [Resources.Peer_ChaincodeToChaincode]: WRITERS,
  [Resources.Event_Block]: READERS,
  [Resources.Event_FilteredBlock]: READERS
})

/** Fabric's aclmgmt.ACLProvider: CheckACL(resource, channel, signedData). */
export class AclProvider {
  readonly #acls: Readonly<Record<string, string>>

  constructor (private readonly policies: ChannelPolicies, overrides: Readonly<Record<string, string>> = {}) {
    this.#acls = Object.freeze({ ...DEFAULT_ACLS, ...overrides })
  }

  policyFor (resource: string): string | undefined {
    return Object.hasOwn(this.#acls, resource) ? this.#acls[resource] : undefined
  }

  /** Throws PolicyError POLICY_NOT_SATISFIED (or POLICY_NOT_FOUND) unless the signer may use `resource`. */
  async checkAcl (resource: string, signedData: readonly SignedData[]): Promise<void> {
    const path = this.#path(resource)
    if (!await this.policies.require(path).evaluateSignedData(signedData)) {
      throw new PolicyError('POLICY_NOT_SATISFIED', `access denied for ${resource}: the creator does not satisfy ${path}`)
    }
  }

  /**
   * Like `checkAcl` for an identity whose signature the caller has just verified (the endorser
   * checks the proposal signature first), so it is not verified a second time.
   */
  async checkAclForVerified (resource: string, identity: Identity): Promise<void> {
    const path = this.#path(resource)
    if (!await this.policies.require(path).evaluateIdentities([identity])) {
      throw new PolicyError('POLICY_NOT_SATISFIED', `access denied for ${resource}: the creator does not satisfy ${path}`)
    }
  }

  #path (resource: string): string {
    const path = this.policyFor(resource)
    if (path === undefined) throw new PolicyError('POLICY_NOT_FOUND', `no ACL for resource ${resource}`)
    return path
  }
}
