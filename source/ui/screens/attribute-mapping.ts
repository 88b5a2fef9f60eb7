/** One attribute mapping, in full: a text screen. */
import {attributeMappingLines, detailText} from '../rows.js';
import type {AttributeMappingFrame} from '../state.js';
import {mappingEdits, navigation, refindNode, type ScreenKind, schemaWide, withPending} from './types.js';

export const attributeMappingScreen: ScreenKind<AttributeMappingFrame> = {
	title: (frame) => withPending('Attribute mapping', frame),
	crumb: (frame) => frame.node.label,
	commands: () => [...navigation, ...mappingEdits, 'testExpression', ...schemaWide],
	text: (frame, columns) => detailText(frame.node, () => attributeMappingLines(frame.node, frame.context, columns), columns),
	header: 'Field               Value',
	withContext: (frame, context) => refindNode(frame, context, (node) => node.kind === 'attributeMapping'),
	editTarget: (frame) => ({attributeMapping: frame.node, objectMapping: frame.node.parent, json: frame.node}),
	textFields: true,
};
