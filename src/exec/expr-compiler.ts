import { EddyError, assertNever, internalError } from '../common/errors.js';
import { decimalParams, isDecimal, isInteger, type Row, type SqlType, type Value } from '../common/types.js';
import { bigintAdd, bigintDiv, bigintMod, bigintMul, bigintNeg, bigintSub, canonical } from '../common/exact.js';
import { promoteNumeric } from '../planner/type-rules.js';
import { decimalBinary, toDoubleOf, upscaler } from './decimal-ops.js';
import type { ObjectLayout } from '../common/object-layout.js';
import type { BoundExpr } from '../planner/bound.js';
import { castFunction } from './cast.js';
import { udfInvoker } from './udf-call.js';
import { isCollection, valuesEqual } from '../common/collection-types.js';
import { SCALAR_FUNCTIONS, SPECIALIZE, divisionByZero } from './functions.js';
import { compareStrings } from './time-format.js';

/**
 * The expression code generator. Expressions compile once to straight-line JS (`new Function`):
 * every sub-expression assigns one local, NULL checks are explicit, and AND/OR/CASE/COALESCE
 * evaluate lazily in nested blocks. Literals, regexes, sets and helper functions are never spliced
 * into the source text: they are bound as constants `k0, k1 ...` of an outer factory function,
 * so the per-row function captures them once and allocates nothing per call.
 *
 * SQL semantics: NULL in arithmetic/comparison gives NULL; AND/OR are three-valued; INT/BIGINT
 * division truncates toward zero and division (or MOD) by zero raises QUERY_FAILED, as in Flink;
 * DOUBLE division follows IEEE (1.0/0 = Infinity). Strings compare by code point.
 *
 * Exact numbers (exact.ts): BIGINT + - * / % handle two numbers with a safe result inline and
 * call a BigInt helper (wrapping at 64 bits, as Flink's long) otherwise; DECIMAL arithmetic calls
 * the helper chosen for its types (decimal-ops.ts). Operands of different numeric types are
 * brought to a common representation first (`coerce`): a DECIMAL to the other side's scale, a
 * DECIMAL or BIGINT to a double next to a DOUBLE.
 */
export class CodeGen {
  /** Reads the row from `r` as a row array, or (given a layout) as an inserted object (see ObjectLayout). */
  constructor(private readonly layout: ObjectLayout | null = null) {}

  private readonly constNames: string[] = [];
  private readonly constValues: unknown[] = [];
  private lines: string[] = [];
  private readonly locals: string[] = [];
  private usesWatermark = false;

  /** Binds `value` as a constant of the generated function; returns its name. */
  constant(value: unknown): string {
    const name = `k${this.constNames.length}`;
    this.constNames.push(name);
    this.constValues.push(value);
    return name;
  }

  /** A fresh local variable name. */
  fresh(): string {
    const name = `v${this.locals.length}`;
    this.locals.push(name);
    return name;
  }

  push(line: string): void {
    this.lines.push(line);
  }

  /** Emits code computing `e` (reading the row from `r`); returns a side-effect-free JS expression for its value. */
  expr(e: BoundExpr): string {
    switch (e.kind) {
      case 'literal':
        return e.value === null ? 'null' : this.constant(e.value);
      case 'inputRef':
        if (!Number.isInteger(e.index) || e.index < 0) throw internalError(`bad input index ${e.index}`);
        return this.layout === null ? `r[${e.index}]` : this.input(e.index);
      case 'binary':
        return this.binary(e);
      case 'unary': {
        const a = this.expr(e.operand);
        const v = this.fresh();
        if (e.op === 'NOT') this.push(`${v} = ${a} === null ? null : !${a};`);
        else if (e.type === 'BIGINT') this.push(`${v} = ${a} === null ? null : typeof ${a} === 'number' ? 0 - ${a} : ${this.constant(bigintNeg)}(${a});`);
        else if (isDecimal(e.type)) this.push(`${v} = ${a} === null ? null : typeof ${a} === 'number' ? 0 - ${a} : -${a};`);
        else this.push(`${v} = ${a} === null ? null : 0 - ${a};`);
        return v;
      }
      case 'isNull': {
        const a = this.expr(e.operand);
        const v = this.fresh();
        this.push(`${v} = ${a} ${e.negated ? '!==' : '==='} null;`);
        return v;
      }
      case 'between':
        return this.between(e);
      case 'in':
        return this.in(e);
      case 'like':
        return this.like(e);
      case 'case':
        return this.caseWhen(e);
      case 'cast': {
        const a = this.expr(e.operand);
        const fn = castFunction(e.operand.type, e.type);
        if (fn === null) return a;
        const k = this.constant(fn);
        const v = this.fresh();
        this.push(`${v} = ${a} === null ? null : ${k}(${a});`);
        return v;
      }
      case 'call':
        return this.call(e);
      default:
        return assertNever(e, 'bound expression');
    }
  }

  /** A column of an object row, read once into a local (a property read is not free, and `?? null` must not repeat). */
  private input(index: number): string {
    const v = this.fresh();
    this.push(`${v} = ${this.layout!.access(index, 'r')};`);
    return v;
  }

  /**
   * `code` (a value of type `from`) in the representation of type `to` for arithmetic, comparison
   * or a CASE/COALESCE branch: integers and DECIMALs upscaled to a DECIMAL's scale, DECIMAL and
   * BIGINT converted to a double for FLOAT/DOUBLE; other pairs share a representation.
   */
  coerce(code: string, from: SqlType, to: SqlType): string {
    if (from === to || from === 'NULL') return code;
    if (to === 'DOUBLE' || to === 'FLOAT') {
      const f = toDoubleOf(from);
      if (f === null) return code;
      if (from === 'BIGINT') return `(typeof ${code} === 'bigint' ? Number(${code}) : ${code})`;
      return `(${code} === null ? null : ${this.constant(f)}(${code}))`;
    }
    if (isDecimal(to) && (isDecimal(from) || isInteger(from))) {
      const f = upscaler(from, decimalParams(to)!.scale);
      return f === null ? code : `(${code} === null ? null : ${this.constant(f)}(${code}))`;
    }
    return code;
  }

  /** The common representation two compared operands are brought to (see coerce); undefined when they share one already. */
  private compareType(l: SqlType, r: SqlType): SqlType | undefined {
    if (l === r) return undefined;
    const exact = (t: SqlType): boolean => t === 'BIGINT' || isDecimal(t);
    if (!exact(l) && !exact(r)) return undefined;
    if (l === 'NULL' || r === 'NULL' || l === 'VARCHAR' || r === 'VARCHAR' || l === 'TIMESTAMP' || r === 'TIMESTAMP') return undefined;
    return promoteNumeric(l, r);
  }

  private binary(e: Extract<BoundExpr, { kind: 'binary' }>): string {
    if (e.op === 'AND' || e.op === 'OR') return this.andOr(e.op, e.left, e.right);
    let a = this.expr(e.left);
    let b = this.expr(e.right);
    const v = this.fresh();
    const nullCheck = `${a} === null || ${b} === null`;
    const lt = e.left.type;
    const rt = e.right.type;
    const intOperands = isInteger(lt) && isInteger(rt);
    const strings = lt === 'VARCHAR' || rt === 'VARCHAR';
    const arithmetic = e.op === '+' || e.op === '-' || e.op === '*' || e.op === '/' || e.op === '%';
    if (arithmetic && isDecimal(e.type)) {
      const f = this.constant(decimalBinary(e.op as '+' | '-' | '*' | '/' | '%', lt, rt, e.type));
      this.push(`${v} = ${nullCheck} ? null : ${f}(${a}, ${b});`);
      return v;
    }
    if (arithmetic && e.type === 'BIGINT') return this.bigintArithmetic(e.op as '+' | '-' | '*' | '/' | '%', a, b, v);
    if (arithmetic && (e.type === 'DOUBLE' || e.type === 'FLOAT')) {
      a = this.coerce(a, lt, 'DOUBLE');
      b = this.coerce(b, rt, 'DOUBLE');
    }
    const common = arithmetic ? undefined : this.compareType(lt, rt);
    if (common !== undefined) {
      a = this.coerce(a, lt, common);
      b = this.coerce(b, rt, common);
    }
    switch (e.op) {
      case '+':
      case '-':
      case '*':
        this.push(`${v} = ${nullCheck} ? null : ${a} ${e.op} ${b};`);
        break;
      case '/':
      case '%':
        if (intOperands) {
          const dz = this.constant(divisionByZero);
          const res = e.op === '/' ? `Math.trunc(${a} / ${b}) + 0` : `(${a} % ${b}) + 0`;
          this.push(`if (${nullCheck}) ${v} = null; else { if (${b} === 0) throw ${dz}(); ${v} = ${res}; }`);
        } else {
          this.push(`${v} = ${nullCheck} ? null : ${a} ${e.op} ${b};`);
        }
        break;
      case '||': {
        const sa = this.asString(e.left, a);
        const sb = this.asString(e.right, b);
        this.push(`${v} = ${nullCheck} ? null : ${sa} + ${sb};`);
        break;
      }
      case '=':
      case '<>': {
        // Collections compare deeply (src/common/collection-types.ts valuesEqual).
        const deep = isCollection(e.left.type) || isCollection(e.right.type);
        const eq = deep ? `${this.constant(valuesEqual)}(${a}, ${b})` : `${a} === ${b}`;
        this.push(`${v} = ${nullCheck} ? null : ${e.op === '=' ? eq : `!(${eq})`};`);
        break;
      }
      case '<':
      case '<=':
      case '>':
      case '>=':
        this.push(`${v} = ${nullCheck} ? null : ${this.compare(strings, a, b, e.op)};`);
        break;
      default:
        return assertNever(e.op, 'binary operator');
    }
    return v;
  }

  /** BIGINT a op b: two numbers with a safe result inline, else the BigInt helper (64-bit wrap). */
  private bigintArithmetic(op: '+' | '-' | '*' | '/' | '%', a: string, b: string, v: string): string {
    const nullCheck = `${a} === null || ${b} === null`;
    const numbers = `typeof ${a} === 'number' && typeof ${b} === 'number'`;
    if (op === '/' || op === '%') {
      const dz = this.constant(divisionByZero);
      const slow = this.constant(op === '/' ? bigintDiv : bigintMod);
      const res = op === '/' ? `Math.trunc(${a} / ${b}) + 0` : `(${a} % ${b}) + 0`;
      this.push(`if (${nullCheck}) ${v} = null; else { if (${b} === 0) throw ${dz}(); ${v} = ${numbers} ? ${res} : ${slow}(${a}, ${b}); }`);
      return v;
    }
    const slow = this.constant(op === '+' ? bigintAdd : op === '-' ? bigintSub : bigintMul);
    this.push(`if (${nullCheck}) ${v} = null; else if (!(${numbers} && Number.isSafeInteger(${v} = ${a} ${op} ${b}))) ${v} = ${slow}(${a}, ${b});`);
    return v;
  }

  private compare(strings: boolean, a: string, b: string, op: string): string {
    if (!strings) return `${a} ${op} ${b}`;
    return `${this.constant(compareStrings)}(${a}, ${b}) ${op} 0`;
  }

  private asString(e: BoundExpr, code: string): string {
    if (e.type === 'VARCHAR' || e.type === 'NULL') return code;
    const fn = castFunction(e.type, 'VARCHAR');
    return fn === null ? code : `${this.constant(fn)}(${code})`;
  }

  private andOr(op: 'AND' | 'OR', left: BoundExpr, right: BoundExpr): string {
    const a = this.expr(left);
    const v = this.fresh();
    const decisive = op === 'AND' ? 'false' : 'true';
    const other = op === 'AND' ? 'true' : 'false';
    this.push(`if (${a} === ${decisive}) ${v} = ${decisive}; else {`);
    const b = this.expr(right);
    this.push(`${v} = ${b} === ${decisive} ? ${decisive} : (${a} === null || ${b} === null) ? null : ${other}; }`);
    return v;
  }

  private between(e: Extract<BoundExpr, { kind: 'between' }>): string {
    const x0 = this.expr(e.operand);
    let lo = this.expr(e.low);
    let hi = this.expr(e.high);
    const strings = e.operand.type === 'VARCHAR';
    let x = x0;
    let xHi = x0;
    const cl = this.compareType(e.operand.type, e.low.type);
    if (cl !== undefined) {
      x = this.coerce(x0, e.operand.type, cl);
      lo = this.coerce(lo, e.low.type, cl);
    }
    const ch = this.compareType(e.operand.type, e.high.type);
    if (ch !== undefined) {
      xHi = this.coerce(x0, e.operand.type, ch);
      hi = this.coerce(hi, e.high.type, ch);
    }
    const c1 = this.fresh();
    const c2 = this.fresh();
    const v = this.fresh();
    this.push(`${c1} = ${x0} === null || ${lo} === null ? null : ${this.compare(strings, x, lo, '>=')};`);
    this.push(`${c2} = ${x0} === null || ${hi} === null ? null : ${this.compare(strings, xHi, hi, '<=')};`);
    this.push(`${v} = ${c1} === false || ${c2} === false ? false : ${c1} === null || ${c2} === null ? null : true;`);
    if (e.negated) this.push(`${v} = ${v} === null ? null : !${v};`);
    return v;
  }

  private in(e: Extract<BoundExpr, { kind: 'in' }>): string {
    const x0 = this.expr(e.operand);
    const v = this.fresh();
    // Mixed exact types (a DECIMAL against integers, a BIGINT against doubles): every item compared in their common type.
    const common = e.list.reduce<SqlType | undefined>((t, i) => (t === undefined ? undefined : this.compareType(t, i.type) ?? t), e.operand.type);
    const mixed = common !== e.operand.type || e.list.some((i) => i.type !== e.operand.type && this.compareType(e.operand.type, i.type) !== undefined);
    if (mixed && common !== undefined) {
      const x = this.fresh();
      this.push(`${x} = ${this.coerce(x0, e.operand.type, common)};`);
      this.push(`if (${x} === null) ${v} = null; else { ${v} = false;`);
      for (const item of e.list) {
        const t = this.coerce(this.expr(item), item.type, common);
        const tv = this.fresh();
        this.push(`${tv} = ${t};`);
        this.push(`if (${v} !== true) { if (${tv} === null) ${v} = null; else if (${tv} === ${x}) ${v} = true; }`);
      }
      this.push('}');
      if (e.negated) this.push(`${v} = ${v} === null ? null : !${v};`);
      return v;
    }
    const x = x0;
    if (e.list.every((i) => i.kind === 'literal')) {
      const values = e.list.map((i) => (i as { value: Value }).value);
      const set = this.constant(new Set(values.filter((x) => x !== null)));
      const miss = values.includes(null) ? 'null' : 'false';
      this.push(`${v} = ${x} === null ? null : ${set}.has(${x}) ? true : ${miss};`);
    } else {
      this.push(`if (${x} === null) ${v} = null; else { ${v} = false;`);
      for (const item of e.list) {
        const t = this.expr(item);
        this.push(`if (${v} !== true) { if (${t} === null) ${v} = null; else if (${t} === ${x}) ${v} = true; }`);
      }
      this.push('}');
    }
    if (e.negated) this.push(`${v} = ${v} === null ? null : !${v};`);
    return v;
  }

  private like(e: Extract<BoundExpr, { kind: 'like' }>): string {
    const s = this.expr(e.operand);
    const v = this.fresh();
    if (e.pattern.kind === 'literal') {
      if (e.pattern.value === null) {
        this.push(`${v} = null;`);
        return v;
      }
      const re = this.constant(likeToRegExp(String(e.pattern.value)));
      this.push(`${v} = ${s} === null ? null : ${re}.test(${s});`);
    } else {
      const p = this.expr(e.pattern);
      const fn = this.constant(likeMatch);
      this.push(`${v} = ${s} === null || ${p} === null ? null : ${fn}(${s}, ${p});`);
    }
    if (e.negated) this.push(`${v} = ${v} === null ? null : !${v};`);
    return v;
  }

  private caseWhen(e: Extract<BoundExpr, { kind: 'case' }>): string {
    const v = this.fresh();
    for (const w of e.whens) {
      const c = this.expr(w.when);
      this.push(`if (${c} === true) {`);
      this.push(`${v} = ${this.coerce(this.expr(w.then), w.then.type, e.type)};`);
      this.push('} else {');
    }
    this.push(`${v} = ${this.coerce(this.expr(e.else), e.else.type, e.type)};`);
    this.push('}'.repeat(e.whens.length));
    return v;
  }

  private call(e: Extract<BoundExpr, { kind: 'call' }>): string {
    const v = this.fresh();
    if (e.fn === 'COALESCE') {
      this.push(`${v} = null;`);
      for (const arg of e.args) {
        this.push(`if (${v} === null) {`);
        this.push(`${v} = ${this.coerce(this.expr(arg), arg.type, e.type)}; }`);
      }
      return v;
    }
    if (e.fn === 'CURRENT_WATERMARK') {
      // The watermark before this row (parameter `w`); -Infinity or absent means none yet: NULL.
      this.usesWatermark = true;
      this.push(`${v} = typeof w === 'number' && w !== -Infinity ? w : null;`);
      return v;
    }
    if (e.udf) {
      // The row goes in too, so a failure can name it.
      const args = e.args.map((a) => this.expr(a));
      this.push(`${v} = ${this.constant(udfInvoker(e.udf, e.args.map((a) => a.type)))}(r, ${args.join(', ')});`);
      return v;
    }
    const generic = SCALAR_FUNCTIONS[e.fn];
    if (generic === undefined) throw new EddyError('UNKNOWN_FUNCTION', `unknown function ${e.fn}`);
    const fn = SPECIALIZE[e.fn]?.(e.args.map((a) => (a.kind === 'literal' ? a.value : undefined))) ?? generic;
    const exact = e.args.some((a) => a.type === 'BIGINT' || isDecimal(a.type));
    if (!exact) {
      const args = e.args.map((a) => this.expr(a));
      this.push(`${v} = ${this.constant(fn)}(${args.join(', ')});`);
      return v;
    }
    if (e.fn === 'ABS' && (e.type === 'BIGINT' || isDecimal(e.type))) {
      const a = this.expr(e.args[0]!);
      const neg = e.type === 'BIGINT' ? `${this.constant(bigintNeg)}(${a})` : `-${a}`;
      this.push(`${v} = ${a} === null ? null : typeof ${a} === 'number' ? Math.abs(${a}) : ${a} < 0 ? ${neg} : ${a};`);
      return v;
    }
    // Other functions compute in doubles: BIGINT beyond 2^53 and DECIMAL arguments become doubles
    // (the planner admits DECIMAL only where the result is a DOUBLE), and a BIGINT result is made exact again.
    const args = e.args.map((a) => this.coerce(this.expr(a), a.type, 'DOUBLE'));
    this.push(`${v} = ${this.constant(fn)}(${args.join(', ')});`);
    if (e.type === 'BIGINT') this.push(`if (typeof ${v} === 'number' && !Number.isSafeInteger(${v}) && Number.isFinite(${v})) ${v} = ${this.constant(canonical)}(BigInt(${v}));`);
    return v;
  }

  /** Builds `function(params) { <emitted code> <tail> }`; `tail` usually returns. Without a `w` parameter, CURRENT_WATERMARK is NULL. */
  build<F>(params: readonly string[], tail: string): F {
    const noWm = this.usesWatermark && !params.includes('w') ? 'const w = undefined;\n' : '';
    const decl = noWm + (this.locals.length ? `let ${this.locals.join(', ')};\n` : '');
    const body = `"use strict";\nreturn function compiled(${params.join(', ')}) {\n${decl}${this.lines.join('\n')}\n${tail}\n};`;
    try {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      return new Function(...this.constNames, body)(...this.constValues) as F;
    } catch (err) {
      throw internalError(`generated code does not compile: ${(err as Error).message}\n${body}`);
    }
  }
}

/**
 * Compiles an expression once to a function of a row and the watermark before it (`wm`, epoch ms;
 * -Infinity or omitted when there is none, which CURRENT_WATERMARK returns as NULL). With a
 * layout, the function takes an inserted object of that layout instead of a row array.
 */
export function compileExpr(e: BoundExpr, layout: ObjectLayout | null = null): (row: Row, wm?: number) => Value {
  const g = new CodeGen(layout);
  const v = g.expr(e);
  return g.build(['r', 'w'], `return ${v};`);
}

/** Compiles a predicate: true only when the expression is TRUE (NULL and FALSE reject). `wm` as in compileExpr. */
export function compilePredicate(e: BoundExpr, layout: ObjectLayout | null = null): (row: Row, wm?: number) => boolean {
  const g = new CodeGen(layout);
  const v = g.expr(e);
  return g.build(['r', 'w'], `return ${v} === true;`);
}

/** Compiles several expressions into ONE function building the output row array. `wm` as in compileExpr. */
export function compileRowBuilder(exprs: readonly BoundExpr[], layout: ObjectLayout | null = null): (row: Row, wm?: number) => Row {
  const g = new CodeGen(layout);
  const vs = exprs.map((e) => g.expr(e));
  return g.build(['r', 'w'], `return [${vs.join(', ')}];`);
}

/**
 * A WHERE over a whole batch as one generated loop with the predicate inlined (each operator its
 * own loop, so nothing in it is shared, and polymorphic, across queries): the rows (row arrays, or
 * objects of `layout`) whose predicate is TRUE, given each row's watermark (`wms[i]`, -Infinity
 * without), with their watermarks; null when every row passes.
 */
export function compileFilterLoop(e: BoundExpr, layout: ObjectLayout | null = null): <R>(rows: readonly R[], wms: Float64Array | null) => { rows: R[]; wm: Float64Array | null } | null {
  const g = new CodeGen(layout);
  g.push('const n = rows.length;');
  g.push('const out = [];');
  g.push('const outWm = wms === null ? null : new Float64Array(n);');
  g.push('for (let i = 0; i < n; i++) {');
  g.push('const r = rows[i];');
  g.push('w = wms === null ? -Infinity : wms[i];');
  const v = g.expr(e);
  g.push(`if (${v} === true) {`);
  g.push('if (outWm !== null) outWm[out.length] = w;');
  g.push('out.push(r);');
  g.push('}');
  g.push('}');
  return g.build(['rows', 'wms', 'w'], 'return out.length === n ? null : { rows: out, wm: outWm === null ? null : outWm.subarray(0, out.length) };');
}

/**
 * A SELECT list over a whole batch as one generated loop building every output row (the
 * expressions inlined; see compileFilterLoop): rows are row arrays, or objects of `layout`.
 */
export function compileProjectLoop(exprs: readonly BoundExpr[], layout: ObjectLayout | null = null): (rows: readonly unknown[], wms: Float64Array | null) => Row[] {
  const g = new CodeGen(layout);
  g.push('const n = rows.length;');
  g.push('const out = new Array(n);');
  g.push('for (let i = 0; i < n; i++) {');
  g.push('const r = rows[i];');
  g.push('w = wms === null ? -Infinity : wms[i];');
  const vs = exprs.map((x) => g.expr(x));
  g.push(`out[i] = [${vs.join(', ')}];`);
  g.push('}');
  return g.build(['rows', 'wms', 'w'], 'return out;');
}

/**
 * Compiles DESIGN.md §3 rule 1 over a batch into one loop (computeWatermarks with the watermark
 * expression inlined): writes the watermark before row i to `wm[i]` and returns the watermark after
 * the batch; NULL (or non-numeric) values do not advance it. Rows are row arrays, or objects of `layout`.
 */
export function compileWatermarkLoop(e: BoundExpr, layout: ObjectLayout | null = null): (rows: readonly unknown[], current: number, wm: Float64Array) => number {
  const g = new CodeGen(layout);
  g.push('let hi = current;');
  g.push('for (let i = 0; i < rows.length; i++) {');
  g.push('wm[i] = hi;');
  g.push('const r = rows[i];');
  const v = g.expr(e);
  g.push(`if (typeof ${v} === 'number' && ${v} > hi) hi = ${v};`);
  g.push('}');
  return g.build(['rows', 'current', 'wm'], 'return hi;');
}

/** Translates a SQL LIKE pattern (% any run, _ one character; no escape) to an anchored RegExp. */
export function likeToRegExp(pattern: string): RegExp {
  let src = '';
  for (const ch of pattern) {
    if (ch === '%') src += '.*';
    else if (ch === '_') src += '.';
    else src += ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  }
  // `s`: % and _ match newlines too; `u`: _ matches one code point, not one UTF-16 unit.
  return new RegExp(`^${src}$`, 'su');
}

const likeCache = new Map<string, RegExp>();

/** LIKE with a pattern only known per row; the regexes of recent patterns are cached. */
function likeMatch(s: string, pattern: string): boolean {
  let re = likeCache.get(pattern);
  if (re === undefined) {
    if (likeCache.size > 1000) likeCache.clear();
    re = likeToRegExp(pattern);
    likeCache.set(pattern, re);
  }
  return re.test(s);
}
