/**
 * What the pipeline needs from a log. Libraries take a Logger and never print: only entry points
 * (GitHub Action, CLI, GitLab job) decide where lines go and how groups look.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, debug() {} };

/** Collects lines in memory: for tests, and for stages whose log is attached to the record. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(message);
  }
  warn(message: string): void {
    this.lines.push(`warning: ${message}`);
  }
  debug(message: string): void {
    this.lines.push(`debug: ${message}`);
  }
}
