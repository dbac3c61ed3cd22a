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
