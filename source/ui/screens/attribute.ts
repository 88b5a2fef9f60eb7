/** One attribute definition and the mappings that use it: a text screen. */
import {attributeDefinitionLines, detailText} from '../rows.js';
import type {AttributeFrame} from '../state.js';
import {navigation, refindNode, type ScreenKind, schemaWide, withPending} from './types.js';

export const attributeScreen: ScreenKind<AttributeFrame> = {
	title: (frame) => withPending('Attribute definition', frame),
	crumb: (frame) => frame.node.label,
	commands: () => [...navigation, ...schemaWide],
	text: (frame, columns) => detailText(frame.node, () => attributeDefinitionLines(frame.node), columns),
	header: 'Field               Value',
	withContext: (frame, context) => refindNode(frame, context, (node) => node.kind === 'attributeDefinition'),
};
