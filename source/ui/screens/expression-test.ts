/** The expression test (`t`): the input fields, the run and its result, as text with a selected value. */
import {sanitizeForTerminal as clean} from '../../terminal/sanitize.js';
import {handleTestKey, testScreenLines} from '../expression-test.js';
import type {ExpressionTestFrame} from '../state.js';
import {type ScreenKind, takeContext} from './types.js';

export const expressionTestScreen: ScreenKind<ExpressionTestFrame> = {
	title: (frame) => `Test: ${clean(frame.label)}`,
	crumb: () => 'test',
	commands: () => ['up', 'down', 'pageUp', 'pageDown', 'editTestValue', 'runTest', 'saveCase', 'readSourceObject'],
	text: (frame, columns) => testScreenLines(frame, columns).lines,
	handleKey: handleTestKey,
	withContext: takeContext,
};
