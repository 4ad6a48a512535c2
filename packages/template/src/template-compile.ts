import { type Arg, type Command, commandText, type Node, parseTemplate, TemplateError, templateText } from './template-parse.js';
import type { ExprType } from '@chaindns/core/expr';
import { printValue as printExprValue } from '@chaindns/core/expr';
import type { QueryData } from './query-data.js';
import { parseUint } from './parse-uint.js';

/**
 * The Go type of what an expression yields, known when the Corefile loads:
 * fields, methods and arguments are checked then, so a template that would
 * fail on every query is refused with the Corefile's file:line instead.
 */
type GoType =
  | { readonly k: 'string' }
  | { readonly k: 'any'; readonly go: string }
  | { readonly k: 'int'; readonly go: string }
  | { readonly k: 'bool' }
  | { readonly k: 'slice'; readonly go: string; readonly elem: GoType }
  | { readonly k: 'map'; readonly go: string; readonly elem: GoType }
  | { readonly k: 'struct'; readonly go: string; readonly fields: Readonly<Record<string, GoType>>; readonly methods: Readonly<Record<string, GoType>>; readonly printable: boolean };

const STRING: GoType = { k: 'string' };
const INT: GoType = { k: 'int', go: 'int' };
const UINT16: GoType = { k: 'int', go: 'uint16' };
const UINT64: GoType = { k: 'int', go: 'uint64' };
const BOOL: GoType = { k: 'bool' };
const ANY: GoType = { k: 'any', go: 'interface {}' };
const NO_METHODS: Readonly<Record<string, GoType>> = {};

const MESSAGE: GoType = {
  k: 'struct',
  go: '*dns.Msg',
  printable: false,
  methods: NO_METHODS,
  fields: {
    Id: UINT16,
    Response: BOOL,
    Opcode: INT,
    Authoritative: BOOL,
    Truncated: BOOL,
    RecursionDesired: BOOL,
    RecursionAvailable: BOOL,
    Zero: BOOL,
    AuthenticatedData: BOOL,
    CheckingDisabled: BOOL,
    Rcode: INT,
  },
};
const QUESTION: GoType = { k: 'struct', go: '*dns.Question', printable: true, methods: NO_METHODS, fields: { Name: STRING, Qtype: UINT16, Qclass: UINT16 } };
const DATA: GoType = {
  k: 'struct',
  go: '*template.templateData',
  printable: false,
  methods: { Meta: STRING },
  fields: {
    Zone: STRING,
    Name: STRING,
    Regex: STRING,
    Match: { k: 'slice', go: '[]string', elem: STRING },
    Group: { k: 'map', go: 'map[string]string', elem: STRING },
    Class: STRING,
    Type: STRING,
    Message: MESSAGE,
    Question: QUESTION,
    Remote: STRING,
  },
};

/** A map's missing key: Go prints it as `<no value>`. */
const NO_VALUE: unique symbol = Symbol('no value');
type Value = string | number | bigint | boolean | readonly string[] | ReadonlyMap<string, string> | object | typeof NO_VALUE;

interface Expr {
  readonly type: GoType;
  eval(d: QueryData): Value;
}

const GO_BUILTINS = new Set(['and', 'call', 'html', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'slice', 'urlquery', 'eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/** A template compiled at setup: `render` runs per query and throws a TemplateError (Go's message) when it fails. */
export interface CompiledTemplate {
  /** The section it belongs to: answer, additional or authority. */
  readonly section: string;
  /** As Go's Tree.Root.String(): the `template` label of the failure metrics. */
  readonly text: string;
  /** It reads `.Match` or `.Group` (or the whole data): the regex's submatches are needed. */
  readonly usesCaptures: boolean;
  /** Its text when it has no action: the same record for every query. */
  readonly constant: string | null;
  render(d: QueryData): string;
}

/** How `.Var.NAME` is typed, from the type of its expression. */
const VAR_TYPES: Readonly<Record<ExprType, GoType>> = { string: STRING, number: INT, bool: BOOL, array: ANY, nil: ANY, any: ANY };

/** The data with `.Var` holding the template's variables (Go's `map[string]any`): a field it has not is refused. */
function dataType(vars: ReadonlyMap<string, ExprType>): GoType {
  if (DATA.k !== 'struct') throw new Error('DATA is a struct');
  const fields: Record<string, GoType> = {};
  for (const [name, type] of vars) fields[name] = VAR_TYPES[type];
  return { ...DATA, fields: { ...DATA.fields, Var: { k: 'struct', go: 'map[string]interface {}', printable: true, methods: NO_METHODS, fields } } };
}

/**
 * Parses and checks `source` as a Go template of the subset chaindns runs;
 * throws TemplateError. `vars` are the template's `var`s and their types.
 */
export function compileTemplate(section: string, source: string, vars: ReadonlyMap<string, ExprType> = new Map()): CompiledTemplate {
  const nodes: Node[] = parseTemplate(section, source);
  let usesCaptures = false;
  const fail = (pos: number, message: string): never => {
    throw new TemplateError(`template: ${section}:${location(source, pos)}: ${message}`);
  };
  const compiler: Compiler = {
    data: dataType(vars),
    fail,
    field(path) {
      if (path.length === 0 || path[0] === 'Match' || path[0] === 'Group') usesCaptures = true;
    },
  };
  const parts = nodes.map((n): string | ((d: QueryData) => string) => {
    if (n.kind === 'text') return n.text;
    const expr = compileCommand(n.command, compiler);
    const print = printer(expr.type, n.command, fail);
    return runtimeErrors(section, source, n.command, (d) => print(expr.eval(d)));
  });
  return {
    section,
    text: templateText(nodes),
    usesCaptures,
    constant: nodes.every((n) => n.kind === 'text') ? nodes.map((n) => (n.kind === 'text' ? n.text : '')).join('') : null,
    render(d: QueryData): string {
      let out = '';
      for (const p of parts) out += typeof p === 'string' ? p : p(d);
      return out;
    },
  };
}

interface Compiler {
  /** The data's type: DATA with this template's `.Var`. */
  readonly data: GoType;
  fail(pos: number, message: string): never;
  field(path: readonly string[]): void;
}

/** Wraps an action so a failure reads as Go's: `template: answer:1:26: executing "answer" at <index .Match 2>: ...`. */
function runtimeErrors(section: string, source: string, command: Command, run: (d: QueryData) => string): (d: QueryData) => string {
  return (d) => {
    try {
      return run(d);
    } catch (err) {
      if (!(err instanceof ExecError)) throw err;
      throw new TemplateError(`template: ${section}:${location(source, err.pos ?? command.pos)}: executing "${section}" at <${err.context ?? commandText(command)}>: ${err.message}`);
    }
  };
}

/** A failure while running one command; the action's wrapper adds where. */
class ExecError extends Error {
  constructor(
    message: string,
    readonly pos?: number,
    readonly context?: string,
  ) {
    super(message);
  }
}

function compileCommand(c: Command, cx: Compiler): Expr {
  const [first, ...rest] = c.args;
  if (!first) return cx.fail(c.pos, 'missing value for command');
  if (first.kind === 'func') return compileCall(first.name, first.pos, rest, cx);
  if (first.kind === 'field' && first.path.length > 0) {
    const owner = fieldType(first.path.slice(0, -1), first.pos, cx);
    const name = first.path[first.path.length - 1]!;
    if (owner.k === 'struct' && Object.hasOwn(owner.methods, name)) return compileMethod(first, rest, cx);
  }
  if (rest.length > 0) return cx.fail(first.pos, `can't give argument to non-function ${commandText({ pos: first.pos, args: [first] })}`);
  return compileOperand(first, cx);
}

function compileOperand(a: Arg, cx: Compiler): Expr {
  switch (a.kind) {
    case 'string':
      return { type: STRING, eval: () => a.value };
    case 'number':
      return { type: INT, eval: () => a.value };
    case 'bool':
      return { type: BOOL, eval: () => a.value };
    case 'paren':
      return compileCommand(a.command, cx);
    case 'func':
      return compileCall(a.name, a.pos, [], cx);
    case 'field': {
      cx.field(a.path);
      const type = fieldType(a.path, a.pos, cx);
      const path = a.path;
      return {
        type,
        eval(d) {
          let v: Value = d;
          for (const name of path) v = v instanceof Map ? (v.get(name) ?? NO_VALUE) : ((v as Record<string, Value>)[name] ?? NO_VALUE);
          return v;
        },
      };
    }
  }
}

/** The type at the end of a field chain from the data; a field its type lacks is refused. */
function fieldType(path: readonly string[], pos: number, cx: Compiler): GoType {
  let t: GoType = cx.data;
  for (const name of path) {
    if (t.k === 'map') t = t.elem;
    else if (t.k === 'struct' && Object.hasOwn(t.methods, name)) cx.fail(pos, `wrong number of args for ${name}: want 1 got 0`);
    else if (t.k === 'struct' && Object.hasOwn(t.fields, name)) t = t.fields[name]!;
    else cx.fail(pos, `can't evaluate field ${name} in type ${goName(t)}`);
  }
  return t;
}

/** `.Meta "key"`: the only method the data has. */
function compileMethod(field: Extract<Arg, { kind: 'field' }>, args: readonly Arg[], cx: Compiler): Expr {
  const name = field.path[field.path.length - 1]!;
  if (args.length !== 1) return cx.fail(field.pos, `wrong number of args for ${name}: want 1 got ${args.length}`);
  const key = argOf(args[0]!, STRING, name, cx);
  return { type: STRING, eval: (d) => d.Meta(key.eval(d) as string) };
}

function compileCall(name: string, pos: number, args: readonly Arg[], cx: Compiler): Expr {
  if (name === 'index') return compileIndex(pos, args, cx);
  if (name === 'parseInt') {
    if (args.length !== 3) return cx.fail(pos, `wrong number of args for parseInt: want 3 got ${args.length}`);
    const [s, base, bits] = [argOf(args[0]!, STRING, name, cx), argOf(args[1]!, INT, name, cx), argOf(args[2]!, INT, name, cx)];
    return {
      type: UINT64,
      eval(d) {
        const text = s.eval(d);
        if (text === NO_VALUE) throw new ExecError('invalid value; expected string', args[0]!.pos, commandText({ pos, args: [args[0]!] }));
        try {
          return parseUint(text as string, base.eval(d) as number, bits.eval(d) as number);
        } catch (err) {
          throw new ExecError(`error calling parseInt: ${(err as Error).message}`);
        }
      },
    };
  }
  if (GO_BUILTINS.has(name)) return cx.fail(pos, `function "${name}" is not supported in chaindns templates (only index and parseInt)`);
  return cx.fail(pos, `function "${name}" not defined`);
}

/** `index ITEM KEY...`: an element of `.Match` by number, of `.Group` by name (missing names give ""). */
function compileIndex(pos: number, args: readonly Arg[], cx: Compiler): Expr {
  if (args.length === 0) return cx.fail(pos, 'wrong number of args for index: want at least 1 got 0');
  const item = compileOperandOrCall(args[0]!, cx);
  let type = item.type;
  const steps: { map: boolean; key: Expr }[] = [];
  for (const a of args.slice(1)) {
    if (type.k !== 'slice' && type.k !== 'map') return cx.fail(a.pos, `can't index item of type ${goName(type)}`);
    const key = argOf(a, type.k === 'slice' ? INT : STRING, 'index', cx);
    steps.push({ map: type.k === 'map', key });
    type = type.elem;
  }
  return {
    type,
    eval(d) {
      let v = item.eval(d);
      for (const step of steps) {
        const k = step.key.eval(d);
        if (step.map) {
          v = (v as ReadonlyMap<string, string>).get(k as string) ?? '';
        } else {
          const list = v as readonly string[];
          const i = Number(k);
          if (!(i >= 0 && i < list.length)) throw new ExecError(`error calling index: index out of range: ${String(k)}`);
          v = list[i]!;
        }
      }
      return v;
    },
  };
}

function compileOperandOrCall(a: Arg, cx: Compiler): Expr {
  return a.kind === 'paren' ? compileCommand(a.command, cx) : compileOperand(a, cx);
}

/** An argument that must be of `want`'s kind (a string, or an integer). */
function argOf(a: Arg, want: GoType, fn: string, cx: Compiler): Expr {
  const e = compileOperandOrCall(a, cx);
  if (e.type.k !== want.k || (want.k === 'int' && e.type.k === 'int' && e.type.go !== 'int')) {
    return cx.fail(a.pos, `wrong type for value of ${fn}; expected ${goName(want)}; got ${goName(e.type)}`);
  }
  return e;
}

/** How an action's value is printed, as Go's fmt.Fprint; a value with no text form is refused. */
function printer(type: GoType, c: Command, fail: (pos: number, m: string) => never): (v: Value) => string {
  if (type.k === 'struct' && !type.printable) {
    return fail(c.pos, `printing ${commandText(c)} (${type.go}) is not supported in chaindns templates: use its fields`);
  }
  return printValue;
}

function printValue(v: Value): string {
  if (typeof v === 'string') return v;
  if (v === NO_VALUE) return '<no value>';
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v === null) return printExprValue(v as number | boolean | null);
  if (Array.isArray(v)) return printExprValue(v as readonly string[]);
  if (v instanceof Map) {
    const entries = [...(v as ReadonlyMap<string, Value>)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, x]) => `${k}:${printValue(x)}`).join(' ')}]`;
  }
  return String(v);
}

function goName(t: GoType): string {
  return t.k === 'string' || t.k === 'bool' ? t.k : t.go;
}

/** Go's `line:column` of an offset: the column counts bytes from the line's start (0 on the first line's first byte). */
function location(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const nl = before.lastIndexOf('\n');
  const line = before.split('\n').length;
  return `${line}:${nl < 0 ? pos : pos - nl - 1}`;
}
