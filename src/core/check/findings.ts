export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  /** 1-based position in the user's schema file. */
  file: string;
  line: number;
  column: number;
}

/** What the CI gate says when it finds nothing. */
export const READY_TO_DEPLOY = 'Ready to deploy: the schema is migrated, nothing breaks, the history is intact.';
