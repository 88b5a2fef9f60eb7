/** An object mapping's attribute mappings: the screen most edits start from. */
import {sanitizeForTerminal as clean} from '../../terminal/sanitize.js';
import {memo, objectMappingRows} from '../rows.js';
import type {ObjectMappingFrame} from '../state.js';
import {listCommands, mappingEdits, refindNode, type ScreenKind, schemaWide, withPending} from './types.js';

export const objectMappingScreen: ScreenKind<ObjectMappingFrame> = {
	title: (frame) =>
		withPending(`Attribute mappings  ${clean(frame.node.mapping.sourceObjectName || '(none)')} → ${clean(frame.node.mapping.targetObjectName ?? '?')}`, frame),
	crumb: (frame) => frame.node.label,
	commands: () => [...listCommands, ...mappingEdits, 'testExpression', 'addItem', 'scope', ...schemaWide],
	columns: () => [
		// Source, the long free text, goes last: rows end where their text ends instead of carrying
		// padding, which is what a moving cursor re-sends over SSH.
		{title: 'Target attribute', weight: 2, min: 14, max: 30, cut: 'middle'},
		{title: 'Flow', weight: 0, min: 14, max: 14},
		{title: 'Match', weight: 0, min: 5, max: 5},
		{title: 'Source', weight: 5, min: 12},
	],
	rows: (frame) => memo(frame.kind, frame.node, () => objectMappingRows(frame.node, frame.context)),
	open(frame, index) {
		const node = frame.node.attributeMappings[index];
		return node && {kind: 'attributeMapping', context: frame.context, node};
	},
	withContext: (frame, context) => refindNode(frame, context, (node) => node.kind === 'objectMapping'),
	// The mapping keys act on the selected row; a adds to this object mapping, S opens its scoping filter.
	editTarget(frame, index) {
		const attributeMapping = index === undefined ? undefined : frame.node.attributeMappings[index];
		return {attributeMapping, objectMapping: frame.node, json: attributeMapping};
	},
	textFields: true,
};
