/**
 * The functions of the attribute-mapping expression language (research graph-sync-api.md §5.2), with
 * what `GET …/schema/functions` returns for them and how the service keys their arguments in a parsed
 * attributeMappingSource (§5.3). Keys marked "observed" come from real stored parse trees; the others
 * are the documented parameter names, because the engine-internal ones are not public.
 */

import type {ExpressionFlavor} from './evaluate.js';

export type FunctionParameterSchema = {
	allowMultipleOccurrences: boolean;
	name: string;
	required: boolean;
	type: 'String' | 'Integer' | 'Boolean';
};

export type FunctionSpec = {
	name: string;
	/** As listed by `GET …/schema/functions`. */
	parameters: FunctionParameterSchema[];
	/** Parameter keys in a parsed tree, by argument position. */
	argumentKeys: string[];
	/** The last key repeats for any further arguments (Join, Coalesce, SelectUniqueValue). */
	lastKeyRepeats?: boolean;
	/** After argumentKeys, arguments come in key/value pairs with these keys (Switch). */
	repeatingPair?: [string, string];
	minArguments: number;
	/** Argument positions that must not be left empty. */
	requiredPositions: number[];
	/** Positions whose argument may be a comparison such as `[a]="0"` (IIF, CBool). */
	comparisonPositions?: number[];
	/** SelectUniqueValue is only legal as the whole expression. */
	topLevelOnly?: boolean;
	/** Overrides argumentKeys for a given argument count (FormatDateTime's legacy 3-argument form). */
	argumentKeysByCount?: Record<number, string[]>;
	/**
	 * The one job kind whose reference lists it (cloud sync's "Writing expressions…" page or the app-provisioning
	 * "Reference for writing expressions…"); absent: both list it. Decides the offline list FN-1 checks against.
	 */
	only?: ExpressionFlavor;
};

const parameter = (
	name: string,
	required = true,
	type: FunctionParameterSchema['type'] = 'String',
	allowMultipleOccurrences = false,
): FunctionParameterSchema => ({allowMultipleOccurrences, name, required, type});

/** A function whose parsed keys are its documented parameter names. */
function simple(
	name: string,
	parameters: FunctionParameterSchema[],
	overrides: Partial<Omit<FunctionSpec, 'name' | 'parameters'>> = {},
): FunctionSpec {
	const requiredCount = parameters.filter((each) => each.required).length;
	return {
		name,
		parameters,
		argumentKeys: parameters.map((each) => each.name),
		minArguments: requiredCount,
		requiredPositions: parameters.flatMap((each, index) => (each.required ? [index] : [])),
		...overrides,
	};
}

const source = parameter('source');

const referenceFunctions: FunctionSpec[] = [
	simple('Append', [source, parameter('suffix')]),
	simple('AppRoleAssignments', [source]),
	simple('AppRoleAssignmentsComplex', [source]),
	// Observed keys: left, right.
	simple('BitAnd', [parameter('value1', true, 'Integer'), parameter('value2', true, 'Integer')], {argumentKeys: ['left', 'right']}),
	simple('CBool', [parameter('expression', true, 'Boolean')], {
		argumentKeys: ['one'],
		comparisonPositions: [0],
	}),
	simple('CDate', [parameter('expression')]),
	simple('Coalesce', [parameter('source', true, 'String', true), parameter('defaultValue', false)], {
		argumentKeys: ['source'],
		lastKeyRepeats: true,
		minArguments: 1,
		requiredPositions: [0],
	}),
	simple('ConvertToBase64', [source]),
	simple('ConvertToUTF8Hex', [source]),
	simple('Count', [parameter('attribute')], {argumentKeys: ['source']}),
	simple('CStr', [parameter('value')]),
	simple('DateAdd', [parameter('interval'), parameter('value', true, 'Integer'), parameter('dateTime')]),
	simple('DateDiff', [parameter('interval'), parameter('date1'), parameter('date2')]),
	// Observed key: source.
	simple('DateFromNum', [parameter('value')], {argumentKeys: ['source']}),
	simple('DefaultDomain', []),
	// Observed key: message.
	simple('Error', [parameter('message')]),
	// Observed: FormatDateTime(x, , "fmt") is keyed source, outputFormat — the 3-argument form is
	// (source, inputFormat, outputFormat); the documented 4-argument form adds dateTimeStyles second.
	simple(
		'FormatDateTime',
		[source, parameter('dateTimeStyles', false), parameter('inputFormat', false), parameter('outputFormat')],
		{
			minArguments: 3,
			requiredPositions: [0],
			argumentKeysByCount: {3: ['source', 'inputFormat', 'outputFormat']},
		},
	),
	simple('Guid', []),
	simple('IgnoreFlowIfNullOrEmpty', [parameter('expression')]),
	// Observed keys: one (condition), two (operator), three (right operand), four (true), five (false).
	{
		name: 'IIF',
		parameters: [parameter('condition', true, 'Boolean'), parameter('valueIfTrue'), parameter('valueIfFalse')],
		argumentKeys: ['one', 'four', 'five'],
		minArguments: 3,
		requiredPositions: [0],
		comparisonPositions: [0],
	},
	simple('InStr', [parameter('value1'), parameter('value2'), parameter('start', false, 'Integer'), parameter('compareType', false)]),
	simple('IsNull', [parameter('expression')], {argumentKeys: ['source']}),
	simple('IsNullOrEmpty', [parameter('expression')], {argumentKeys: ['source']}),
	// Observed key: source.
	simple('IsPresent', [parameter('expression')], {argumentKeys: ['source']}),
	simple('IsString', [parameter('expression')], {argumentKeys: ['source']}),
	// Observed keys: source, index.
	simple('Item', [parameter('attribute'), parameter('index', true, 'Integer')], {argumentKeys: ['source', 'index']}),
	// Observed: Join("@", [a], ) is keyed separator, source — the source key repeats.
	simple('Join', [parameter('separator'), parameter('source', true, 'String', true)], {lastKeyRepeats: true}),
	// Observed keys: source, length.
	simple('Left', [parameter('String'), parameter('NumChars', true, 'Integer')], {argumentKeys: ['source', 'length']}),
	// Documented sample keys: source, start, length.
	simple('Mid', [source, parameter('start', true, 'Integer'), parameter('length', true, 'Integer')]),
	simple('NormalizeDiacritics', [source]),
	// Observed key: source.
	simple('Not', [source]),
	simple('Now', []),
	simple('NumFromDate', [parameter('value')], {argumentKeys: ['source']}),
	simple('PCase', [source, parameter('wordSeparators', false)]),
	simple('RandomString', [
		parameter('Length', true, 'Integer'),
		parameter('MinimumNumbers', true, 'Integer'),
		parameter('MinimumSpecialCharacters', true, 'Integer'),
		parameter('MinimumCapital', true, 'Integer'),
		parameter('MinimumLowerCase', true, 'Integer'),
		parameter('CharactersToAvoid', false),
	]),
	simple('Redact', [parameter('value')], {argumentKeys: ['source']}),
	// Observed key: source.
	simple('RemoveDuplicates', [parameter('attribute')], {argumentKeys: ['source']}),
	// Documented sample keys: source, Find, Replacement; the other engine keys are guesses in the same style.
	simple(
		'Replace',
		[
			source,
			parameter('oldValue', false),
			parameter('regexPattern', false),
			parameter('regexGroupName', false),
			parameter('replacementValue', false),
			parameter('replacementAttributeName', false),
			parameter('template', false),
		],
		{argumentKeys: ['source', 'Find', 'RegexPattern', 'RegexGroupName', 'Replacement', 'ReplacementAttributeName', 'Template']},
	),
	simple('SelectUniqueValue', [parameter('uniqueValueRule', true, 'String', true)], {
		argumentKeys: ['source'],
		lastKeyRepeats: true,
		minArguments: 2,
		requiredPositions: [0, 1],
		topLevelOnly: true,
	}),
	simple('SingleAppRoleAssignment', [parameter('appRoleAssignments')], {argumentKeys: ['source']}),
	simple('Split', [source, parameter('delimiter')]),
	simple('StripSpaces', [source]),
	simple(
		'Switch',
		[source, parameter('defaultValue', false), parameter('key', true, 'String', true), parameter('value', true, 'String', true)],
		{
			argumentKeys: ['source', 'defaultValue'],
			repeatingPair: ['key', 'value'],
			minArguments: 4,
			requiredPositions: [0],
		},
	),
	simple('ToLower', [source, parameter('culture', false)]),
	simple('ToUpper', [source, parameter('culture', false)]),
	// Observed key: source.
	simple('Trim', [source]),
	simple('Word', [parameter('String'), parameter('WordNumber', true, 'Integer'), parameter('Delimiters')], {
		argumentKeys: ['source', 'WordNumber', 'Delimiters'],
	}),
	// Cloud sync only, keyed by their documented parameter names (no stored tree shows them yet).
	simple('ConvertFromBase64', [source, parameter('Encoding', false)], {only: 'cloudSync'}),
	simple('DNComponent', [parameter('dn'), parameter('ComponentNumber', true, 'Integer')], {only: 'cloudSync'}),
	// The page's heading says StringFromSID, its text StringFromSid (Connect sync's spelling): both, so neither is CASE-1.
	simple('StringFromSID', [source], {only: 'cloudSync'}),
	simple('StringFromSid', [source], {only: 'cloudSync'}),
	// Not in the list, but in the page's own examples: DNComponent(CRef([dn]),1), Item([proxyAddresses],Contains(…)).
	simple('CRef', [parameter('dn')], {only: 'cloudSync'}),
	simple('Contains', [parameter('attribute'), parameter('search'), parameter('casetype', false)], {only: 'cloudSync'}),
];

/**
 * Absent from one of the two references (research loop-and-expressions.md, rule CS-1). AppRoleAssignments and
 * DefaultDomain are in neither, but Graph's `…/schema/functions` example lists them (for a job it does not name) and
 * API-driven provisioning examples use DefaultDomain(): both kinds know them.
 */
const appOnly = new Set(['AppRoleAssignmentsComplex', 'CDate', 'Coalesce', 'DateAdd', 'DateDiff', 'IgnoreFlowIfNullOrEmpty', 'Now', 'NumFromDate', 'PCase', 'RandomString', 'Redact']);
const cloudSyncOnly = new Set(['Error', 'Trim']);

/** Every function of either reference (parse-tree keys, case hints); functionsFor gives one job kind's list. */
export const functionCatalog: readonly FunctionSpec[] = referenceFunctions.map((spec): FunctionSpec => {
	if (appOnly.has(spec.name)) return {...spec, only: 'app'};
	if (cloudSyncOnly.has(spec.name)) return {...spec, only: 'cloudSync'};
	return spec;
});

/** The functions one kind of job documents: what an offline check (FN-1) and the demo's `…/schema/functions` use. */
export function functionsFor(flavor: ExpressionFlavor): FunctionSpec[] {
	return functionCatalog.filter((spec) => spec.only === undefined || spec.only === flavor);
}

const functionsByName = new Map(functionCatalog.map((spec) => [spec.name, spec]));

/** Function names are case-sensitive, like the language. */
export function findFunction(name: string): FunctionSpec | undefined {
	return functionsByName.get(name);
}

/** For "did you mean" hints on a wrong-case name such as `trim`. */
export function findFunctionIgnoringCase(name: string): FunctionSpec | undefined {
	const lower = name.toLowerCase();
	return functionCatalog.find((spec) => spec.name.toLowerCase() === lower);
}

/** The body of `GET …/schema/functions` for a job of this kind. */
export function functionSchemas(flavor: ExpressionFlavor): {name: string; parameters: FunctionParameterSchema[]}[] {
	return functionsFor(flavor).map((spec) => ({name: spec.name, parameters: spec.parameters.map((each) => ({...each}))}));
}

/** The parsed-tree key for argument `position` of `argumentCount` arguments. */
export function argumentKey(spec: FunctionSpec, position: number, argumentCount: number): string {
	const keys = spec.argumentKeysByCount?.[argumentCount] ?? spec.argumentKeys;
	if (position < keys.length) return keys[position] as string;
	if (spec.repeatingPair) return spec.repeatingPair[(position - keys.length) % 2] as string;
	if (spec.lastKeyRepeats) return keys[keys.length - 1] as string;
	return `argument${position + 1}`;
}

/** How many arguments the function accepts at most (Infinity for repeating ones). */
export function maximumArguments(spec: FunctionSpec): number {
	if (spec.repeatingPair || spec.lastKeyRepeats) return Number.POSITIVE_INFINITY;
	return Math.max(spec.argumentKeys.length, spec.parameters.length);
}
