/**
 * Deep links: `provisioning-explorer --sp APP --job JOB [--object-mapping NAME] [--mapping TARGET]` names a place
 * in a job's schema, and this module finds it before anything is drawn, so that a name that is unknown or
 * ambiguous stops the command with the choices listed (exit code 2) instead of opening somewhere else.
 *
 * Names are read as in `patch`: a JSON Pointer (`/synchronizationRules/0/objectMappings/[targetObjectName=User]`,
 * selectors allowed), a selector over all object or attribute mappings (`[sourceObjectName=user,targetObjectName=User]`,
 * `[targetAttributeName=Mail]`), or a plain name: an object mapping's `name`, its `Target ← source` label, or its
 * target or source object name; an attribute mapping's target attribute. Plain names match exactly first, then
 * ignoring case.
 */
import {parseSelectorSegment} from '../edit/index.js';
import {resolvePointerSelectors} from '../edit/selectors.js';
import {objectMappingLabel} from '../edit/labels.js';
import {UsageError, UserError} from '../errors.js';
import type {GraphClient} from '../graph/client.js';
import {type AttributeMappingNode, buildSchemaIndex, type ObjectMappingNode} from '../schema/navigation.js';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import type {SynchronizationSchema} from '../schema/types.js';
import {resolveJob, resolveServicePrincipal} from './resolve.js';
import {downloadSchema} from './tenant-services.js';

export type DeepLinkRequest = {
	/** --sp: object id, appId or exact display name. */
	app: string;
	/** --job: job id or templateId (may be left out when the app has one job). */
	job?: string;
	/** --object-mapping NAME */
	objectMapping?: string;
	/** --mapping TARGET */
	mapping?: string;
	/**
	 * `:open APP/JOB/NAME`: an attribute mapping's target or, when no attribute mapping is named so, an object
	 * mapping (a name both could mean lists both).
	 */
	place?: string;
	/** How the choices are worded: the command line's options, or `:open`'s parts. */
	form?: 'options' | 'open';
};

/** A place in a schema: the object mapping and/or attribute mapping a deep link names. */
export type SchemaLocation = {
	/** JSON Pointer of the deepest element named ('' for the job itself). */
	pointer: string;
	objectMapping?: {pointer: string; ruleIndex: number; index: number; label: string; name: string | null; sourceObjectName: string | null; targetObjectName: string | null};
	attributeMapping?: {pointer: string; index: number; targetAttributeName: string};
};

/**
 * Where the explorer should open: the app, the job and the place in its schema. Passed to the UI's run entry as
 * `initialLocation`; the UI opens the app's jobs, the job, then the object mapping's attribute list (selecting
 * `attributeMapping.index`) or the mapping's detail.
 */
export type InitialLocation = SchemaLocation & {
	servicePrincipalId: string;
	appName: string;
	jobId: string;
	templateId: string | null;
};

/** At most this many choices are named in one error line; the rest are counted. */
const maxChoicesListed = 40;

function choices(names: readonly string[]): string {
	const unique = [...new Set(names)];
	const shown = unique.slice(0, maxChoicesListed).map((name) => clean(name));
	return unique.length > maxChoicesListed ? `${shown.join(', ')}, … and ${unique.length - maxChoicesListed} more` : shown.join(', ');
}

/** Edit distance with transpositions (optimal string alignment), for "did you mean". */
function editDistance(a: string, b: string): number {
	const rows = Array.from({length: a.length + 1}, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
	for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
			rows[i]![j] = best;
		}
	}
	return rows[a.length]![b.length]!;
}

/** ` (did you mean Mail?)`: the names a typo most likely meant (ignoring case), or nothing. */
function didYouMean(text: string, names: readonly string[]): string {
	const wanted = text.toLowerCase();
	const limit = Math.max(2, Math.ceil(wanted.length / 3));
	const close = [...new Set(names)]
		.map((name) => ({name, distance: editDistance(wanted, name.toLowerCase())}))
		.filter(({name, distance}) => distance <= limit || (wanted.length >= 3 && name.toLowerCase().includes(wanted)))
		.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
		.slice(0, 5)
		.map(({name}) => clean(name));
	return close.length > 0 ? ` (did you mean ${close.join(', ')}?)` : '';
}

function matchesPairs(element: unknown, pairs: readonly {key: string; value: string}[]): boolean {
	if (typeof element !== 'object' || element === null) return false;
	return pairs.every(({key, value}) => {
		const actual = (element as Record<string, unknown>)[key];
		return (typeof actual === 'string' || typeof actual === 'number' || typeof actual === 'boolean') && String(actual) === value;
	});
}

/** Exact matches first; only when there are none, the same ignoring case. */
function byName<T>(candidates: readonly T[], text: string, namesOf: (candidate: T) => Array<string | null | undefined>): T[] {
	const exact = candidates.filter((candidate) => namesOf(candidate).some((name) => name === text));
	if (exact.length > 0) return exact;
	const lower = text.toLowerCase();
	return candidates.filter((candidate) => namesOf(candidate).some((name) => typeof name === 'string' && name.toLowerCase() === lower));
}

function describeObjectMapping(node: ObjectMappingNode): string {
	const label = objectMappingLabel(node.model);
	const name = node.model.name;
	return name && name !== label ? `${name} (${label})` : label;
}

function selectorOf(node: ObjectMappingNode): string {
	const pairs = [`sourceObjectName=${node.model.sourceObjectName ?? ''}`, `targetObjectName=${node.model.targetObjectName ?? ''}`];
	return `[${pairs.map((pair) => pair.replace(/,/g, '%2C')).join(',')}]`;
}

function findByPointer(schema: SynchronizationSchema, text: string, option: string) {
	const {pointer} = resolvePointerSelectors(schema, text, {where: option});
	return buildSchemaIndex(schema).nodeAt(pointer);
}

function findObjectMapping(schema: SynchronizationSchema, text: string): ObjectMappingNode {
	const all = buildSchemaIndex(schema).rules.flatMap((rule) => rule.objectMappings);
	const listing = `Its object mappings: ${choices(all.map(describeObjectMapping))}.`;
	if (text.startsWith('/')) {
		const node = findByPointer(schema, text, '--object-mapping');
		if (node?.kind !== 'objectMapping') throw new UsageError(`--object-mapping ${clean(text)} does not point at an object mapping. ${listing}`);
		return node;
	}
	const pairs = parseSelectorSegment(text, '--object-mapping');
	const found = pairs
		? all.filter((node) => matchesPairs(node.model, pairs))
		: byName(all, text, (node) => [node.model.name, objectMappingLabel(node.model), node.model.targetObjectName, node.model.sourceObjectName]);
	if (found.length === 1) return found[0]!;
	if (found.length === 0) {
		const names = all.flatMap((node) => [node.model.name, node.model.targetObjectName].filter((name): name is string => typeof name === 'string' && name !== ''));
		throw new UsageError(`No object mapping is named "${clean(text)}"${didYouMean(text, names)}. ${listing}`);
	}
	throw new UsageError(
		`"${clean(text)}" names ${found.length} object mappings: ${choices(found.map((node) => `${describeObjectMapping(node)} ${selectorOf(node)}`))}. Give one of the selectors shown.`,
	);
}

/** How to name one of several object mappings, in the words of the command line or of `:open`. */
function narrowHint(form: DeepLinkRequest['form'], selector: string): string {
	return form === 'open' ? `Write APP/JOB/${selector}/TARGET (or another of them).` : `Add --object-mapping ${selector} (or another of them).`;
}

function findAttributeMapping(schema: SynchronizationSchema, text: string, within: ObjectMappingNode | undefined, form?: DeepLinkRequest['form']): AttributeMappingNode {
	const scope: readonly AttributeMappingNode[] = within ? within.attributeMappings : [...buildSchemaIndex(schema).attributeMappings()];
	const where = within ? `${objectMappingLabel(within.model)} maps` : 'The job maps';
	const listing = `${where}: ${choices(scope.map((node) => node.label))}.`;
	if (text.startsWith('/')) {
		const node = findByPointer(schema, text, '--mapping');
		if (node?.kind !== 'attributeMapping') throw new UsageError(`--mapping ${clean(text)} does not point at an attribute mapping. ${listing}`);
		if (within && node.parent !== within) throw new UsageError(`--mapping ${clean(text)} is not in the object mapping ${clean(describeObjectMapping(within))}.`);
		return node;
	}
	const pairs = parseSelectorSegment(text, '--mapping');
	const found = pairs ? scope.filter((node) => matchesPairs(node.model, pairs)) : byName(scope, text, (node) => [node.model.targetAttributeName]);
	if (found.length === 1) return found[0]!;
	if (found.length === 0) throw new UsageError(`No attribute mapping targets "${clean(text)}"${pairs ? '' : didYouMean(text, scope.map((node) => node.label))}. ${listing}`);
	throw new UsageError(
		`"${clean(text)}" names ${found.length} attribute mappings: ${choices(found.map((node) => `${objectMappingLabel(node.parent.model)} · ${node.label}`))}. ${narrowHint(form, clean(selectorOf(found[0]!.parent)))}`,
	);
}

/** One of the two, or the error to tell; `undefined` for an error that is not the user's. */
function attempt<T>(find: () => T): {found: T} | {error: UsageError} {
	try {
		return {found: find()};
	} catch (error) {
		if (error instanceof UsageError) return {error};
		throw error;
	}
}

/**
 * `:open APP/JOB/NAME`: the attribute mapping NAME targets, else the object mapping NAME names; a name meaning both
 * lists both, a name meaning neither lists what the job has.
 */
function findPlace(schema: SynchronizationSchema, text: string): {objectMapping?: ObjectMappingNode; attributeMapping?: AttributeMappingNode} {
	const attribute = attempt(() => findAttributeMapping(schema, text, undefined, 'open'));
	const object = attempt(() => findObjectMapping(schema, text));
	if ('found' in attribute && 'found' in object) {
		throw new UsageError(
			`"${clean(text)}" names the object mapping ${clean(describeObjectMapping(object.found))} and the attribute mapping ${clean(`${objectMappingLabel(attribute.found.parent.model)} · ${attribute.found.label}`)}. Write APP/JOB/${clean(selectorOf(object.found))} for the object mapping, APP/JOB/${clean(selectorOf(attribute.found.parent))}/${clean(attribute.found.label)} for the attribute mapping.`,
		);
	}
	if ('found' in attribute) return {attributeMapping: attribute.found};
	if ('found' in object) return {objectMapping: object.found};
	// Several of one kind: that list is the answer. None of either: both lists, one "did you mean" over all names.
	if (/^"/.test(attribute.error.message)) throw attribute.error;
	if (/^"/.test(object.error.message)) throw object.error;
	const index = buildSchemaIndex(schema);
	const objectMappings = index.rules.flatMap((rule) => rule.objectMappings);
	const attributes = [...index.attributeMappings()].map((node) => node.label);
	const names = [...objectMappings.flatMap((node) => [node.model.name, node.model.targetObjectName].filter((name): name is string => typeof name === 'string' && name !== '')), ...attributes];
	throw new UsageError(
		`No attribute mapping or object mapping is named "${clean(text)}"${didYouMean(text, names)}. Object mappings: ${choices(objectMappings.map(describeObjectMapping))}. The job maps: ${choices(attributes)}.`,
	);
}

/** The place in `schema` that --object-mapping and --mapping name; UsageError (exit 2) with the choices when there is none or several. */
export function resolveSchemaLocation(schema: SynchronizationSchema, request: Pick<DeepLinkRequest, 'objectMapping' | 'mapping' | 'place' | 'form'>): SchemaLocation {
	const place = request.place === undefined ? undefined : findPlace(schema, request.place);
	const objectMappingNode = place ? place.objectMapping : request.objectMapping === undefined ? undefined : findObjectMapping(schema, request.objectMapping);
	const attributeNode = place ? place.attributeMapping : request.mapping === undefined ? undefined : findAttributeMapping(schema, request.mapping, objectMappingNode, request.form);
	const owner = attributeNode?.parent ?? objectMappingNode;
	return {
		pointer: attributeNode?.pointer ?? owner?.pointer ?? '',
		...(owner
			? {
					objectMapping: {
						pointer: owner.pointer,
						ruleIndex: owner.parent.position,
						index: owner.position,
						label: objectMappingLabel(owner.model),
						name: owner.model.name ?? null,
						sourceObjectName: owner.model.sourceObjectName ?? null,
						targetObjectName: owner.model.targetObjectName ?? null,
					},
				}
			: {}),
		...(attributeNode ? {attributeMapping: {pointer: attributeNode.pointer, index: attributeNode.position, targetAttributeName: attributeNode.label}} : {}),
	};
}

const guid = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;

/** The app, with the apps of a similar name listed when the name matches none (Graph's $search on display names). */
async function findApp(graph: GraphClient, reference: string, signal?: AbortSignal) {
	try {
		return await resolveServicePrincipal(graph, reference, signal);
	} catch (error) {
		if (!(error instanceof UserError) || guid.test(reference)) throw error;
		if (/^\d+ service principals are named/.test(error.message)) throw new UsageError(error.message);
		const similar = await graph
			.listServicePrincipals({search: reference, select: ['id', 'displayName'], top: 20}, signal)
			.catch(() => []);
		const named = similar.map((principal) => `${principal.displayName ?? '(no name)'} (${principal.id})`);
		throw new UsageError(`No app is named "${clean(reference)}" (names match exactly).${named.length > 0 ? ` Similar names: ${choices(named)}.` : ' Run `provisioning-explorer apps` to list them.'}`);
	}
}

/** Resolves a deep link against the tenant: app, job and (when asked) the place in the job's schema. */
export async function resolveDeepLink(graph: GraphClient, request: DeepLinkRequest, signal?: AbortSignal): Promise<InitialLocation> {
	const servicePrincipal = await findApp(graph, request.app, signal);
	let job: Awaited<ReturnType<typeof resolveJob>>;
	try {
		job = await resolveJob(graph, servicePrincipal, request.job, signal);
	} catch (error) {
		// An unknown or ambiguous job is a usage mistake: the message already lists the jobs.
		throw error instanceof UserError ? new UsageError(error.message) : error;
	}
	let location: SchemaLocation = {pointer: ''};
	if (request.objectMapping !== undefined || request.mapping !== undefined || request.place !== undefined) {
		const {schema} = await downloadSchema(graph, servicePrincipal.id, job.id, signal);
		location = resolveSchemaLocation(schema, request);
	}
	return {
		servicePrincipalId: servicePrincipal.id,
		appName: servicePrincipal.displayName ?? servicePrincipal.id,
		jobId: job.id,
		templateId: job.templateId ?? null,
		...location,
	};
}

/**
 * `APP/JOB/TARGET`, `APP/JOB/OBJECTMAPPING` or `APP/JOB/OBJECTMAPPING/TARGET` as typed after `:open` (the parts
 * after APP may be left out). A part holding a "/" (an app named `HR/Payroll`, a JSON Pointer) is written in double
 * quotes: `"HR/Payroll"/Provisioning/mail`. OBJECTMAPPING is what --object-mapping takes, TARGET what --mapping takes;
 * a third part alone is either (see findPlace).
 */
export function parseOpenReference(text: string): DeepLinkRequest {
	const parts: string[] = [];
	let current = '';
	let quoted = false;
	for (const character of text.trim()) {
		if (character === '"') quoted = !quoted;
		else if (character === '/' && !quoted) {
			parts.push(current);
			current = '';
		} else current += character;
	}
	parts.push(current);
	if (quoted) throw new UsageError(`${clean(text)}: a quote is not closed; write "APP/WITH/SLASHES"/JOB/TARGET.`);
	if (parts.length > 4) throw new UsageError(`${clean(text)} has ${parts.length} parts; write APP/JOB/OBJECTMAPPING/TARGET, with a part that holds "/" in double quotes.`);
	const [app = '', job, third, fourth] = parts.map((part) => part.trim());
	if (app === '') throw new UsageError('Name the app to open: APP/JOB/TARGET or APP/JOB/OBJECTMAPPING/TARGET.');
	if (fourth && !third) throw new UsageError(`${clean(text)}: name the object mapping before the target: APP/JOB/OBJECTMAPPING/TARGET.`);
	const place = fourth ? {objectMapping: third!, mapping: fourth} : third ? {place: third} : {};
	return {app, ...(job ? {job} : {}), ...place, form: 'open'};
}
