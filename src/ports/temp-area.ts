/**
 * A private temp folder for one run's staging (export, restore, bindings import, BTSTask output). Every one is named
 * and marked with its owner (pid + process start time) so that the next run of any command removes those whose
 * owner is dead: a crash or a kill -9 never leaves a clear-text secret on disk for longer than that.
 */
export interface TempArea {
  readonly path: string;
  /** Removes the folder and everything in it (files holding secrets are overwritten first). Idempotent. */
  remove(): Promise<void>;
}

export interface TempAreas {
  /** `purpose` names the folder: `btsbackup-<purpose>-xxxxxx`. */
  create(purpose: TempAreaPurpose): Promise<TempArea>;
}

export type TempAreaPurpose = 'export' | 'compare' | 'restore' | 'drill' | 'drill-gac' | 'bind' | 'btstask';
