import type { StateChunk } from '../../common/state-chunk.js';
import { EddyError, internalError } from '../../common/errors.js';
import type { PhysicalPlan } from '../../planner/plan.js';
import { walkPlan } from '../../planner/plan-walk.js';
import type { Batch, Output } from '../batch.js';
import { Operator, type CommitHooks } from '../operator.js';
import { SourceOperator } from '../operators/source.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import { InputGate, type GateState } from './input-gate.js';

/** One node of a running graph: its plan node, operator, and the gate its inputs arrive at. */
export interface GraphNode {
  readonly plan: PhysicalPlan;
  readonly operator: Operator;
  readonly gate: InputGate;
  /** The nodes this node reads, in input order. */
  readonly inputs: GraphNode[];
  /** The nodes reading this node's output. */
  readonly consumers: GraphNode[];
}

/** What a node saves in a checkpoint: its operator's state and, with several inputs, its gate's. */
interface NodeState {
  readonly state: unknown;
  readonly inputs?: GateState;
}

/** A graph's part of one checkpoint, complete once the barrier has reached every sink. */
export interface GraphSnapshot {
  /** Non-keyed state by node uid. */
  readonly states: Readonly<Record<string, unknown>>;
  /** Resolves to the keyed-state chunks of every operator (the key groups changed since the last checkpoint). */
  readonly chunks: Promise<StateChunk[]>;
  /** The sinks' commit hooks. */
  readonly hooks: readonly CommitHooks[];
}

/** One checkpoint being taken: what the nodes the barrier passed have saved. */
class Collecting {
  readonly states: Record<string, unknown> = {};
  /** Nodes already snapshotted. */
  readonly taken = new Set<GraphNode>();
  readonly chunks: (StateChunk[] | Promise<StateChunk[]>)[] = [];
  readonly hooks: CommitHooks[] = [];
  sinksLeft: number;
  constructor(
    readonly full: boolean,
    sinks: number,
    readonly resolve: (s: GraphSnapshot) => void,
  ) {
    this.sinksLeft = sinks;
  }
  result(): GraphSnapshot {
    return { states: this.states, chunks: Promise.all(this.chunks).then((cs) => cs.flat()), hooks: this.hooks };
  }
}

/** Creates the operator of a plan node (the graph connects it). */
export type OperatorFactory = (node: PhysicalPlan) => Operator;

/**
 * A physical plan instantiated: one operator per node, every edge a direct call at parallelism 1
 * (an output read by several nodes fans out), an input gate per node (input-gate.ts). Checkpoints
 * travel as barriers: the driver injects one into each source (injectBarrier), every operator is
 * snapshotted when the barrier has arrived on all its inputs, and the checkpoint's graph part is
 * complete when every sink has it (beginCheckpoint's promise).
 */
export class Graph {
  readonly nodes: readonly GraphNode[];
  readonly sources: readonly SourceOperator[];
  /** Nodes nobody reads: the sink(s). */
  readonly sinks: readonly GraphNode[];
  private readonly byOperator = new Map<Operator, GraphNode>();
  /** The operators that may work asynchronously (override asyncWork), inputs first. */
  private readonly asyncOperators: readonly Operator[];
  private readonly checkpoints = new Map<number, Collecting>();

  constructor(
    root: PhysicalPlan,
    create: OperatorFactory,
    private readonly backend: KeyedStateBackend,
  ) {
    const nodes: GraphNode[] = [];
    const byPlan = new Map<PhysicalPlan, GraphNode>();
    for (const plan of walkPlan(root)) {
      const operator = create(plan);
      const inputs = plan.inputs.map((e) => byPlan.get(e.node)!);
      const node: GraphNode = { plan, operator, gate: new InputGate(operator, plan.inputs.length, (id) => this.snapshotNode(node, id), plan.inputs.every((e) => e.node.watermarked)), inputs, consumers: [] };
      byPlan.set(plan, node);
      this.byOperator.set(operator, node);
      nodes.push(node);
      for (const i of new Set(inputs)) i.consumers.push(node);
    }
    for (const node of nodes) node.operator.connect(this.outputOf(node, byPlan));
    this.nodes = nodes;
    this.sources = nodes.map((n) => n.operator).filter((o): o is SourceOperator => o instanceof SourceOperator);
    this.sinks = nodes.filter((n) => n.consumers.length === 0);
    this.asyncOperators = nodes.map((n) => n.operator).filter((o) => o.asyncWork !== Operator.prototype.asyncWork);
    // A source reads inserted objects as they are only when every node it feeds reads them.
    for (const n of nodes) if (n.operator instanceof SourceOperator) n.operator.readObjects = n.consumers.every((c) => c.operator.readsObjects);
  }

  /** Where a node's output goes: the input gate of each consumer, at the input index of the edge. */
  private outputOf(node: GraphNode, byPlan: Map<PhysicalPlan, GraphNode>): Output {
    const targets: Output[] = [];
    for (const c of node.consumers) {
      c.plan.inputs.forEach((edge, i) => {
        if (byPlan.get(edge.node) === node) targets.push(c.gate.input(i));
      });
    }
    if (targets.length === 1) return targets[0]!;
    if (targets.length === 0) return DISCARD;
    return {
      data: (b: Batch) => targets.forEach((t) => t.data(b)),
      watermark: (w) => targets.forEach((t) => t.watermark(w)),
      idle: (x) => targets.forEach((t) => t.idle(x)),
      barrier: (id) => targets.forEach((t) => t.barrier(id)),
      end: () => targets.forEach((t) => t.end()),
    };
  }

  /** The operators, inputs before consumers. */
  get operators(): readonly Operator[] {
    return this.nodes.map((n) => n.operator);
  }

  /** The node of an operator. */
  nodeOf(op: Operator): GraphNode {
    const n = this.byOperator.get(op);
    if (!n) throw internalError(`operator ${op.uid} is not in the graph`);
    return n;
  }

  /**
   * Starts checkpoint `id`: resolves once every sink has the barrier (the driver injects it at
   * each source). `full` writes every key group, not only those changed since the last checkpoint.
   */
  beginCheckpoint(id: number, full: boolean): Promise<GraphSnapshot> {
    if (this.checkpoints.has(id)) throw internalError(`checkpoint ${id} begun twice`);
    return new Promise((resolve) => this.checkpoints.set(id, new Collecting(full, this.sinks.length, resolve)));
  }

  /** Puts barrier `id` into a source: the source is snapshotted, then the barrier flows downstream with its rows. */
  injectBarrier(source: SourceOperator, id: number): void {
    const node = this.nodeOf(source);
    this.snapshotNode(node, id);
    source.onBarrier(id);
  }

  /**
   * Checkpoint `id` of a graph with nothing in flight (between rounds, or after the end): every
   * node is snapshotted at once, inputs first, as a barrier passing through would.
   */
  snapshotAll(id: number, full: boolean): GraphSnapshot {
    let result: GraphSnapshot | undefined;
    this.checkpoints.set(id, new Collecting(full, this.sinks.length, (s) => (result = s)));
    for (const n of this.nodes) this.snapshotNode(n, id);
    if (!result) throw internalError(`checkpoint ${id} did not reach every sink`);
    return result;
  }

  /**
   * Completes checkpoint `id` with nothing in flight (after the round that carried its barriers):
   * nodes the barrier could not reach, because every input before them had ended, are
   * snapshotted now, inputs first. Nothing to do when every sink already has it.
   */
  completeCheckpoint(id: number): void {
    const c = this.checkpoints.get(id);
    if (!c) return;
    for (const n of this.nodes) if (!c.taken.has(n)) n.gate.forceBarrier(id);
  }

  /** Takes a node's part of checkpoint `id` (its gate calls this once the barrier is aligned). */
  private snapshotNode(node: GraphNode, id: number): void {
    const c = this.checkpoints.get(id);
    if (!c) throw internalError(`barrier ${id} reached ${node.plan.uid} without a checkpoint`);
    if (c.taken.has(node)) throw internalError(`${node.plan.uid} snapshotted twice for checkpoint ${id}`);
    this.capture(node, c);
    if (node.consumers.length === 0 && --c.sinksLeft === 0) {
      // Every sink has the barrier, so a node not yet taken can never get it: each of its paths
      // starts at a source that had ended. Its state is final; it is part of the checkpoint too
      // (an ended source must restore at its end, not read its input again).
      for (const n of this.nodes) if (!c.taken.has(n)) this.capture(n, c);
      this.checkpoints.delete(id);
      c.resolve(c.result());
    }
  }

  private capture(node: GraphNode, c: Collecting): void {
    c.taken.add(node);
    const op = node.operator;
    const gate = node.gate.snapshot();
    const saved: NodeState = { state: op.snapshotState(), ...(gate ? { inputs: gate } : {}) };
    c.states[node.plan.uid] = saved;
    const hooks = op.commitHooks();
    if (hooks) c.hooks.push(hooks);
    c.chunks.push(c.full ? this.backend.snapshotAll(op.uid) : this.backend.freezeChanged(op.uid).drain());
  }

  /**
   * Before the run: the keyed state of a checkpoint into the backend, then every operator's own
   * state (states null: a fresh start, each operator gets undefined), inputs before consumers.
   */
  async restore(states: Readonly<Record<string, unknown>> | null, chunks: readonly StateChunk[]): Promise<void> {
    if (states) this.backend.restore(chunks);
    for (const n of this.nodes) {
      const saved = states?.[n.plan.uid] as NodeState | undefined;
      if (states && saved !== undefined && (saved === null || typeof saved !== 'object' || !('state' in saved))) {
        throw new EddyError('CHECKPOINT', `checkpoint state of ${n.plan.uid} is damaged`, undefined, 'run it with --fresh (or the fresh option) to start over');
      }
      if (saved?.inputs !== undefined) n.gate.restore(saved.inputs);
      await n.operator.restoreState(saved?.state);
    }
  }

  /** Whether any operator may work asynchronously (a lookup join): only then must the driver settle. */
  get hasAsyncWork(): boolean {
    return this.asyncOperators.length > 0;
  }

  /**
   * Waits until no operator has asynchronous work in flight (Operator.asyncWork), inputs first: a
   * finished read pushes rows downstream, where another read may start.
   */
  async settle(): Promise<void> {
    for (;;) {
      let wait: Promise<void> | null = null;
      for (const op of this.asyncOperators) {
        wait = op.asyncWork();
        if (wait !== null) break;
      }
      if (wait === null) return;
      await wait;
    }
  }

  /** Whether no more rows can reach a sink: each sink's input chain is done (a satisfied LIMIT) on every path. */
  get done(): boolean {
    const memo = new Map<GraphNode, boolean>();
    const isDone = (n: GraphNode): boolean => {
      let d = memo.get(n);
      if (d === undefined) {
        d = n.operator.done || (n.inputs.length > 0 && n.inputs.every(isDone));
        memo.set(n, d);
      }
      return d;
    };
    return this.sinks.every(isDone);
  }
}

const DISCARD: Output = { data: () => {}, watermark: () => {}, idle: () => {}, barrier: () => {}, end: () => {} };
