import { common, orderer } from '@hyperledger/fabric-protos'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { clampSeekInfoNumbers } from '../../src/orderer/seek-clamp.js'
import type { OrderingChain } from '../../src/orderer/chain.js'
import {
  SEEK_FOREVER, SEEK_NEWEST, SEEK_NEXT_COMMIT, SEEK_OLDEST, newSeekEnvelope, resolveSeek, seekInfo, seekSpecified
} from '../../src/orderer/deliver.js'
import {
  ChannelHeader, DeliverResponse, Envelope, HeaderType, Payload, SeekInfo, SignatureHeader, Status, decode, encode
} from '../../src/protos/index.js'
import type { DeliverResponse as DeliverResponseType } from '../../src/protos/index.js'
import { CHANNEL, envelope, network } from './chain-helpers.js'

const { FAIL_IF_NOT_READY } = SeekInfo.SeekBehavior

/** Reads a Deliver stream: block numbers, then the final status (or what was thrown). */
async function collect (stream: AsyncGenerator<DeliverResponseType>, limit = 100): Promise<{ blocks: number[], status: number | undefined, responses: DeliverResponseType[] }> {
  const blocks: number[] = []
  const responses: DeliverResponseType[] = []
  let status: number | undefined
  for await (const response of stream) {
    responses.push(response)
    if (response.block !== undefined) blocks.push(response.block.header?.number ?? -1)
    if (response.status !== undefined) status = response.status
    if (blocks.length >= limit) break
  }
  return { blocks, status, responses }
}

const seek = async (start: Parameters<typeof seekInfo>[0], stop: Parameters<typeof seekInfo>[1], options: Parameters<typeof seekInfo>[2] = {}, channelId = CHANNEL): Promise<Uint8Array> =>
  await newSeekEnvelope({ channelId, seekInfo: seekInfo(start, stop, options), clock: { now: () => 1_700_000_000_123, setTimeout: () => 0, clearTimeout: () => undefined } })

async function chainWithBlocks (blocks: number): Promise<{ chain: OrderingChain, net: Awaited<ReturnType<typeof network>> }> {
  const net = await network(1, { channelId: CHANNEL })
  const chain = net.leader() as OrderingChain
  for (let i = 1; i <= blocks; i++) {
    await chain.broadcast(envelope(`tx${i}`))
    await net.clock.advance(300) // BatchTimeout: one block each
  }
  expect(chain.height).toBe(blocks + 1)
  return { chain, net }
}

describe('SeekInfo resolution (Fabric deliver.go)', () => {
  const info = (start: Parameters<typeof seekInfo>[0], stop: Parameters<typeof seekInfo>[1]): SeekInfo => seekInfo(start, stop)
  it.each([
    ['oldest..newest', info(SEEK_OLDEST, SEEK_NEWEST), 5, { start: 0, stop: 4 }],
    ['newest..newest is one block', info(SEEK_NEWEST, SEEK_NEWEST), 5, { start: 4, stop: 4 }],
    ['specified..forever', info(seekSpecified(2), SEEK_FOREVER), 5, { start: 2, stop: Number.MAX_SAFE_INTEGER }],
    ['specified at the height waits for it', info(seekSpecified(5), seekSpecified(5)), 5, { start: 5, stop: 5 }],
    ['stop oldest means the start', info(seekSpecified(3), SEEK_OLDEST), 5, { start: 3, stop: 3 }],
    ['next commit', info(SEEK_NEXT_COMMIT, SEEK_NEXT_COMMIT), 5, { start: 5, stop: 5 }],
    ['start beyond the height', info(seekSpecified(7), SEEK_FOREVER), 5, Status.NOT_FOUND],
    ['stop before start', info(seekSpecified(3), seekSpecified(1)), 5, Status.BAD_REQUEST],
    ['no start', { ...info(SEEK_OLDEST, SEEK_NEWEST), start: undefined } as unknown as SeekInfo, 5, Status.BAD_REQUEST],
    ['empty position', info({}, SEEK_NEWEST), 5, Status.BAD_REQUEST]
  ])('%s', (_name, seekInfoValue, height, expected) => {
    expect(resolveSeek(seekInfoValue, height)).toEqual(expected)
  })
})

describe('Deliver on the ordering chain (signed Envelope with SeekInfo → DeliverResponse stream)', () => {
  it('serves oldest..newest, newest, a range, and ends each stream with SUCCESS', async () => {
    const { chain, net } = await chainWithBlocks(3)
    expect(await collect(chain.deliver(await seek(SEEK_OLDEST, SEEK_NEWEST)))).toMatchObject({ blocks: [0, 1, 2, 3], status: Status.SUCCESS })
    expect(await collect(chain.deliver(await seek(SEEK_NEWEST, SEEK_NEWEST)))).toMatchObject({ blocks: [3], status: Status.SUCCESS })
    expect(await collect(chain.deliver(await seek(seekSpecified(1), seekSpecified(2))))).toMatchObject({ blocks: [1, 2], status: Status.SUCCESS })
    const { responses } = await collect(chain.deliver(await seek(SEEK_OLDEST, SEEK_NEWEST)))
    expect(responses.at(-1)).toEqual({ status: Status.SUCCESS })
    expect(responses.slice(0, -1).every(r => r.status === undefined && r.block !== undefined)).toBe(true)
    await net.stopAll()
  })

  it('BLOCK_UNTIL_READY waits for blocks not yet written; FAIL_IF_NOT_READY answers NOT_FOUND instead', async () => {
    const { chain, net } = await chainWithBlocks(1)
    const forever = collect(chain.deliver(await seek(seekSpecified(1), SEEK_FOREVER)), 3)
    const failFast = await collect(chain.deliver(await seek(seekSpecified(1), SEEK_FOREVER, { behavior: FAIL_IF_NOT_READY })))
    expect(failFast).toMatchObject({ blocks: [1], status: Status.NOT_FOUND })
    const atHeight = await collect(chain.deliver(await seek(seekSpecified(2), seekSpecified(2), { behavior: FAIL_IF_NOT_READY })))
    expect(atHeight).toMatchObject({ blocks: [], status: Status.NOT_FOUND })
    await chain.broadcast(envelope('tx2'))
    await net.clock.advance(300)
    await chain.broadcast(envelope('tx3'))
    await net.clock.advance(300)
    expect((await forever).blocks).toEqual([1, 2, 3])
    // Next commit: only the block written after the request.
    const next = collect(chain.deliver(await seek(SEEK_NEXT_COMMIT, SEEK_NEXT_COMMIT)))
    await chain.broadcast(envelope('tx4'))
    await net.clock.advance(300)
    expect(await next).toMatchObject({ blocks: [4], status: Status.SUCCESS })
    await net.stopAll()
  })

  it('answers bad requests with Fabric statuses', async () => {
    const { chain, net } = await chainWithBlocks(1)
    const statusOf = async (raw: Uint8Array): Promise<number | undefined> => (await collect(chain.deliver(raw))).status
    expect(await statusOf(new Uint8Array([0xff, 0xff]))).toBe(Status.BAD_REQUEST)
    const noHeader = encode(Envelope, { payload: encode(Payload, { data: encode(SeekInfo, seekInfo(SEEK_OLDEST, SEEK_NEWEST)) }), signature: new Uint8Array(0) })
    expect(await statusOf(noHeader)).toBe(Status.BAD_REQUEST)
    const noStart = encode(Envelope, {
      payload: encode(Payload, {
        header: { channelHeader: encode(ChannelHeader, { type: HeaderType.DELIVER_SEEK_INFO, channelId: CHANNEL }), signatureHeader: new Uint8Array(0) },
        data: encode(SeekInfo, { stop: SEEK_NEWEST, behavior: SeekInfo.SeekBehavior.BLOCK_UNTIL_READY, errorResponse: SeekInfo.SeekErrorResponse.STRICT, contentType: SeekInfo.SeekContentType.BLOCK })
      }),
      signature: new Uint8Array(0)
    })
    expect(await statusOf(noStart)).toBe(Status.BAD_REQUEST)
    expect(await statusOf(await seek(seekSpecified(1), seekSpecified(0)))).toBe(Status.BAD_REQUEST)
    expect(await statusOf(await seek(seekSpecified(9), SEEK_FOREVER))).toBe(Status.NOT_FOUND)
    expect(await statusOf(await seek(SEEK_OLDEST, SEEK_NEWEST, {}, 'other-channel'))).toBe(Status.NOT_FOUND)
    await net.stopAll()
  })

  it('HEADER_WITH_SIG sends headers and metadata without the transactions', async () => {
    const { chain, net } = await chainWithBlocks(1)
    const { responses } = await collect(chain.deliver(await seek(seekSpecified(1), seekSpecified(1), { contentType: SeekInfo.SeekContentType.HEADER_WITH_SIG })))
    const block = responses[0]?.block
    expect(block?.header?.number).toBe(1)
    expect(block?.data).toBeUndefined()
    expect(block?.metadata?.metadata.length).toBeGreaterThan(0)
    expect((await chain.block(1))?.data?.data).toHaveLength(1) // the ledger keeps them
    await net.stopAll()
  })

  it('ends a waiting stream when the client aborts', async () => {
    const { chain, net } = await chainWithBlocks(1)
    const controller = new AbortController()
    const waiting = collect(chain.deliver(await seek(seekSpecified(2), SEEK_FOREVER), { signal: controller.signal }))
    controller.abort(new Error('client went away'))
    await expect(waiting).rejects.toThrow(/client went away/)
    await net.stopAll()
  })

  it('a stopped consenter ends waiting streams with SERVICE_UNAVAILABLE; BEST_EFFORT still serves the blocks it has', async () => {
    const { chain, net } = await chainWithBlocks(2)
    const waiting = collect(chain.deliver(await seek(seekSpecified(1), SEEK_FOREVER)))
    await net.clock.advance(100)
    await net.stopAll()
    expect(await waiting).toMatchObject({ blocks: [1, 2], status: Status.SERVICE_UNAVAILABLE })
    expect(await collect(chain.deliver(await seek(SEEK_OLDEST, SEEK_NEWEST)))).toMatchObject({ blocks: [], status: Status.SERVICE_UNAVAILABLE })
    const bestEffort = { errorResponse: SeekInfo.SeekErrorResponse.BEST_EFFORT }
    expect(await collect(chain.deliver(await seek(SEEK_OLDEST, SEEK_NEWEST, bestEffort)))).toMatchObject({ blocks: [0, 1, 2], status: Status.SUCCESS })
    expect(await collect(chain.deliver(await seek(SEEK_OLDEST, SEEK_FOREVER, bestEffort)))).toMatchObject({ blocks: [0, 1, 2], status: Status.SERVICE_UNAVAILABLE })
  })

  it('speaks Fabric bytes: a SeekInfo envelope built with fabric-protos is served, and the responses decode there', async () => {
    const { chain, net } = await chainWithBlocks(2)
    const position = new orderer.SeekPosition()
    const specified = new orderer.SeekSpecified()
    specified.setNumber(1)
    position.setSpecified(specified)
    const newest = new orderer.SeekPosition()
    newest.setNewest(new orderer.SeekNewest())
    const info = new orderer.SeekInfo()
    info.setStart(position)
    info.setStop(newest)
    info.setBehavior(orderer.SeekInfo.SeekBehavior.FAIL_IF_NOT_READY)
    const channelHeader = new common.ChannelHeader()
    channelHeader.setType(common.HeaderType.DELIVER_SEEK_INFO)
    channelHeader.setChannelId(CHANNEL)
    const header = new common.Header()
    header.setChannelHeader(channelHeader.serializeBinary())
    const payload = new common.Payload()
    payload.setHeader(header)
    payload.setData(info.serializeBinary())
    const env = new common.Envelope()
    env.setPayload(payload.serializeBinary())
    const { responses } = await collect(chain.deliver(env.serializeBinary()))
    const decoded = responses.map(r => orderer.DeliverResponse.deserializeBinary(encode(DeliverResponse, r)))
    expect(decoded.map(r => r.getBlock()?.getHeader()?.getNumber())).toEqual([1, 2, undefined])
    expect(decoded.at(-1)?.getStatus()).toBe(common.Status.SUCCESS)
    expect(decoded[0]?.getBlock()?.getData()?.getDataList()).toHaveLength(1)

    // And ours decodes with Fabric's classes, field for field.
    const ours = common.Envelope.deserializeBinary(await newSeekEnvelope({
      channelId: CHANNEL,
      seekInfo: seekInfo(SEEK_OLDEST, SEEK_FOREVER, { behavior: FAIL_IF_NOT_READY }),
      signer: { serialize: () => new TextEncoder().encode('client'), sign: async () => new Uint8Array([1, 2, 3]) },
      nonce: () => new Uint8Array(24).fill(7)
    }))
    const ourPayload = common.Payload.deserializeBinary(ours.getPayload_asU8())
    const ourInfo = orderer.SeekInfo.deserializeBinary(ourPayload.getData_asU8())
    expect(ourInfo.getStart()?.hasOldest()).toBe(true)
    expect(ourInfo.getStop()?.getSpecified()?.getNumber()).toBe(Number.MAX_SAFE_INTEGER)
    expect(ourInfo.getBehavior()).toBe(orderer.SeekInfo.SeekBehavior.FAIL_IF_NOT_READY)
    expect(common.ChannelHeader.deserializeBinary(ourPayload.getHeader()?.getChannelHeader_asU8() as Uint8Array).getType()).toBe(common.HeaderType.DELIVER_SEEK_INFO)
    const signatureHeader = decode(SignatureHeader, ourPayload.getHeader()?.getSignatureHeader_asU8() as Uint8Array)
    expect(new TextDecoder().decode(signatureHeader.creator)).toBe('client')
    expect(ours.getSignature_asU8()).toEqual(new Uint8Array([1, 2, 3]))
    await net.stopAll()
  })

  it("accepts Fabric clients' forever, SeekSpecified{MaxUint64}, as the same request up to 2^53 - 1", async () => {
    const { chain, net } = await chainWithBlocks(2)
    // SeekInfo{ start: Specified{1}, stop: Specified{2^64 - 1}, behavior: FAIL_IF_NOT_READY }, as Go encodes it.
    const maxUint64 = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]
    const seekBytes = Uint8Array.from([0x0a, 0x04, 0x1a, 0x02, 0x08, 0x01, 0x12, 0x0d, 0x1a, 0x0b, 0x08, ...maxUint64, 0x18, 0x01])
    expect(() => decode(SeekInfo, seekBytes)).toThrow(/2\^53/)
    const clamped = clampSeekInfoNumbers(seekBytes) as Uint8Array
    expect(decode(SeekInfo, clamped).stop?.specified?.number).toBe(Number.MAX_SAFE_INTEGER)
    const raw = encode(Envelope, {
      payload: encode(Payload, {
        header: { channelHeader: encode(ChannelHeader, { type: HeaderType.DELIVER_SEEK_INFO, channelId: CHANNEL }), signatureHeader: new Uint8Array(0) },
        data: seekBytes
      }),
      signature: new Uint8Array(0)
    })
    expect(await collect(chain.deliver(raw))).toMatchObject({ blocks: [1, 2], status: Status.NOT_FOUND })
    expect(clampSeekInfoNumbers(Uint8Array.from([0x0a, 0x05, 0x1a]))).toBeUndefined() // truncated
    await net.stopAll()
  })

  it('the clamp copies every SeekInfo with safe numbers byte for byte (property)', () => {
    const position = fc.oneof(
      fc.constant(SEEK_OLDEST), fc.constant(SEEK_NEWEST), fc.constant(SEEK_NEXT_COMMIT),
      fc.maxSafeNat().map(n => seekSpecified(n))
    )
    const behavior = fc.constantFrom(SeekInfo.SeekBehavior.BLOCK_UNTIL_READY, SeekInfo.SeekBehavior.FAIL_IF_NOT_READY)
    const errorResponse = fc.constantFrom(SeekInfo.SeekErrorResponse.STRICT, SeekInfo.SeekErrorResponse.BEST_EFFORT)
    const contentType = fc.constantFrom(SeekInfo.SeekContentType.BLOCK, SeekInfo.SeekContentType.HEADER_WITH_SIG)
    fc.assert(fc.property(position, position, behavior, errorResponse, contentType, (start, stop, b, e, c) => {
      const bytes = encode(SeekInfo, { start, stop, behavior: b, errorResponse: e, contentType: c })
      expect(clampSeekInfoNumbers(bytes)).toEqual(bytes)
    }), { numRuns: 300 })
  })
})
