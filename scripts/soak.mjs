#!/usr/bin/env node
// Raft soak: runs many seeds of the deterministic simulator (src/orderer/raft/sim) and prints
// every failing seed with the command that replays it exactly.
//
//   npm run soak                      100,000 seeds from seed 1, on every core
//   npm run soak -- 5000              5,000 seeds
//   npm run soak -- 5000 --from 9000  seeds 9000..13999
//   node scripts/soak.mjs --seed 123  replay seed 123 and print its full trace
//   --workers N                       number of worker threads (default: available cores)
import { availableParallelism } from 'node:os'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { tsImport } from 'tsx/esm/api'

const SIMULATION = '../src/orderer/raft/sim/simulation.ts'

function parseArgs (argv) {
  const args = { count: 100_000, from: 1, seed: undefined, workers: availableParallelism() }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const next = () => {
      const v = Number(argv[++i])
      if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${a}: expected a non-negative integer, got ${argv[i]}`)
      return v
    }
    if (a === '--seed') args.seed = next()
    else if (a === '--from') args.from = next()
    else if (a === '--workers') args.workers = Math.max(1, next())
    else if (a === '--count') args.count = next()
    else if (/^\d+$/.test(a)) args.count = Number(a)
    else throw new Error(`unknown argument ${a}`)
  }
  return args
}

async function replay (seed) {
  const { runSeed } = await tsImport(SIMULATION, import.meta.url)
  const result = runSeed(seed, { trace: true })
  for (const line of result.trace ?? []) console.log(line)
  console.log(`plan ${JSON.stringify(result.plan)}`)
  console.log(`stats ${JSON.stringify(result.stats)}`)
  console.log(result.ok ? `seed ${seed}: ok` : `seed ${seed}: FAILED ${result.error}`)
  process.exitCode = result.ok ? 0 : 1
}

async function runWorker ({ seeds }) {
  const { runSeed } = await tsImport(SIMULATION, import.meta.url)
  for (const seed of seeds) {
    const result = runSeed(seed)
    // A failure is re-run with tracing (the run is deterministic) so the report shows how it got there.
    const trace = result.ok ? [] : (runSeed(seed, { trace: true }).trace ?? []).slice(-40)
    parentPort.postMessage({ seed, ok: result.ok, error: result.error, trace })
  }
}

async function main () {
  const args = parseArgs(process.argv.slice(2))
  if (args.seed !== undefined) return replay(args.seed)
  const started = performance.now()
  const workers = Math.min(args.workers, args.count)
  const failures = []
  let done = 0
  let lastReport = started
  await Promise.all(Array.from({ length: workers }, (_, w) => new Promise((resolve, reject) => {
    // Interleaved seeds balance the load: seed cost varies with the chaos plan it draws.
    const seeds = []
    for (let s = args.from + w; s < args.from + args.count; s += workers) seeds.push(s)
    const worker = new Worker(new URL(import.meta.url), { workerData: { seeds } })
    worker.on('message', ({ seed, ok, error, trace }) => {
      done++
      if (!ok) {
        failures.push(seed)
        console.log(`FAIL seed ${seed}: ${error}\n  last events:\n${trace.map(l => `    ${l}`).join('\n')}\n  replay: node scripts/soak.mjs --seed ${seed}`)
      }
      const now = performance.now()
      if (now - lastReport > 10_000) {
        lastReport = now
        console.log(`${done}/${args.count} seeds, ${failures.length} failed, ${((now - started) / 1000).toFixed(0)} s`)
      }
    })
    worker.on('error', reject)
    worker.on('exit', code => {
      if (code === 0) resolve()
      else reject(new Error(`worker exited with ${code}`))
    })
  })))
  const seconds = (performance.now() - started) / 1000
  console.log(`${done} seeds (${args.from}..${args.from + args.count - 1}) in ${seconds.toFixed(1)} s on ${workers} workers: ` +
    (failures.length === 0 ? 'all passed' : `${failures.length} FAILED: ${failures.sort((a, b) => a - b).join(' ')}`))
  process.exitCode = failures.length === 0 ? 0 : 1
}

if (isMainThread) {
  main().catch(err => { console.error(err); process.exitCode = 2 })
} else {
  runWorker(workerData).catch(err => { console.error(err); process.exitCode = 2 })
}
