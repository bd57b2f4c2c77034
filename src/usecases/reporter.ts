/** How a use case talks while it works. The CLI turns it into NDJSON or a human display. */
export interface Reporter {
  progress(activity: string, status: string, current: number, total: number): void;
  completed(activity: string): void;
  log(level: 'verbose' | 'info' | 'warning', message: string): void;
  result(kind: string, value: Record<string, unknown>): void;
}

export const silentReporter: Reporter = {
  progress: () => undefined,
  completed: () => undefined,
  log: () => undefined,
  result: () => undefined,
};
