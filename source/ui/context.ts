/**
 * A loaded schema as the screens see it: the live download, the working copy with the user's
 * pending edits, a navigation index over the working document, and the problems found so far.
 */
import {type Problem, validateSchema, WorkingCopy} from '../edit/index.js';
import type {Silence} from '../expressions/case-file.js';
import {lintSchema, silenceFor} from '../expressions/lint.js';
import type {SchemaDownload} from '../explorer/services.js';
import {buildSchemaIndex, type SchemaIndex} from '../schema/navigation.js';
import {resolvePointer} from '../schema/pointer.js';
import type {SynchronizationJob} from '../schema/types.js';

/** A problem the server found in an expression; valid while that expression is unchanged. */
export type ServerProblem = Problem & {expression: string};

export type SchemaContext = {
	/**
	 * Which loaded job this is: every version of the context (one per edit) keeps it, so answers that arrive later
	 * find the newest version, and screens are matched by it, not by object identity.
	 */
	jobKey: number;
	download: SchemaDownload;
	working: WorkingCopy;
	index: SchemaIndex;
	/** Grows with every edit or undo, so memoised views know to rebuild. */
	revision: number;
	appName: string;
	job?: SynchronizationJob;
	servicePrincipalId?: string;
	/** Problems by the pointer of the node they concern (attribute or object mapping). */
	problems: ReadonlyMap<string, readonly Problem[]>;
	serverProblems: readonly ServerProblem[];
	/** Function names from …/schema/functions, for completion and validation. */
	functions?: readonly string[];
	filterOperators?: readonly string[];
	/** Text of an $EDITOR edit that did not parse, kept so the user can fix it. */
	draft?: {pointer: string; text: string};
	/** The case file's silences (--cases): those rules stay off the markers and show in the detail with their reason. */
	silence?: readonly Silence[];
	/** Problems a silence turned off, by owner pointer, with the case file's reason. */
	silenced?: ReadonlyMap<string, readonly SilencedProblem[]>;
};

export type SilencedProblem = Problem & {reason: string};

export function createContext(options: {
	jobKey: number;
	download: SchemaDownload;
	appName: string;
	job?: SynchronizationJob;
	servicePrincipalId?: string;
	silence?: readonly Silence[];
}): SchemaContext {
	const working = new WorkingCopy(options.download.schema, {baseVersion: options.download.schema.version});
	return {
		...options,
		working,
		index: buildSchemaIndex(working.document),
		revision: 0,
		...collectProblems({working, serverProblems: [], silence: options.silence}),
	};
}

/** The attribute or object mapping a problem's pointer is inside of, so it can be shown beside it. */
export function ownerPointer(pointer: string): string {
	const mapping = /^(.*?\/attributeMappings\/\d+)(?:\/|$)/.exec(pointer);
	if (mapping) return mapping[1]!;
	const objectMapping = /^(.*?\/objectMappings\/\d+)(?:\/|$)/.exec(pointer);
	return objectMapping ? objectMapping[1]! : pointer;
}

function expressionAt(document: unknown, pointer: string): string | undefined {
	const value = resolvePointer(document, `${ownerPointer(pointer)}/source/expression`);
	return typeof value === 'string' ? value : undefined;
}

/** Problems of the edited nodes: local checks now, plus server findings whose expression is unchanged. */
export function collectProblems(context: Pick<SchemaContext, 'working' | 'functions' | 'serverProblems' | 'silence'>): {
	problems: Map<string, Problem[]>;
	serverProblems: ServerProblem[];
	silenced: Map<string, SilencedProblem[]>;
} {
	const document = context.working.document;
	const edited = [...new Set(context.working.edits.map((edit) => edit.pointer))];
	const local = edited.length > 0 ? validateSchema(document, {only: edited, functions: context.functions ? [...context.functions] : undefined}) : [];
	const serverProblems = context.serverProblems.filter((problem) => expressionAt(document, problem.pointer) === problem.expression);
	// The documented traps (lint rules) stand beside every mapping, edited or not; the checks above lint edited ones too.
	const seen = new Set(local.map((problem) => `${problem.pointer}\u0000${problem.rule ?? ''}\u0000${problem.message}`));
	const lint: Problem[] = lintSchema(document).findings
		.filter((finding) => !seen.has(`${finding.pointer}\u0000${finding.rule}\u0000${finding.message}`))
		.map((finding) => ({severity: finding.severity, pointer: finding.pointer, message: finding.message, rule: finding.rule, link: finding.link}));
	const problems = new Map<string, Problem[]>();
	const silenced = new Map<string, SilencedProblem[]>();
	const index = context.silence?.length ? buildSchemaIndex(document) : undefined;
	for (const problem of [...local, ...lint, ...serverProblems]) {
		const owner = ownerPointer(problem.pointer);
		// The same silences as the plan's checks (validate.ts), so the marker and the write agree.
		const silence = index ? silenceFor(document, problem, context.silence, index) : undefined;
		if (silence) silenced.set(owner, [...(silenced.get(owner) ?? []), {...problem, reason: silence.reason}]);
		else problems.set(owner, [...(problems.get(owner) ?? []), problem]);
	}
	return {problems, serverProblems, silenced};
}

/** The context after the working copy changed: a new index and fresh problems. */
export function refreshContext(context: SchemaContext, changes: Partial<SchemaContext> = {}): SchemaContext {
	const next = {...context, ...changes};
	const {problems, serverProblems, silenced} = collectProblems(next);
	return {...next, index: buildSchemaIndex(next.working.document), revision: context.revision + 1, problems, serverProblems, silenced};
}
