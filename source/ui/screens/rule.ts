/** A synchronization rule's object mappings. */
import {memo, ruleRows} from '../rows.js';
import type {RuleFrame} from '../state.js';
import {listCommands, refindNode, type ScreenKind, schemaWide, withPending} from './types.js';

export const ruleScreen: ScreenKind<RuleFrame> = {
	title: (frame) => withPending('Object mappings', frame),
	crumb: (frame) => frame.node.label,
	commands: () => [...listCommands, 'toggleEnabled', 'scope', 'externalEdit', ...schemaWide],
	columns: () => [
		{title: 'Object mapping', weight: 3, min: 16, cut: 'middle'},
		{title: 'Objects', weight: 2, min: 12},
		{title: 'State', weight: 0, min: 8, max: 8},
		{title: 'Mappings', weight: 0, min: 8, max: 8},
	],
	rows: (frame) => memo(frame.kind, frame.node, () => ruleRows(frame.node, frame.context)),
	open(frame, index) {
		const node = frame.node.objectMappings[index];
		return node && {kind: 'objectMapping', context: frame.context, node};
	},
	withContext: (frame, context) => refindNode(frame, context, (node) => node.kind === 'rule'),
	// t, S and e act on the selected object mapping.
	editTarget(frame, index) {
		const objectMapping = index === undefined ? undefined : frame.node.objectMappings[index];
		return {objectMapping, json: objectMapping};
	},
};
