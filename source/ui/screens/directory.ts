/** A directory's objects. */
import {directoryRows, memo} from '../rows.js';
import type {DirectoryFrame} from '../state.js';
import {listCommands, refindNode, type ScreenKind, schemaWide, withPending} from './types.js';

export const directoryScreen: ScreenKind<DirectoryFrame> = {
	title: (frame) => withPending('Objects', frame),
	crumb: (frame) => frame.node.label,
	commands: () => [...listCommands, ...schemaWide],
	columns: () => [
		{title: 'Object', weight: 3, min: 12, cut: 'middle'},
		{title: 'Attributes', weight: 1, min: 12},
	],
	rows: (frame) => memo(frame.kind, frame.node, () => directoryRows(frame.node)),
	open(frame, index) {
		const node = frame.node.objects[index];
		return node && {kind: 'object', context: frame.context, node};
	},
	withContext: (frame, context) => refindNode(frame, context, (node) => node.kind === 'directory'),
};
