import { assertNever } from '../common/errors.js';
import type { AggCall, BoundExpr } from './bound.js';

/** `e` with every input reference i replaced by `to(i)` (names and types kept). */
export function mapRefs(e: BoundExpr, to: (index: number) => number): BoundExpr {
  const m = (x: BoundExpr): BoundExpr => mapRefs(x, to);
  switch (e.kind) {
    case 'literal':
      return e;
    case 'inputRef':
      return { ...e, index: to(e.index) };
    case 'binary':
      return { ...e, left: m(e.left), right: m(e.right) };
    case 'unary':
    case 'isNull':
    case 'cast':
      return { ...e, operand: m(e.operand) } as BoundExpr;
    case 'between':
      return { ...e, operand: m(e.operand), low: m(e.low), high: m(e.high) };
    case 'in':
      return { ...e, operand: m(e.operand), list: e.list.map(m) };
    case 'like':
      return { ...e, operand: m(e.operand), pattern: m(e.pattern) };
    case 'case':
      return { ...e, whens: e.whens.map((w) => ({ when: m(w.when), then: m(w.then) })), else: m(e.else) };
    case 'call':
      return { ...e, args: e.args.map(m) };
    default:
      return assertNever(e, 'bound expression');
  }
}

/** The aggregate with the references of its argument, extra arguments and filter replaced by `to(i)`. */
export function mapAggRefs(a: AggCall, to: (index: number) => number): AggCall {
  return {
    ...a,
    ...(a.arg ? { arg: mapRefs(a.arg, to) } : {}),
    ...(a.args ? { args: a.args.map((x) => mapRefs(x, to)) } : {}),
    ...(a.filter ? { filter: mapRefs(a.filter, to) } : {}),
  };
}

/** The input columns an aggregate reads (argument, extra arguments, filter). */
export function aggRefs(a: AggCall, out: number[] = []): number[] {
  const visit = (e: BoundExpr | undefined): void => {
    if (e) refsOf(e, out);
  };
  visit(a.arg);
  a.args?.forEach(visit);
  visit(a.filter);
  return out;
}

/** The input references of an expression, appended to `out`. */
export function refsOf(e: BoundExpr, out: number[] = []): number[] {
  switch (e.kind) {
    case 'literal':
      return out;
    case 'inputRef':
      out.push(e.index);
      return out;
    case 'binary':
      refsOf(e.left, out);
      return refsOf(e.right, out);
    case 'unary':
    case 'isNull':
    case 'cast':
      return refsOf(e.operand, out);
    case 'between':
      [e.operand, e.low, e.high].forEach((x) => refsOf(x, out));
      return out;
    case 'in':
      [e.operand, ...e.list].forEach((x) => refsOf(x, out));
      return out;
    case 'like':
      refsOf(e.operand, out);
      return refsOf(e.pattern, out);
    case 'case':
      e.whens.forEach((w) => (refsOf(w.when, out), refsOf(w.then, out)));
      return refsOf(e.else, out);
    case 'call':
      e.args.forEach((x) => refsOf(x, out));
      return out;
    default:
      return assertNever(e, 'bound expression');
  }
}
