import type { Column, Row, Value } from '../src/common/types.js';
import { renderTable } from '../src/connectors/printers.js';

/**
 * The Flink SQL client's 'table' result mode: the result materialized from its changes (+I and +U
 * add a row, -U and -D retract one) and shown as one table updated in place, its newest rows in a
 * view bounded by the terminal's height. Redrawn at most every `intervalMs`.
 */
export class TableView {
  private readonly rows: Row[] = [];
  private drawnLines = 0;
  private dirty = true;
  private lastDraw = 0;
  private readonly updating: boolean;
  private readonly shown: readonly Column[];

  constructor(
    columns: readonly Column[],
    private readonly write: (text: string) => void,
    private readonly height: () => number,
    private readonly intervalMs = 200,
  ) {
    this.updating = columns[0]?.name === 'op';
    this.shown = this.updating ? columns.slice(1) : columns;
  }

  /** Applies a batch of result rows (changes, for an updating result) and redraws if due. */
  apply(batch: readonly Row[]): void {
    let hole = -1;
    for (const r of batch) {
      if (!this.updating) {
        this.rows.push(r);
        continue;
      }
      const op = r[0];
      const values = r.slice(1);
      if (op === '+U' && hole >= 0) {
        // The update of the row just retracted takes its place, so rows stay where they were.
        this.rows.splice(hole, 0, values);
        hole = -1;
      } else if (op === '+I' || op === '+U') this.rows.push(values);
      else {
        const at = this.rows.findIndex((x) => sameRow(x, values));
        if (at >= 0) this.rows.splice(at, 1);
        hole = op === '-U' ? at : -1;
      }
    }
    this.dirty = true;
    if (Date.now() - this.lastDraw >= this.intervalMs) this.draw();
  }

  /** How many rows the result holds now. */
  get size(): number {
    return this.rows.length;
  }

  /** Draws the table again over the previous drawing (if anything changed). */
  draw(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.lastDraw = Date.now();
    const room = Math.max(3, this.height() - 7);
    const visible = this.rows.length > room ? this.rows.slice(this.rows.length - room) : this.rows;
    let text = renderTable(this.shown, visible);
    text += this.rows.length > room ? `(${this.rows.length} rows, the last ${room} shown)\n` : `(${this.rows.length} row${this.rows.length === 1 ? '' : 's'})\n`;
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A\r\x1b[J` : '';
    this.drawnLines = text.split('\n').length - 1;
    this.write(up + text);
  }
}

function sameRow(a: readonly Value[], b: readonly Value[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
