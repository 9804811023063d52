/**
 * Test-only fault injection (the crash tests of test/e2e/faults-*.test.ts): `EDDY_FAULT=<point>`
 * makes the process send itself a signal when it reaches a named point of a checkpoint's commit,
 * so a test can SIGKILL (or SIGSTOP) it exactly there instead of at a random moment.
 *
 *   EDDY_FAULT=<point>[@<n>][:<signal>]   n: the n-th time the point is reached (default 1);
 *                                          signal: default SIGKILL
 *
 * Without the variable every call is a comparison against null. Nothing else reads it.
 */

/** Where a checkpoint can be interrupted, in the order it passes them. */
export type FaultPoint =
  /** Every sink's output up to the cut is durable (the file fsync'd: the sink's pre-commit); the state transaction has not begun. */
  | 'checkpoint-sink-durable'
  /** Inside the state database's transaction: chunks, meta and a SQLite sink's rows written, COMMIT not yet run. */
  | 'checkpoint-before-commit'
  /** The state transaction has committed; a two-phase sink has not yet been told (Kafka's commit). */
  | 'checkpoint-after-commit'
  /** The checkpoint is complete: committed and every sink's second phase done. */
  | 'checkpoint-complete';

const POINTS: readonly FaultPoint[] = ['checkpoint-sink-durable', 'checkpoint-before-commit', 'checkpoint-after-commit', 'checkpoint-complete'];

interface Fault {
  readonly point: FaultPoint;
  readonly nth: number;
  readonly signal: NodeJS.Signals;
}

function parseFault(spec: string | undefined): Fault | null {
  if (spec === undefined || spec === '') return null;
  const m = /^([a-z-]+)(?:@(\d+))?(?::(SIG[A-Z]+))?$/.exec(spec);
  if (!m || !POINTS.includes(m[1] as FaultPoint)) throw new Error(`EDDY_FAULT='${spec}': expected <point>[@n][:SIGNAL] with point one of ${POINTS.join(', ')}`);
  return { point: m[1] as FaultPoint, nth: m[2] === undefined ? 1 : Number(m[2]), signal: (m[3] ?? 'SIGKILL') as NodeJS.Signals };
}

/** Read at the first point, not at import: a startup snapshot (repl/snapshot.ts) imports this module when it is built. */
let fault: Fault | null | undefined;
let reached = 0;

/** Marks a point of a checkpoint's commit; the process signals itself there when EDDY_FAULT names it. */
export function faultPoint(point: FaultPoint): void {
  if (fault === undefined) fault = parseFault(process.env['EDDY_FAULT']);
  if (fault === null || fault.point !== point || ++reached !== fault.nth) return;
  process.kill(process.pid, fault.signal);
}
