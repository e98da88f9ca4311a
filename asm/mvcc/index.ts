// MVCC and phantom-read validation of one block (Fabric's
// core/ledger/kvledger/txmgmt/validation/validator.go validateAndPrepareBatch, sequential
// semantics), one call per block. The TypeScript twin, which documents the problem in full,
// is src/validator/mvcc-wasm/reference.ts; src/validator/mvcc-wasm/flat.ts writes the input.
//
// Memory: one region from REGION_BASE, grown on demand by ensure(); the host lays it out and
// passes the offsets to validate(). Nothing is allocated (runtime stub).
//
//   versions  f64 pairs (blockNum, txNum); slot k < keyCount is key k's committed version,
//             later slots the versions the transactions read. Absent = (-1, -1).
//   program   i32 words, per transaction:
//               preCode, checkCount, writeCount,
//               checks in Fabric's order, each either
//                 0 keyId slot                          a point read (KVRead)
//                 1 lo hi readCount (keyId slot)*       a range query over key ids [lo, hi)
//               writes, each: keyId kind              kind 1 put, 2 delete, 3 metadata-only
//   batch     i32 per key id (scratch): 0 untouched in this block, t+1 written by valid tx t,
//             -(t+1) deleted by valid tx t. The updates batch of Fabric's validator.
//   codes     u8 per transaction, the output (TxValidationCode).

const VALID: u8 = 0
const MVCC_READ_CONFLICT: u8 = 11
const PHANTOM_READ_CONFLICT: u8 = 12

const CHECK_RANGE: i32 = 1
const WRITE_PUT: i32 = 1
const WRITE_DELETE: i32 = 2

const REGION_BASE: usize = (__heap_base + 15) & ~(<usize>15)

/** First byte the host may use. */
export function regionBase (): usize {
  return REGION_BASE
}

/** Grows memory so that [regionBase, regionBase + bytes) exists. Returns 0 if it could not. */
export function ensure (bytes: u32): i32 {
  const end = <u64>REGION_BASE + <u64>bytes
  const pages = <i32>((end + 0xffff) >>> 16)
  const have = memory.size()
  if (have >= pages) return 1
  return memory.grow(pages - have) < 0 ? 0 : 1
}

// Is the committed version in slot `a` the same as the version in slot `b`? (version.AreSame;
// absent = (-1, -1) on both sides, so absent equals absent only.)
@inline
function sameSlots (versions: usize, a: i32, b: i32): bool {
  const pa = versions + (<usize>a << 4)
  const pb = versions + (<usize>b << 4)
  return load<f64>(pa) == load<f64>(pb) && load<f64>(pa, 8) == load<f64>(pb, 8)
}

/**
 * Validates `txCount` transactions of block `blockNum` and writes their codes. Transactions
 * whose preCode is not VALID keep it and neither are checked nor contribute writes.
 * Returns the number of program words consumed (the host checks it).
 */
export function validate (
  blockNum: f64, txCount: i32, keyCount: i32,
  versions: usize, program: usize, batch: usize, codes: usize
): i32 {
  memory.fill(batch, 0, <usize>keyCount << 2)
  let pc: usize = program
  for (let t: i32 = 0; t < txCount; t++) {
    const preCode = load<i32>(pc)
    const checkCount = load<i32>(pc, 4)
    const writeCount = load<i32>(pc, 8)
    pc += 12
    let code: u8 = VALID
    // Every check is walked even after a conflict, to find where the writes start.
    for (let c: i32 = 0; c < checkCount; c++) {
      if (load<i32>(pc) == CHECK_RANGE) {
        const lo = load<i32>(pc, 4)
        const hi = load<i32>(pc, 8)
        const readCount = load<i32>(pc, 12)
        const reads = pc + 16
        pc = reads + (<usize>readCount << 3)
        if (code == VALID && preCode == 0 && !rangeUnchanged(blockNum, lo, hi, reads, readCount, versions, batch)) {
          code = PHANTOM_READ_CONFLICT
        }
      } else {
        const keyId = load<i32>(pc, 4)
        const slot = load<i32>(pc, 8)
        pc += 12
        if (code == VALID && preCode == 0) {
          // validateKVRead: any write of an earlier valid tx of the block conflicts, whatever
          // its version; otherwise the committed version must be the one read.
          if (load<i32>(batch + (<usize>keyId << 2)) != 0 || !sameSlots(versions, keyId, slot)) {
            code = MVCC_READ_CONFLICT
          }
        }
      }
    }
    if (preCode != 0) {
      store<u8>(codes + <usize>t, <u8>preCode)
      pc += <usize>writeCount << 3
      continue
    }
    store<u8>(codes + <usize>t, code)
    if (code != VALID) {
      pc += <usize>writeCount << 3
      continue
    }
    const mine = t + 1
    for (let w: i32 = 0; w < writeCount; w++) {
      const keyId = load<i32>(pc)
      const kind = load<i32>(pc, 4)
      pc += 8
      const at = batch + (<usize>keyId << 2)
      if (kind == WRITE_PUT) {
        store<i32>(at, mine)
      } else if (kind == WRITE_DELETE) {
        store<i32>(at, -mine)
      } else {
        // Metadata-only write: re-versions a key that exists (in the batch or committed),
        // a no-op otherwise (Fabric's prepareTxOps drops it).
        const state = load<i32>(at)
        if (state > 0 || (state == 0 && load<f64>(versions + (<usize>keyId << 4)) >= 0)) store<i32>(at, mine)
      }
    }
  }
  return <i32>((pc - program) >>> 2)
}

// The combined iterator (committed state overlaid with the batch) over key ids [lo, hi)
// yields exactly the recorded raw reads, key for key and version for version.
// (rangequery_validator.go rangeQueryResultsValidator.validate)
function rangeUnchanged (
  blockNum: f64, lo: i32, hi: i32, reads: usize, readCount: i32, versions: usize, batch: usize
): bool {
  let r: i32 = 0
  for (let k: i32 = lo; k < hi; k++) {
    const state = load<i32>(batch + (<usize>k << 2))
    if (state < 0) continue // deleted earlier in the block
    const committed = versions + (<usize>k << 4)
    if (state == 0 && load<f64>(committed) < 0) continue // not in the ledger
    if (r == readCount) return false // an extra result: phantom insert
    const read = reads + (<usize>r << 3)
    if (load<i32>(read) != k) return false
    const expected = versions + (<usize>load<i32>(read, 4) << 4)
    if (state > 0) {
      if (load<f64>(expected) != blockNum || load<f64>(expected, 8) != <f64>(state - 1)) return false
    } else if (load<f64>(expected) != load<f64>(committed) || load<f64>(expected, 8) != load<f64>(committed, 8)) {
      return false
    }
    r++
  }
  return r == readCount
}
