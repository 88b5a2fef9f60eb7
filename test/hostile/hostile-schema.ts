/**
 * A schema whose names and values attack the terminal and the parsers: escape sequences that clear the screen,
 * move the cursor, recolour, set the title, write the clipboard (OSC 52) or fake links (OSC 8); BiDi overrides,
 * zero-width and combining characters, wide CJK and emoji; a 100,000-character expression and one nested
 * 3,000 calls deep. Every value is valid JSON, so the file loads and must come back out unchanged.
 */
import type {AttributeDefinition, AttributeMapping, SynchronizationSchema} from '../../source/schema/types.js';

/**
 * Control sequences a terminal would obey. Each is distinctive: the program itself never writes any of them
 * (it draws in plain SGR colours), so finding one in the raw terminal output means data reached the terminal.
 */
export const controlSequences = {
	clearScreen: '\x1b[2J',
	cursorTo: '\x1b[7;13H',
	cursorUp: '\x1b[9A',
	trueColour: '\x1b[38;2;255;0;0m',
	hyperlink: '\x1b]8;;https://evil.example/pwn\x1b\\',
	clipboard: '\x1b]52;c;cm0gLXJmIH4K\x07',
	title: '\x1b]0;pwned-title\x07',
	leaveAltScreen: '\x1b[?1049l',
	hideCursor: '\x1b[?25l',
	c1Csi: '\u009b6n',
	deviceStatus: '\x1b[6n',
} as const;

/** Characters that make text display as something it is not. */
export const deceptiveCharacters = {
	rightToLeftOverride: '\u202e',
	popDirectional: '\u202c',
	isolate: '\u2066',
	zeroWidthSpace: '\u200b',
	zeroWidthJoiner: '\u200d',
	byteOrderMark: '\ufeff',
	wordJoiner: '\u2060',
	hangulFiller: '\u3164',
} as const;

const c = controlSequences;
const d = deceptiveCharacters;

export const hostileText = {
	csi: `${c.clearScreen}${c.cursorTo}${c.trueColour}RED${c.cursorUp}`,
	hyperlink: `${c.hyperlink}click me\x1b]8;;\x1b\\`,
	clipboard: `copy${c.clipboard}`,
	title: `${c.title}named`,
	altScreen: `${c.leaveAltScreen}${c.hideCursor}gone`,
	c1: `${c.c1Csi}${c.deviceStatus}status`,
	bidi: `invoice${d.rightToLeftOverride}fdp.exe${d.popDirectional}${d.isolate}x`,
	zeroWidth: `zero${d.zeroWidthSpace}width${d.zeroWidthJoiner}${d.byteOrderMark}${d.wordJoiner}${d.hangulFiller}`,
	wide: '名前漢字表示幅ＡＢＣ👩‍💻🧑🏽‍🚀🇫🇷',
	combining: 'Z\u0351\u0352\u0353a\u0301\u0301l\u0308g\u0300o',
	lineBreaks: 'line1\nline2\r\nline3\u2028line4',
} as const;

/** Exactly 100,000 characters: a Join of 14,000 attribute references and a long constant, as a runaway generator writes. */
export const longExpression = ((): string => {
	const start = `Join(" ", ${Array.from({length: 14_000}, (_, index) => `[a${index % 10}]`).join(', ')}, "`;
	return `${start}${'x'.repeat(100_000 - start.length - 2)}")`;
})();

/** Trim(Trim(…Trim([mail])…)) 3,000 calls deep. */
export const deepExpression = `${'Trim('.repeat(3000)}[mail]${')'.repeat(3000)}`;

const attribute = (name: string): AttributeDefinition => ({name, type: 'String', multivalued: false, mutability: 'ReadWrite', anchor: false, caseExact: false, required: false, metadata: [], referencedObjects: []});

const mapping = (targetAttributeName: string, source: AttributeMapping['source'], defaultValue: string | null = null): AttributeMapping => ({
	defaultValue,
	exportMissingReferences: false,
	flowBehavior: 'FlowWhenChanged',
	flowType: 'Always',
	matchingPriority: 0,
	targetAttributeName,
	source,
});

const fromAttribute = (name: string) => ({expression: `[${name}]`, name, parameters: [], type: 'Attribute' as const});

/** The targets, in list order: the tests select rows by these positions. */
export const hostileTargets = {
	danger: `${hostileText.csi}Danger`,
	department: 'Department',
	wide: hostileText.wide,
	long: 'LongExpression',
	deep: 'DeepExpression',
} as const;

export function hostileSchema(): SynchronizationSchema {
	const t = hostileText;
	return {
		'@odata.context': "https://graph.microsoft.com/beta/$metadata#servicePrincipals('x')/synchronization/jobs('y')/schema/$entity",
		id: `AD2AADProvisioning${t.title}`,
		version: 'Date:2025-06-02T08:00:00.0000000Z, ActivityId:00000000-0000-4000-8000-000000000000',
		directories: [
			{
				id: 'directory-ad',
				name: 'Active Directory',
				objects: [
					{
						name: 'user',
						attributes: [attribute('mail'), attribute('department'), attribute(t.bidi), attribute(t.zeroWidth), attribute(t.combining)],
						metadata: [{key: t.clipboard, value: t.hyperlink}],
					},
				],
			},
			{
				id: 'directory-aad',
				name: 'Azure Active Directory',
				objects: [
					{
						name: 'User',
						attributes: [
							attribute(hostileTargets.danger),
							attribute('Department'),
							attribute(t.wide),
							attribute('LongExpression'),
							attribute('DeepExpression'),
							attribute(t.altScreen),
							attribute(t.lineBreaks),
						],
					},
				],
			},
		],
		synchronizationRules: [
			{
				id: 'rule-1',
				name: `Users ${t.hyperlink} ${t.bidi}`,
				sourceDirectoryName: 'Active Directory',
				targetDirectoryName: 'Azure Active Directory',
				editable: true,
				priority: 1,
				metadata: [{key: 'note', value: t.csi}],
				objectMappings: [
					{
						enabled: true,
						flowTypes: 'Add, Update, Delete',
						name: `Provision ${t.title} users`,
						sourceObjectName: 'user',
						targetObjectName: 'User',
						metadata: [],
						scope: {
							groups: [
								{
									name: t.clipboard,
									clauses: [{operatorName: 'EQUALS', sourceOperandName: 'department', targetOperand: {values: [t.csi, t.wide, t.bidi]}}],
								},
							],
						},
						attributeMappings: [
							mapping(hostileTargets.danger, fromAttribute('mail'), t.clipboard),
							mapping('Department', fromAttribute('department')),
							mapping(t.wide, {expression: JSON.stringify(t.hyperlink), name: t.hyperlink, parameters: [], type: 'Constant'}, t.bidi),
							mapping('LongExpression', {expression: longExpression, name: 'Join', parameters: null, type: 'Function'}),
							mapping('DeepExpression', {expression: deepExpression, name: 'Trim', parameters: [], type: 'Function'}),
							mapping(t.altScreen, fromAttribute(t.zeroWidth), t.c1),
							mapping(t.lineBreaks, fromAttribute(t.combining), t.lineBreaks),
						],
					},
				],
			},
		],
		'x-vendor-note': Object.values(t).join(' | '),
	};
}
