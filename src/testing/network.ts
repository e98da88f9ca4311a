/**
 * `createTestNetwork`: a whole Weft network in one process (Node or browser) — orgs with CAs,
 * one peer per org, a Raft ordering service (1, 3 or 5 consenters; or solo), and real endorsement,
 * ordering, validation and commit. With Raft, block 0 is the channel's genesis (config) block: each
 * peer joins with it (commits it as block 0, as `peer channel join` does) and receives from block 1.
 * `deployChaincode` walks the real `_lifecycle` steps (install on every peer, approve per org,
 * commit endorsed by every org) as Fabric's test-network scripts do.
 *
 * @example
 * const net = await createTestNetwork({ orgs: ['Org1MSP', 'Org2MSP'], channel: 'mychannel' })
 * await net.deployChaincode('basic', bundleSource, { endorsementPolicy: "AND('Org1MSP.peer','Org2MSP.peer')" })
 * const c = net.getContract('basic')
 * await c.submitTransaction('CreateAsset', 'a1', 'blue')
 * await net.close()
 *
 * @module
 */
import {
  LIFECYCLE_NAMESPACE, applicationPolicy, encodeWeftPackage, openPackage, packageIdOf
} from '../chaincode/lifecycle/index.js'
import type { LogSink } from '../chaincode/types.js'
import { createProposal, signProposal } from '../endorser/index.js'
import type { SigningIdentity, NodeRole, Attributes } from '../msp/index.js'
import type { OrderingService } from '../orderer/solo/index.js'
import { AclProvider, ChannelPolicies, MspManager, type PolicySpec } from '../policy/index.js'
import {
  ApproveChaincodeDefinitionForMyOrgArgs, CommitChaincodeDefinitionArgs, InstallChaincodeArgs, InstallChaincodeResult,
  QueryChaincodeDefinitionArgs, QueryChaincodeDefinitionResult, TxValidationCode, decode, encode
} from '../protos/index.js'
import { memoryKvStoreFactory, type KvStoreFactory } from '../storage/index.js'
import { Contract } from './contract.js'
import { TestNetworkError } from './errors.js'
import { TestOrg } from './org.js'
import { consentersOf, createTestOrderer, type TestOrdererOption } from './orderer.js'
import { TestPeer, ordererBlockValidation } from './peer.js'

export interface TestNetworkOptions {
  /** MSP ids of the application orgs; each gets a CA, an admin, a client and one peer. */
  orgs: readonly string[]
  /** Default 'mychannel'. */
  channel?: string
  /**
   * Storage for the peers' ledgers; default in-memory. One factory (e.g. `idbKvStoreFactory()`) is
   * shared by prefixing each peer's store names with `<peer name>/`; a function gives each peer its own.
   */
  storage?: KvStoreFactory | ((peerName: string) => KvStoreFactory)
  /** Overrides of channel policies, e.g. `{ LifecycleEndorsement: { rule: 'ANY', subPolicy: 'Endorsement' } }`. */
  applicationPolicies?: Readonly<Record<string, PolicySpec>>
  /** ACL overrides by Fabric resource name. */
  acls?: Readonly<Record<string, string>>
  /** Chaincode console output. */
  log?: LogSink
  chaincodeTimeoutMs?: number
  /** Orderer batch timeout (default 5 ms). */
  batchTimeoutMs?: number
  /**
   * Ordering service: Raft with 1 (default), 3 or 5 in-process consenters (`net.orderer` is then a
   * RaftOrderingService whose `orderers` can crash and restart consenters), or `'solo'`.
   */
  orderer?: TestOrdererOption
}

export interface DeployOptions {
  /** Signature-policy text or a channel policy path; default Fabric's (/Channel/Application/Endorsement). */
  endorsementPolicy?: string
  /** Default '1.0'. */
  version?: string
  /** Default: the committed sequence + 1. */
  sequence?: number
  initRequired?: boolean
  /** With initRequired: the Init call made after commit (function then arguments). */
  init?: readonly string[]
  /** Default `<name>_<version>`. */
  label?: string
  /** CouchDB index definitions created in the state DB on commit. */
  indexes?: readonly string[]
  /** Orgs that approve (default: all). Fewer than a majority makes commit fail, as in Fabric. */
  approvingOrgs?: readonly string[]
}

export interface DeployedChaincode {
  name: string
  packageId: string
  sequence: number
  version: string
}

export interface GetContractOptions {
  channel?: string
  identity?: SigningIdentity
}

export interface TestNetwork {
  readonly channel: string
  readonly orgs: readonly TestOrg[]
  readonly peers: readonly TestPeer[]
  readonly orderer: OrderingService
  enroll(mspId: string, name: string, options?: { role?: NodeRole, attributes?: Attributes }): Promise<SigningIdentity>
  admin(mspId: string): SigningIdentity
  deployChaincode(name: string, source: string | Uint8Array, options?: DeployOptions): Promise<DeployedChaincode>
  getContract(name: string, options?: GetContractOptions): Contract
  close(): Promise<void>
}

export async function createTestNetwork (options: TestNetworkOptions): Promise<TestNetwork> {
  if (options === null || typeof options !== 'object' || !Array.isArray(options.orgs) || options.orgs.length === 0) {
    throw new TestNetworkError('TESTNET_BAD_INPUT', 'options.orgs must list at least one MSP id')
  }
  if (new Set(options.orgs).size !== options.orgs.length) throw new TestNetworkError('TESTNET_BAD_INPUT', 'org MSP ids must be distinct')
  consentersOf(options.orderer) // a bad option fails before any peer exists
  const channel = options.channel ?? 'mychannel'
  const orgs = await Promise.all(options.orgs.map(async (id) => await TestOrg.create(id)))
  const msps = new MspManager(orgs.map((o) => o.msp))
  const policies = new ChannelPolicies({ msps, ...(options.applicationPolicies === undefined ? {} : { application: options.applicationPolicies }) })
  const acl = new AclProvider(policies, options.acls)
  const admins = new Map<string, SigningIdentity>()
  const clients = new Map<string, SigningIdentity>()
  const { service: orderer, genesis, org: ordererOrg } = await createTestOrderer({ option: options.orderer, channel, policies, batchTimeoutMs: options.batchTimeoutMs ?? 5 })
  const peers: TestPeer[] = []
  try {
    for (const org of orgs) {
      admins.set(org.mspId, await org.enroll(`${org.mspId}-admin`, { role: 'admin' }))
      clients.set(org.mspId, await org.enroll(`${org.mspId}-client`, { role: 'client' }))
      const name = `peer0.${org.mspId}`
      const storage = typeof options.storage === 'function'
        ? options.storage(name)
        : options.storage === undefined ? memoryKvStoreFactory() : prefixedStorage(options.storage, `${name}/`)
      peers.push(await TestPeer.create({
        name, mspId: org.mspId, channelId: channel, identity: await org.enroll(name, { role: 'peer' }), policies, acl, storage,
        // Raft consenters sign blocks: peers check them against BlockValidation, as Fabric's do.
        ...(ordererOrg === undefined ? {} : { blockValidation: ordererBlockValidation(ordererOrg.msp) }),
        ...(options.log === undefined ? {} : { log: options.log }),
        ...(options.chaincodeTimeoutMs === undefined ? {} : { chaincodeTimeoutMs: options.chaincodeTimeoutMs })
      }))
    }
  } catch (err) {
    await Promise.allSettled(peers.map(async (p) => { await p.close() }))
    await orderer.close()
    throw err
  }
  for (const peer of peers) {
    // Joining with the genesis block: Fabric's peer commits it without validation (it is the channel's config).
    if (genesis !== undefined && peer.ledger.blockStore.height === 0) await peer.ledger.commit(genesis, [TxValidationCode.VALID])
    // The deliver loop waits only for a pipeline slot: the peer prepares the next block (decode,
    // identities, signatures) while it commits the current one.
    orderer.deliver(async (block) => {
      const { committed } = await peer.committer.accept(block)
      committed.catch((err: unknown) => { peer.refused(err) })
    })
  }
  return new Network(channel, orgs, peers, orderer, admins, clients)
}

class Network implements TestNetwork {
  #closed = false

  constructor (
    readonly channel: string,
    readonly orgs: readonly TestOrg[],
    readonly peers: readonly TestPeer[],
    readonly orderer: OrderingService,
    private readonly admins: Map<string, SigningIdentity>,
    private readonly clients: Map<string, SigningIdentity>
  ) {}

  async enroll (mspId: string, name: string, options: { role?: NodeRole, attributes?: Attributes } = {}): Promise<SigningIdentity> {
    this.#checkOpen()
    return await this.#org(mspId).enroll(name, options)
  }

  admin (mspId: string): SigningIdentity {
    this.#org(mspId)
    return this.admins.get(mspId) as SigningIdentity
  }

  getContract (name: string, options: GetContractOptions = {}): Contract {
    if (options.channel !== undefined && options.channel !== this.channel) throw new TestNetworkError('TESTNET_BAD_INPUT', `no channel ${options.channel} in this network`)
    const identity = options.identity ?? (this.clients.get((this.orgs[0] as TestOrg).mspId) as SigningIdentity)
    const home = this.peers.find((p) => p.mspId === identity.mspId) ?? (this.peers[0] as TestPeer)
    return new Contract(name, {
      channelId: this.channel,
      identity,
      endorsers: () => this.peers,
      peers: () => this.peers,
      home,
      orderer: this.orderer,
      checkOpen: () => { this.#checkOpen() }
    })
  }

  async deployChaincode (name: string, source: string | Uint8Array, options: DeployOptions = {}): Promise<DeployedChaincode> {
    this.#checkOpen()
    const version = options.version ?? '1.0'
    const pkgBytes = await packageBytes(name, version, source, options)
    const label = (await openPackage(pkgBytes)).label
    const packageId = packageIdOf(label, pkgBytes)
    // Install on every peer, each by its org's admin (peer-local, not ordered).
    for (const peer of this.peers) {
      const installed = peer.installed.get(packageId)
      if (installed !== undefined) continue
      const payload = await this.#local(peer, this.admin(peer.mspId), 'InstallChaincode', encode(InstallChaincodeArgs, { chaincodeInstallPackage: pkgBytes as Uint8Array<ArrayBuffer> }))
      const result = decode(InstallChaincodeResult, payload)
      if (result.packageId !== packageId) throw new TestNetworkError('TESTNET_BAD_INPUT', `peer computed package id ${result.packageId}, expected ${packageId}`)
    }
    const current = await this.#committedSequence(name)
    const sequence = options.sequence ?? current + 1
    const params = {
      sequence, name, version, endorsementPlugin: '', validationPlugin: '',
      validationParameter: applicationPolicy(options.endorsementPolicy) as Uint8Array<ArrayBuffer>,
      initRequired: options.initRequired ?? false
    }
    const approving = options.approvingOrgs ?? this.orgs.map((o) => o.mspId)
    await Promise.all(approving.map(async (mspId) => {
      const admin = this.admin(mspId)
      const args = encode(ApproveChaincodeDefinitionForMyOrgArgs, { ...params, source: { localPackage: { packageId } } })
      // An org's approval is endorsed by its own peer (the implicit-org namespace policy).
      await this.#lifecycleContract(admin, this.peers.filter((p) => p.mspId === mspId)).submit('ApproveChaincodeDefinitionForMyOrg', { arguments: [args] })
    }))
    const committer = this.admin(approving[0] ?? (this.orgs[0] as TestOrg).mspId)
    const endorsers = this.peers.filter((p) => approving.includes(p.mspId))
    await this.#lifecycleContract(committer, endorsers).submit('CommitChaincodeDefinition', { arguments: [encode(CommitChaincodeDefinitionArgs, params)] })
    if (options.initRequired === true && options.init !== undefined) {
      const [fn = 'Init', ...args] = options.init
      await this.getContract(name).submit(fn, { arguments: args, isInit: true })
    }
    return { name, packageId, sequence, version }
  }

  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.orderer.close()
    for (const peer of this.peers) await peer.close()
  }

  #lifecycleContract (identity: SigningIdentity, endorsers: readonly TestPeer[]): Contract {
    const home = this.peers.find((p) => p.mspId === identity.mspId) ?? (this.peers[0] as TestPeer)
    return new Contract(LIFECYCLE_NAMESPACE, { channelId: this.channel, identity, endorsers: () => endorsers, home, peers: () => this.peers, orderer: this.orderer, checkOpen: () => { this.#checkOpen() } })
  }

  async #local (peer: TestPeer, identity: SigningIdentity, fn: string, arg: Uint8Array): Promise<Uint8Array> {
    const { proposalBytes } = createProposal({ channelId: this.channel, chaincodeName: LIFECYCLE_NAMESPACE, args: [fn, arg], creator: identity })
    const response = await peer.endorser.processProposal(await signProposal(proposalBytes, identity))
    if (response.response?.status !== 200) throw new TestNetworkError('TESTNET_ENDORSEMENT_FAILED', response.response?.message ?? 'failed', { status: response.response?.status ?? 0 })
    return response.response.payload
  }

  async #committedSequence (name: string): Promise<number> {
    const peer = this.peers[0] as TestPeer
    const { proposalBytes } = createProposal({ channelId: this.channel, chaincodeName: LIFECYCLE_NAMESPACE, args: ['QueryChaincodeDefinition', encode(QueryChaincodeDefinitionArgs, { name })], creator: this.admin(peer.mspId) })
    const response = await peer.endorser.processProposal(await signProposal(proposalBytes, this.admin(peer.mspId)))
    if (response.response?.status !== 200) return 0
    return decode(QueryChaincodeDefinitionResult, response.response.payload).sequence
  }

  #org (mspId: string): TestOrg {
    const org = this.orgs.find((o) => o.mspId === mspId)
    if (org === undefined) throw new TestNetworkError('TESTNET_BAD_INPUT', `no org ${mspId} in this network`)
    return org
  }

  #checkOpen (): void {
    if (this.#closed) throw new TestNetworkError('TESTNET_CLOSED', 'the test network is closed')
  }
}

/** Bundle text → a Weft package; package bytes (Fabric tar.gz or Weft JSON) as they are; other bytes → UTF-8 bundle text. */
async function packageBytes (name: string, version: string, source: string | Uint8Array, options: DeployOptions): Promise<Uint8Array> {
  const label = options.label ?? `${name}_${version}`
  if (typeof source === 'string') return encodeWeftPackage({ label, source, ...(options.indexes === undefined ? {} : { indexes: options.indexes }) })
  if (source instanceof Uint8Array) {
    if (source.length >= 2 && source[0] === 0x1f && source[1] === 0x8b) return source // Fabric tar.gz: errors surface at install
    try {
      await openPackage(source)
      return source
    } catch {
      return encodeWeftPackage({ label, source: new TextDecoder().decode(source), ...(options.indexes === undefined ? {} : { indexes: options.indexes }) })
    }
  }
  throw new TestNetworkError('TESTNET_BAD_INPUT', 'source must be bundle text or package bytes')
}

/** Peers of one tab share a storage factory; their databases must not collide. */
function prefixedStorage (factory: KvStoreFactory, prefix: string): KvStoreFactory {
  return {
    open: async (name, tables) => await factory.open(prefix + name, tables),
    destroy: async (name) => { await factory.destroy(prefix + name) }
  }
}
