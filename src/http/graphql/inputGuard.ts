import { GraphQLError, Kind, visit, type DocumentNode, type ExecutionResult, type ValueNode } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { AppError, describeProblems, type FieldProblem } from '../../domain/errors.ts';
import { LIMITS } from '../../domain/order/validation.ts';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../../domain/text.ts';
import { toGraphQLError } from './errors.ts';
import { MAX_BULK_ITEMS } from '../../application/orders/bulk.ts';

/**
 * No list argument of the schema takes more items than this (bulk items, line items). A longer
 * one is refused as one problem before GraphQL coerces its items: coercing 30,000 empty line
 * items took seconds and answered 7 MB of errors, two per item.
 */
export const MAX_INPUT_LIST_ITEMS = Math.max(MAX_BULK_ITEMS, LIMITS.maxLineItems);
const TOO_MANY_ITEMS = `must list at most ${MAX_INPUT_LIST_ITEMS} items`;

/** Where a document's arguments hold input: its literals' problems, and which variables feed which argument paths. */
interface TextPlan {
  readonly literalProblems: readonly FieldProblem[];
  readonly variableUses: readonly { readonly name: string; readonly path: string }[];
}

const NONE: FieldProblem[] = [];

/** Parsed documents are cached and reused by yoga's parser cache, so each is walked once. */
const plans = new WeakMap<DocumentNode, TextPlan>();

/**
 * What an operation's arguments receive, written in the document or passed as a variable, that
 * no field accepts: a string PostgreSQL could not store (NUL, an unpaired surrogate), a list
 * longer than {@link MAX_INPUT_LIST_ITEMS}. Each named by its argument path (`input.notes`,
 * `filter.search`, `reference`). One check for every field of the schema, those to come
 * included, instead of one per resolver: without it such text reached a query
 * (INTERNAL_SERVER_ERROR) or the event store (a refused append).
 */
export function inputProblems(document: DocumentNode, variables: unknown): readonly FieldProblem[] {
  let plan = plans.get(document);
  if (!plan) plans.set(document, (plan = planOf(document)));
  // The common case, on every request: nothing to look at, nothing allocated.
  if (plan.variableUses.length === 0 && plan.literalProblems.length === 0) return NONE;
  const problems = [...plan.literalProblems];
  if (plan.variableUses.length > 0 && typeof variables === 'object' && variables !== null) {
    for (const use of plan.variableUses)
      checkValue((variables as Record<string, unknown>)[use.name], use.path, problems);
  }
  return problems;
}

/** The BAD_USER_INPUT result for those problems, as a resolver's AppError would show. */
export function inputProblemsResult(problems: readonly FieldProblem[]): ExecutionResult {
  return {
    errors: [toGraphQLError(new AppError('BAD_USER_INPUT', describeProblems('input', problems), { fields: problems }))],
  };
}

/** The check before any resolver runs, for operations yoga executes (HTTP, SSE; WebSocket queries and mutations). */
export function inputGuard(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const problems = inputProblems(args.document as DocumentNode, args.variableValues);
      if (problems.length > 0) setResultAndStopExecution(inputProblemsResult(problems));
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const problems = inputProblems(args.document as DocumentNode, args.variableValues);
      if (problems.length > 0) setResultAndStopExecution(inputProblemsResult(problems));
    },
  };
}

/**
 * Variables GraphQL could not coerce (an unknown enum value such as `technique: "VINYL"`, text for
 * an Int) are the caller's bad input: each such error gets `BAD_USER_INPUT`, as a resolver's
 * refusal would. graphql-js answers them before any resolver runs, one error per variable and
 * no `data`, and without a code, so a client could not tell them from a server fault.
 */
export function variableErrorsAsBadInput(result: ExecutionResult): ExecutionResult {
  if (result.data !== undefined || !result.errors?.length) return result;
  return {
    ...result,
    errors: result.errors.map((error) =>
      // graphql-jit's errors may come without `extensions`.
      (error.extensions as GraphQLError['extensions'] | undefined)?.code !== undefined
        ? error
        : new GraphQLError(error.message, {
            ...(error.nodes ? { nodes: error.nodes } : {}),
            ...(error.originalError ? { originalError: error.originalError } : {}),
            extensions: { ...error.extensions, code: 'BAD_USER_INPUT' },
          }),
    ),
  };
}

/** {@link variableErrorsAsBadInput} for the operations yoga executes (the fast path calls it itself). */
export function variableErrorsGuard(): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (!isAsyncIterable(result)) setResult(variableErrorsAsBadInput(result));
        },
      };
    },
  };
}

function planOf(document: DocumentNode): TextPlan {
  const literalProblems: FieldProblem[] = [];
  const variableUses: { name: string; path: string }[] = [];
  const walk = (node: ValueNode, path: string): void => {
    switch (node.kind) {
      case Kind.STRING:
        if (!isStorableText(node.value)) literalProblems.push({ path, message: UNSTORABLE_TEXT_MESSAGE });
        return;
      case Kind.VARIABLE:
        variableUses.push({ name: node.name.value, path });
        return;
      case Kind.LIST:
        if (node.values.length > MAX_INPUT_LIST_ITEMS) literalProblems.push({ path, message: TOO_MANY_ITEMS });
        else node.values.forEach((item, index) => walk(item, `${path}[${index}]`));
        return;
      case Kind.OBJECT:
        for (const field of node.fields) walk(field.value, `${path}.${field.name.value}`);
        return;
      case Kind.INT:
      case Kind.FLOAT:
      case Kind.BOOLEAN:
      case Kind.NULL:
      case Kind.ENUM:
        return;
    }
  };
  visit(document, {
    VariableDefinition(node) {
      if (node.defaultValue) walk(node.defaultValue, `$${node.variable.name.value}`);
      return false;
    },
    Argument(node) {
      walk(node.value, node.name.value);
      return false;
    },
  });
  return { literalProblems, variableUses };
}

/** A variable's value as the client sent it: strings anywhere in it, object keys (JSON scalars), list lengths. */
function checkValue(value: unknown, path: string, problems: FieldProblem[]): void {
  if (typeof value === 'string') {
    if (!isStorableText(value)) problems.push({ path, message: UNSTORABLE_TEXT_MESSAGE });
  } else if (Array.isArray(value)) {
    if (value.length > MAX_INPUT_LIST_ITEMS) problems.push({ path, message: TOO_MANY_ITEMS });
    else value.forEach((item, index) => checkValue(item, `${path}[${index}]`, problems));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (!isStorableText(key)) problems.push({ path, message: `has a field name that ${UNSTORABLE_TEXT_MESSAGE}` });
      else checkValue(inner, `${path}.${key}`, problems);
    }
  }
}
