// `node scripts/profile-summary.mjs <file.cpuprofile> [top=40] [filter] [under]`: the functions
// that take the most time in a V8 CPU profile (from WEFT_BENCH_PROFILE=<dir> npm run bench), by
// self time and by inclusive time, so a bottleneck shows without opening DevTools.
// `filter` keeps only frames whose name or file contains it (e.g. `src/validator`); `under`
// counts only samples with a frame of that function name on the stack (e.g. `commitBlock`).
import { readFileSync } from 'node:fs'

const [file, topArg = '40', filter = '', under = ''] = process.argv.slice(2)
if (file === undefined) {
  console.error('usage: node scripts/profile-summary.mjs <file.cpuprofile> [top] [filter]')
  process.exit(2)
}
const profile = JSON.parse(readFileSync(file, 'utf8'))
const top = Number(topArg)

const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

// Each sample's duration goes to its node (self) and, once per distinct frame, to its ancestors.
const selfUs = new Map()
const totalUs = new Map()
const frameKey = (n) => {
  const cf = n.callFrame
  const where = cf.url === '' ? '' : ` ${cf.url.replace(/^.*\/(src|bench|node_modules)\//, '$1/')}:${cf.lineNumber + 1}`
  return `${cf.functionName || '(anonymous)'}${where}`
}
const { samples, timeDeltas } = profile
let sampledUs = 0
const stackHas = (node, name) => {
  for (let n = node; n !== undefined; n = byId.get(parent.get(n.id))) if (n.callFrame.functionName === name) return true
  return false
}
for (let i = 0; i < samples.length; i++) {
  const dt = timeDeltas[i + 1] ?? 0
  let node = byId.get(samples[i])
  if (under !== '' && !stackHas(node, under)) continue
  sampledUs += dt
  const selfKey = frameKey(node)
  selfUs.set(selfKey, (selfUs.get(selfKey) ?? 0) + dt)
  const seen = new Set()
  while (node !== undefined) {
    const key = frameKey(node)
    if (!seen.has(key)) { seen.add(key); totalUs.set(key, (totalUs.get(key) ?? 0) + dt) }
    node = byId.get(parent.get(node.id))
  }
}

const show = (title, map) => {
  console.log(`\n${title} (of ${(sampledUs / 1000).toFixed(0)} ms sampled)`)
  const rows = [...map].filter(([k]) => filter === '' || k.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, top)
  for (const [key, us] of rows) console.log(`${(us / 1000).toFixed(1).padStart(9)} ms  ${(100 * us / sampledUs).toFixed(1).padStart(5)}%  ${key}`)
}
show('self time', selfUs)
show('inclusive time', totalUs)
