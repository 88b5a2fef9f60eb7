/** One attribute mapping, in full: a text screen. */
import {attributeMappingLines, detailText} from '../rows.js';
import type {AttributeMappingFrame} from '../state.js';
import {mappingEdits, navigation, type ScreenKind, schemaWide, withPending} from './types.js';

export const attributeMappingScreen: ScreenKind<AttributeMappingFrame> = {
	title: (frame) => withPending('Attribute mapping', frame),
	crumb: (frame) => frame.node.label,
	commands: () => [...navigation, ...mappingEdits, 'testExpression', ...schemaWide],
	text: (frame, columns) => detailText(frame.node, () => attributeMappingLines(frame.node, frame.context, columns), columns),
};
