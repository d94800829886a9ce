// What a transaction did: the receipt (committed to by the block's receipt root) and, beside
// it, debug data that is not hashed (the Nest stack of a revert, what the contract printed),
// so nodes agree on receipts while tools still show where a call failed.

import { ByteWriter } from '../vm/bytes-io.js'
import type { TraceFrame } from '../vm/vm.js'
import type { Address } from './address.js'
import { writeAddress } from './codec.js'
import type { ChainEvent } from './state/journal.js'

export interface Receipt {
  readonly status: 'ok' | 'reverted'
  readonly gasUsed: number
  /** The fee paid (in full, even on revert) to the block's producer. */
  readonly fee: bigint
  /** Events of a successful transaction, in emission order (none when it reverted). */
  readonly events: readonly ChainEvent[]
  /** The ABI-encoded return value (a deploy returns the new contract's Address). */
  readonly returnValue: Uint8Array
  /** The revert message (the runtime error's text), or null. */
  readonly error: string | null
  /** The error's code (R0xxx, or a chain refusal such as "balance"), or null. */
  readonly code: string | null
}

export interface ReceiptDebug {
  /** Innermost frame first, as the VM reports: file:line of each Nest frame. */
  readonly trace: readonly TraceFrame[]
  /** What System.print wrote, line by line, across every contract the transaction ran. */
  readonly prints: readonly string[]
}

export function encodeReceipt(r: Receipt): Uint8Array {
  const w = new ByteWriter()
  w.u8(r.status === 'ok' ? 1 : 0)
  w.uvar(r.gasUsed)
  w.str(r.fee.toString(16))
  w.uvar(r.events.length)
  for (const e of r.events) {
    writeAddress(w, e.address, 'event address')
    w.str(e.topic)
    w.blob(e.data)
  }
  w.blob(r.returnValue)
  w.str(r.error ?? '')
  w.str(r.code ?? '')
  return w.finish()
}
