import type { CancelReason, RejectReason } from '../core/file-protocol';
import type { ReceiveFault } from '../core/file-receive';
import type { TransferReason } from '../models/file-transfer';
import { t, type MessageKey } from './i18n/i18n';

const FAULT: Record<ReceiveFault | 'window', MessageKey> = {
  'not-accepted': 'files.fault.notAccepted',
  'out-of-order': 'files.fault.outOfOrder',
  oversize: 'files.fault.oversize',
  short: 'files.fault.short',
  'after-done': 'files.fault.afterDone',
  window: 'files.fault.window',
};
const CANCEL: Record<CancelReason, MessageKey> = {
  cancelled: 'files.cancel.cancelled',
  protocol: 'files.cancel.protocol',
  'hash-mismatch': 'files.cancel.hashMismatch',
  'write-failed': 'files.cancel.writeFailed',
};
const REJECT: Record<RejectReason, MessageKey> = {
  declined: 'files.reject.declined',
  'too-large': 'files.reject.tooLarge',
  busy: 'files.reject.busy',
};
const OWN = {
  interrupted: 'files.interrupted',
  'read-failed': 'files.readFailed',
  'write-failed': 'files.writeFailed',
  'save-failed': 'files.saveFailed',
  'you-declined': 'files.youDeclined',
  'you-cancelled': 'files.youCancelled',
} as const satisfies Record<
  Exclude<TransferReason['kind'], 'fault' | 'cancel' | 'reject' | 'too-large-here'>,
  MessageKey
>;

/** Why a transfer ended or an offer was turned away, in words. */
export const transferReasonText = (r: TransferReason): string => {
  switch (r.kind) {
    case 'fault':
      return t('files.fault', { why: t(FAULT[r.fault]) });
    case 'cancel':
      return t(CANCEL[r.reason]);
    case 'reject':
      return t(REJECT[r.reason]);
    case 'too-large-here':
      return t('files.tooLargeHere', { count: r.max });
    default:
      return t(OWN[r.kind]);
  }
};
