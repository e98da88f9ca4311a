import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ConfChangeType } from '../../../src/orderer/raft/conf-change.js'
import { MessageType } from '../../../src/orderer/raft/types.js'
import { ScriptedCluster } from './cluster.js'
import type { ClusterOptions } from './cluster.js'

/**
 * Data-driven Raft scenarios (etcd's interaction tests, condensed): each testdata/*.txt file is a
 * script of commands on a ScriptedCluster, whose SafetyChecker watches every step, and `expect`
 * lines that state what must hold. Grammar, one command per line, `#` starts a comment:
 *
 *   cluster 1 2 3 [prevote=false] [checkquorum=false] [snapshot=<bytes>]
 *   campaign <id> | propose <id> <data> | elect | tick <id,id|*> [times]
 *   isolate <id> | ignore <MsgType> | heal | crash <id> | restart <id> | add <id>
 *   conf-add <leader> <id> | conf-remove <leader> <id> | transfer <leader> <to>
 *   expect <id|*> key=value ...     keys: state term lead commit applied voters halted snapshots
 *   expect-drop <command ...>       the command must be refused with RAFT_PROPOSAL_DROPPED
 */
const dir = new URL('./testdata/', import.meta.url)

function run (script: string): void {
  let c: ScriptedCluster | undefined
  const lines = script.split('\n')
  lines.forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim()
    if (line === '') return
    const where = `line ${i + 1}: ${line}`
    const [cmd, ...args] = line.split(/\s+/) as [string, ...string[]]
    try {
      if (cmd === 'cluster') {
        const ids = args.filter(a => /^\d+$/.test(a)).map(Number)
        const opt = Object.fromEntries(args.filter(a => a.includes('=')).map(a => a.split('=') as [string, string]))
        const options: ClusterOptions = {
          params: { preVote: opt.prevote !== 'false', checkQuorum: opt.checkquorum !== 'false' },
          ...(opt.snapshot !== undefined ? { snapshotIntervalSize: Number(opt.snapshot) } : {})
        }
        c = new ScriptedCluster(ids, options)
        return
      }
      if (c === undefined) throw new Error('no cluster yet')
      if (cmd === 'expect') { check(c, args, where); return }
      if (cmd === 'expect-drop') {
        let code: string | undefined
        try { step(c, args[0] as string, args.slice(1)) } catch (err) { code = (err as { code?: string }).code }
        expect(code, where).toBe('RAFT_PROPOSAL_DROPPED')
        return
      }
      step(c, cmd, args)
    } catch (err) {
      if (err instanceof Error && !err.message.includes('line ')) err.message = `${where}\n${err.message}`
      throw err
    }
  })
}

function step (c: ScriptedCluster, cmd: string, args: string[]): void {
  const n = (k: number): number => Number(args[k])
  switch (cmd) {
    case 'campaign': c.campaign(n(0)); return
    case 'propose': c.propose(n(0), args.slice(1).join(' ')); return
    case 'elect': c.elect(); return
    case 'tick': {
      const ids = args[0] === '*' ? [...c.nodes.keys()] : (args[0] ?? '').split(',').map(Number)
      c.tick(ids, args[1] === undefined ? 1 : n(1))
      return
    }
    case 'isolate': c.isolate(n(0)); return
    case 'ignore': {
      const type = Object.values(MessageType).find(t => t === args[0])
      if (type === undefined) throw new Error(`unknown message type ${String(args[0])}`)
      c.ignore(type)
      return
    }
    case 'heal': c.heal(); return
    case 'crash': c.crash(n(0)); return
    case 'restart': c.restart(n(0)); return
    case 'add': c.add(n(0)); return
    case 'conf-add': c.act(n(0), node => { node.node.proposeConfChange({ type: ConfChangeType.AddNode, nodeId: n(1) }) }); return
    case 'conf-remove': c.act(n(0), node => { node.node.proposeConfChange({ type: ConfChangeType.RemoveNode, nodeId: n(1) }) }); return
    case 'transfer': c.act(n(0), node => { node.node.transferLeader(n(1)) }); return
    default: throw new Error(`unknown command ${cmd}`)
  }
}

function check (c: ScriptedCluster, args: string[], where: string): void {
  const [who, ...pairs] = args
  const ids = who === '*' ? [...c.nodes.keys()].filter(id => c.node(id).alive) : [Number(who)]
  for (const id of ids) {
    const node = c.node(id)
    for (const pair of pairs) {
      const [key, want] = pair.split('=') as [string, string]
      if (key === 'halted') { expect(String(node.halted), `${where} (node ${id})`).toBe(want); continue }
      if (key === 'snapshots') { expect(String(c.checker.snapshotsInstalled), where).toBe(want); continue }
      const raft = node.node.raft
      const actual: Record<string, string> = {
        state: raft.state,
        term: String(raft.term),
        lead: String(raft.lead),
        commit: String(raft.log.committed),
        applied: String(node.machine.appliedIndex),
        voters: raft.confState().voters.join(',')
      }
      if (!(key in actual)) throw new Error(`unknown key ${key}`)
      expect(actual[key], `${where} (node ${id} ${key})`).toBe(want)
    }
  }
}

describe('Raft scenarios (testdata/*.txt)', () => {
  const files = readdirSync(dir).filter(f => f.endsWith('.txt')).sort()
  it('has scenario files', () => { expect(files.length).toBeGreaterThanOrEqual(5) })
  for (const file of files) {
    it(file, () => { run(readFileSync(new URL(file, dir), 'utf8')) })
  }
})
