/** Small contracts in the style of Fabric's samples, as single-file CommonJS bundles. */
export const ASSETS = `
const { Contract } = require('fabric-contract-api')
class Assets extends Contract {
  async CreateAsset (ctx, id, color) {
    const existing = await ctx.stub.getState(id)
    if (existing && existing.length > 0) throw new Error('The asset ' + id + ' already exists')
    const asset = { ID: id, Color: color, Owner: ctx.clientIdentity.getMSPID() }
    await ctx.stub.putState(id, Buffer.from(JSON.stringify(asset)))
    ctx.stub.setEvent('CreateAsset', Buffer.from(JSON.stringify(asset)))
    return JSON.stringify(asset)
  }
  async ReadAsset (ctx, id) {
    const v = await ctx.stub.getState(id)
    if (!v || v.length === 0) throw new Error('The asset ' + id + ' does not exist')
    return v.toString()
  }
  async Recolor (ctx, id, color) {
    const asset = JSON.parse((await ctx.stub.getState(id)).toString())
    asset.Color = color
    await ctx.stub.putState(id, Buffer.from(JSON.stringify(asset)))
  }
  async CountAll (ctx) {
    let n = 0
    for await (const r of ctx.stub.getStateByRange('', '')) n++
    return String(n)
  }
  async Whoami (ctx) { return ctx.clientIdentity.getAttributeValue('dept') || 'none' }
}
module.exports.contracts = [Assets]
`

export const INIT_REQUIRED = `
const { Contract } = require('fabric-contract-api')
class Counter extends Contract {
  async Init (ctx) { await ctx.stub.putState('n', Buffer.from('0')) }
  async Get (ctx) { return (await ctx.stub.getState('n')).toString() }
}
module.exports.contracts = [Counter]
`

/** State-based endorsement: a key carries its own endorsement policy. */
export const KEY_LEVEL = `
const { Contract } = require('fabric-contract-api')
class Sbe extends Contract {
  async Lock (ctx, key, policyHex) {
    await ctx.stub.putState(key, Buffer.from('locked'))
    await ctx.stub.setStateValidationParameter(key, Buffer.from(policyHex, 'hex'))
  }
  async Set (ctx, key, value) { await ctx.stub.putState(key, Buffer.from(value)) }
}
module.exports.contracts = [Sbe]
`

/** A chaincode that never returns from one function. */
export const RUNAWAY = `
const { Contract } = require('fabric-contract-api')
class Runaway extends Contract {
  async Spin (ctx) { for (;;) {} }
  async Ping (ctx) { return 'pong' }
}
module.exports.contracts = [Runaway]
`
