import type { Clock } from '../shared/clock.js'
import { Status } from '../protos/index.js'
import type { Block } from '../protos/index.js'
import type { BlockSigner } from './block-writer.js'
import type { OrderingChain } from './chain.js'
import { SEEK_FOREVER, newSeekEnvelope, seekInfo, seekSpecified } from './deliver.js'
import { OrdererError } from './errors.js'
import { InProcessOrderers } from './in-process.js'
import type { InProcessOrderersInit } from './in-process.js'
import type { OrderingService } from './solo/index.js'

export interface RaftOrderingServiceInit extends InProcessOrderersInit {
  /** Channel the seek envelopes name (must match the chains' channelId when that is set). */
  readonly channelId: string
  /** Signs Deliver requests when the chains check the Readers policy. */
  readonly deliverSigner?: BlockSigner
  /** How long Broadcast retries while there is no leader (default 10 s), and its retry step (100 ms). */
  readonly broadcastTimeoutMs?: number
  readonly retryMs?: number
  /** First block `deliver` listeners receive (default 1: peers join with the genesis block, as in Fabric). */
  readonly deliverFrom?: number
}

/**
 * The Raft ordering service (InProcessOrderers) behind the `OrderingService` interface that
 * createTestNetwork uses, so the test network can order on 1, 3 or 5 consenters instead of solo:
 *  - broadcast goes to the leader, retrying while none is elected; other refusals throw
 *    ORDERER_BROADCAST_REFUSED with Fabric's status;
 *  - each deliver listener is fed by a Deliver stream from a live consenter, and moves to another
 *    one from the next block when that consenter stops (a Fabric peer's deliver client does the same).
 */
export class RaftOrderingService implements OrderingService {
  readonly #listeners = new Set<AbortController>()
  /** Errors thrown by listeners (a peer that failed to commit), for tests and logs. */
  readonly deliveryErrors: unknown[] = []

  private constructor (readonly orderers: InProcessOrderers, private readonly init: RaftOrderingServiceInit) {}

  static async create (init: RaftOrderingServiceInit): Promise<RaftOrderingService> {
    return new RaftOrderingService(await InProcessOrderers.create(init), init)
  }

  private get clock (): Clock {
    return this.init.clock
  }

  async broadcast (envelope: Uint8Array): Promise<void> {
    const deadline = this.clock.now() + (this.init.broadcastTimeoutMs ?? 10_000)
    for (;;) {
      const leader = this.orderers.leader()
      const response = leader === undefined ? { status: Status.SERVICE_UNAVAILABLE, info: 'no Raft leader' } : await leader.broadcast(envelope)
      if (response.status === Status.SUCCESS) return
      if (response.status !== Status.SERVICE_UNAVAILABLE || this.clock.now() >= deadline) {
        throw new OrdererError('ORDERER_BROADCAST_REFUSED', `broadcast: status ${response.status}${response.info === '' ? '' : `: ${response.info}`}`)
      }
      await this.sleep(this.init.retryMs ?? 100)
    }
  }

  deliver (listener: (block: Block) => Promise<void>): () => void {
    const controller = new AbortController()
    this.#listeners.add(controller)
    void this.feed(listener, controller.signal)
    return () => {
      controller.abort()
      this.#listeners.delete(controller)
    }
  }

  private async feed (listener: (block: Block) => Promise<void>, signal: AbortSignal): Promise<void> {
    let next = this.init.deliverFrom ?? 1
    while (!signal.aborted) {
      const source = this.liveChain()
      if (source !== undefined) {
        const request = await newSeekEnvelope({
          channelId: this.init.channelId,
          seekInfo: seekInfo(seekSpecified(Math.min(next, source.height)), SEEK_FOREVER),
          clock: this.clock,
          ...(this.init.deliverSigner !== undefined ? { signer: this.init.deliverSigner } : {})
        })
        try {
          for await (const response of source.deliver(request, { signal })) {
            const number = response.block?.header?.number
            if (response.block === undefined || number === undefined || number < next) continue
            try {
              await listener(response.block)
            } catch (err) {
              this.deliveryErrors.push(err)
            }
            next = number + 1
          }
        } catch (err) {
          if (!signal.aborted) this.deliveryErrors.push(err)
        }
      }
      if (!signal.aborted) await this.sleep(this.init.retryMs ?? 100)
    }
  }

  /** A running consenter, the leader first (it has every block first). */
  private liveChain (): OrderingChain | undefined {
    const leader = this.orderers.leader()
    if (leader !== undefined) return leader
    return [...this.orderers.chains.entries()].find(([id, chain]) => this.orderers.isUp(id) && chain.failure === undefined)?.[1]
  }

  private async sleep (ms: number): Promise<void> {
    await new Promise<void>(resolve => { this.clock.setTimeout(resolve, ms) })
  }

  async close (): Promise<void> {
    for (const controller of this.#listeners) controller.abort()
    this.#listeners.clear()
    await this.orderers.stop()
  }
}
