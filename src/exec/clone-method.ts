/**
 * A copy of a hot method with its own type feedback. V8 optimizes a function for the call targets
 * and shapes it has seen: one per-row loop shared by every query of a process sees every query's
 * compiled key, time and update functions and window assigners, and stops inlining them once
 * there are more than four (megamorphic). A copy made per operator and row form sees one of each.
 * The copy is recompiled from the method's source outside its module, so the method may use only
 * its parameters, `this` and globals (tests run every copied loop).
 */
export function cloneMethod<F extends (...args: never[]) => unknown>(method: F): F {
  const src = method.toString();
  // A class method's source is `name(params) { ... }`; make it a function expression.
  const fn = src.startsWith('function') ? src : `function ${src}`;
  return new Function(`"use strict";\nreturn ${fn};`)() as F;
}
