/** An object's attribute definitions. */
import {memo, objectRows} from '../rows.js';
import type {ObjectFrame} from '../state.js';
import {listCommands, refindNode, type ScreenKind, schemaWide, withPending} from './types.js';

export const objectScreen: ScreenKind<ObjectFrame> = {
	title: (frame) => withPending('Attribute definitions', frame),
	crumb: (frame) => frame.node.label,
	commands: () => [...listCommands, ...schemaWide],
	columns: () => [
		{title: 'Attribute', weight: 3, min: 14, cut: 'middle'},
		{title: 'Type', weight: 0, min: 9, max: 9},
		{title: 'Flags', weight: 1, min: 10, max: 24},
		{title: 'Mutability', weight: 0, min: 10, max: 10},
	],
	rows: (frame) => memo(frame.kind, frame.node, () => objectRows(frame.node)),
	open(frame, index) {
		const node = frame.node.attributes[index];
		return node && {kind: 'attribute', context: frame.context, node};
	},
	withContext: (frame, context) => refindNode(frame, context, (node) => node.kind === 'objectDefinition'),
};
