import type { RunRecord } from './run-record.js';

/**
 * The Windows event log entry of a run record: one stable event id and entry type per outcome, so SCOM, Azure Monitor
 * or any log shipper can alert on an id without reading the message (which is the record's JSON). Pure: the same
 * record always maps to the same entry. README.md ("Keeping backups current") holds this table; a test keeps the two
 * in step. Ids are never reused for another outcome.
 */
export type EventEntryType = 'Information' | 'Warning' | 'Error';
export type RunOutcome = 'Success' | 'SuccessWithWarnings' | 'Partial' | 'Interrupted' | 'LockHeld' | 'Failed' | 'StoreMissing' | 'VerificationFailed';

export interface RunEvent {
  outcome: RunOutcome;
  eventId: number;
  entryType: EventEntryType;
  /** When a run gets it, for the README table. */
  when: string;
}

/** The event source every entry is written under, in the Application log. */
export const EVENT_SOURCE = 'BizTalkBackup';
export const EVENT_LOG = 'Application';

const EVENTS: Record<RunOutcome, Omit<RunEvent, 'outcome'>> = {
  Success: { eventId: 1000, entryType: 'Information', when: 'exit 0 and no warning' },
  SuccessWithWarnings: { eventId: 1001, entryType: 'Warning', when: 'exit 0 with one or more warnings (`warningCodes` says which)' },
  Partial: { eventId: 1002, entryType: 'Warning', when: 'exit 3: some applications failed, the others were done (an export commits its set)' },
  Interrupted: { eventId: 1003, entryType: 'Warning', when: 'exit 130: stopped (Ctrl-C, Stop-Job, a runbook timeout); nothing committed' },
  LockHeld: { eventId: 1004, entryType: 'Warning', when: 'exit 11: another run holds the store lock, so this one did nothing (a run overlapping the scheduled one)' },
  Failed: { eventId: 1100, entryType: 'Error', when: 'any other non-zero exit (1, 2): the run did not do its work' },
  StoreMissing: { eventId: 1101, entryType: 'Error', when: 'exit 10: the store or its folder is not there (a share down, a wrong path)' },
  VerificationFailed: { eventId: 1102, entryType: 'Error', when: 'exit 12: verification found a damaged or missing object or manifest' },
};

/** Every outcome with its event id, in id order. */
export const RUN_EVENTS: readonly RunEvent[] = (Object.entries(EVENTS) as [RunOutcome, Omit<RunEvent, 'outcome'>][])
  .map(([outcome, event]) => ({ outcome, ...event }))
  .sort((a, b) => a.eventId - b.eventId);

/** The outcome of a record: by its exit code, then (for exit 0) by whether it gave warnings. */
export function runOutcomeOf(record: Pick<RunRecord, 'exitCode' | 'warnings'>): RunOutcome {
  switch (record.exitCode) {
    case 0:
      return record.warnings > 0 ? 'SuccessWithWarnings' : 'Success';
    case 3:
      return 'Partial';
    case 10:
      return 'StoreMissing';
    case 11:
      return 'LockHeld';
    case 12:
      return 'VerificationFailed';
    case 130:
      return 'Interrupted';
    default:
      return 'Failed';
  }
}

/** The event log entry of a record: its event id, entry type and message (the record's JSON, exactly as logged). */
export function runEventOf(record: RunRecord): RunEvent & { message: string } {
  const outcome = runOutcomeOf(record);
  return { outcome, ...EVENTS[outcome], message: JSON.stringify(record) };
}
