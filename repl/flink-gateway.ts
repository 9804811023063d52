/**
 * A client of Flink's SQL Gateway REST API (v1, as served by Flink 2.x's `SqlGateway`): opens a
 * session, submits one statement at a time, pages through its results until end of stream, and
 * closes the session. Only what `eddy flink --gateway` needs; no retries beyond polling a result
 * that is not ready yet.
 */

/** One change of a query result: Flink's row kind as Eddy prints it, and the row's fields. */
export interface GatewayChange {
  readonly op: '+I' | '-U' | '+U' | '-D';
  readonly fields: readonly unknown[];
}

/** A result column as the gateway describes it; `logicalType.type` is Flink's type root, e.g. TIMESTAMP_WITHOUT_TIME_ZONE. */
export interface GatewayColumn {
  readonly name: string;
  readonly logicalType?: { readonly type?: string };
}

/** What a statement returned once its results were read to the end. */
export interface GatewayStatementResult {
  /** True for a query (its changes are rows), false for DDL, SET, INSERT (its changes describe the statement). */
  readonly isQuery: boolean;
  readonly columns: readonly GatewayColumn[];
  readonly jobId: string | null;
}

/** Where in the submitted statement Flink says the problem is (1-based, as Calcite reports it). */
export interface FlinkPosition {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** A statement the gateway refused or that failed while running; `detail` is Flink's own message. */
export class GatewayStatementError extends Error {
  constructor(
    readonly detail: string,
    readonly position?: FlinkPosition,
  ) {
    super(detail);
  }
}

const KINDS: Readonly<Record<string, GatewayChange['op']>> = { INSERT: '+I', UPDATE_BEFORE: '-U', UPDATE_AFTER: '+U', DELETE: '-D' };

interface ResultPage {
  readonly resultType: 'NOT_READY' | 'PAYLOAD' | 'EOS';
  readonly isQueryResult?: boolean;
  readonly jobID?: string | null;
  readonly results?: { readonly columns?: readonly GatewayColumn[]; readonly data?: readonly { readonly kind: string; readonly fields: readonly unknown[] }[] };
  readonly nextResultUri?: string;
}

export class FlinkGateway {
  private constructor(
    private readonly base: string,
    private readonly session: string,
  ) {}

  /** Opens a session on the gateway at `url` (e.g. http://localhost:8083) with the given session properties. */
  static async open(url: string, properties: Readonly<Record<string, string>>): Promise<FlinkGateway> {
    const base = url.replace(/\/+$/, '');
    const body = await request<{ sessionHandle: string }>(`${base}/v1/sessions`, 'POST', { properties, sessionName: 'eddy' });
    return new FlinkGateway(base, body.sessionHandle);
  }

  /**
   * Runs one statement and reads its results to the end, calling `onChange` for every change as
   * its page arrives (so an unbounded query prints as it runs), with the result's columns; the
   * rows of a non-query (DDL's 'OK', an INSERT's job id) are not changes and are not passed. Throws GatewayStatementError with
   * Flink's message when the statement fails.
   */
  async run(statement: string, onChange: (change: GatewayChange, columns: readonly GatewayColumn[]) => void, isCancelled: () => boolean = () => false): Promise<GatewayStatementResult> {
    const { operationHandle } = await request<{ operationHandle: string }>(`${this.base}/v1/sessions/${this.session}/statements`, 'POST', { statement });
    let next: string | undefined = `/v1/sessions/${this.session}/operations/${operationHandle}/result/0`;
    let columns: readonly GatewayColumn[] = [];
    let isQuery = false;
    let jobId: string | null = null;
    let wait = 20;
    while (next !== undefined) {
      if (isCancelled()) {
        await this.cancel(operationHandle);
        break;
      }
      const page: ResultPage = await request<ResultPage>(`${this.base}${next}${next.includes('?') ? '&' : '?'}rowFormat=JSON`, 'GET');
      if (page.results?.columns && page.results.columns.length > 0) columns = page.results.columns;
      if (page.isQueryResult !== undefined) isQuery = page.isQueryResult;
      if (page.jobID) jobId = page.jobID;
      if (page.resultType === 'NOT_READY') {
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, 500);
      } else {
        wait = 20;
        if (isQuery) for (const d of page.results?.data ?? []) onChange({ op: KINDS[d.kind] ?? '+I', fields: d.fields }, columns);
      }
      next = page.resultType === 'EOS' ? undefined : page.nextResultUri ?? next;
    }
    return { isQuery, columns, jobId };
  }

  /** Closes the session (and with it what the session still runs). */
  async close(): Promise<void> {
    await request(`${this.base}/v1/sessions/${this.session}`, 'DELETE').catch(() => undefined);
  }

  private async cancel(operation: string): Promise<void> {
    await request(`${this.base}/v1/sessions/${this.session}/operations/${operation}/cancel`, 'POST', {}).catch(() => undefined);
  }
}

/** One REST call; a non-2xx answer becomes GatewayStatementError carrying Flink's root cause. */
async function request<T>(url: string, method: 'GET' | 'POST' | 'DELETE', body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new GatewayStatementError(rootCause(text) ?? `the gateway answered ${res.status} ${res.statusText}`, flinkPosition(text));
  return (text === '' ? {} : JSON.parse(text)) as T;
}

/**
 * The gateway answers a failure with `{"errors": ["Internal server error.", "<stack trace>"]}`;
 * the useful line is the innermost `Caused by:` of a Flink/Calcite exception, without its class.
 */
export function rootCause(body: string): string | undefined {
  let errors: unknown;
  try {
    errors = (JSON.parse(body) as { errors?: unknown }).errors;
  } catch {
    return undefined;
  }
  if (!Array.isArray(errors)) return undefined;
  const trace = errors.filter((e): e is string => typeof e === 'string').join('\n');
  const causes = [...trace.matchAll(/^(?:Caused by: )?([\w.$]+(?:Exception|Error)): (.+)$/gm)];
  const meaningful = causes.filter((m) => !/SqlGatewayException|SqlExecutionException|RestHandlerException|CompletionException|ExecutionException/.test(m[1]!));
  const pick = meaningful.at(-1) ?? causes.at(-1);
  if (pick) return pick[2]!.trim();
  const first = errors.find((e): e is string => typeof e === 'string' && e !== 'Internal server error.');
  return first?.split('\n')[0];
}

/** Calcite's position of a validation error ('From line 2, column 3 to line 2, column 6') or a parse error ('at line 1, column 8'). */
export function flinkPosition(body: string): FlinkPosition | undefined {
  const range = /From line (\d+), column (\d+) to line (\d+), column (\d+)/.exec(body);
  if (range) return { line: Number(range[1]), column: Number(range[2]), endLine: Number(range[3]), endColumn: Number(range[4]) };
  const at = /at line (\d+), column (\d+)/.exec(body);
  if (at) return { line: Number(at[1]), column: Number(at[2]), endLine: Number(at[1]), endColumn: Number(at[2]) };
  return undefined;
}
