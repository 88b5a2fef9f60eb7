import fc from 'fast-check';
import type {Operation} from 'fast-json-patch';
import {describe, expect, it} from 'vitest';
import {
	addAttributeMapping,
	addScopingClause,
	editAttributeMappingField,
	editAttributeMappingSource,
	editScopingClause,
	GuardFailedError,
	parsePatchFile,
	removeAttributeMapping,
	removeScopingClause,
	setObjectMappingEnabled,
	toPatchFile,
	WorkingCopy,
} from '../../source/edit/index.js';
import {UserError} from '../../source/errors.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {credentialsMapping, fixtureText, freshFixture, mappingOf, mappingsOf, pointerOf, userMapping} from './helpers.js';

describe('WorkingCopy', () => {
	it('applies edits to its own copy: the live document is never changed', () => {
		const live = freshFixture();
		const before = new WorkingCopy(live);
		expect(before.document).toBe(live);
		expect(before.baseVersion).toBe('Date:2020-04-30T13:58:46.0955403Z, ActivityId:14d3cfa6-cafd-4100-9800-a9c52faad9fe');
		const working = before.apply(editAttributeMappingField(before.document, pointerOf(live, 'Department'), 'flowType', 'ObjectAddOnly'));
		const edit = working.lastEdit!;
		expect(edit.id).toBe(1);
		// A persistent value: the version before the edit is unchanged, and untouched parts are shared.
		expect(before.document).toBe(live);
		expect(before.hasChanges).toBe(false);
		expect(working.document.directories).toBe(live.directories);
		expect(working.document).not.toBe(live);
		expect(mappingOf(working.document, 'Department').flowType).toBe('ObjectAddOnly');
		expect(live).toEqual(JSON.parse(fixtureText));
		expect(working.edits).toEqual([edit]);
		expect(working.operations).toEqual(edit.operations);
		expect(working.hasChanges).toBe(true);
		expect(working.revision).toBe(1);
	});

	it('keeps its state when an edit fails its guards', () => {
		let working = new WorkingCopy(freshFixture());
		const stale = editAttributeMappingField(freshFixture(), pointerOf(freshFixture(), 'Department'), 'flowType', 'ObjectAddOnly');
		working = working.apply(removeAttributeMapping(working.document, `${userMapping}/attributeMappings/0`));
		const before = JSON.stringify(working.document);
		expect(() => working.apply(stale)).toThrow(GuardFailedError);
		expect(JSON.stringify(working.document)).toBe(before);
		expect(working.edits).toHaveLength(1);
	});

	it('undoes the last edit, or an earlier independent one, exactly (key order included)', () => {
		const live = freshFixture();
		let working = new WorkingCopy(live);
		working = working.apply(editAttributeMappingField(working.document, pointerOf(live, 'Department'), 'defaultValue', 'Sales'));
		const first = working.lastEdit!;
		working = working.apply(removeAttributeMapping(working.document, pointerOf(working.document, 'City')));
		const second = working.lastEdit!;
		const afterSecond = working.document;
		working = working.apply(editAttributeMappingSource(working.document, pointerOf(working.document, 'Mail'), {kind: 'Attribute', name: 'userPrincipalName'}));
		const third = working.lastEdit!;
		// Undoing the last edit is a pop: the document before it, the very same value.
		expect(working.undo().document).toBe(afterSecond);
		working = working.undo(first.id);
		expect(working.edits.map((edit) => edit.id)).toEqual([second.id, third.id]);
		expect(mappingOf(working.document, 'Department').defaultValue).toBeNull();
		expect(mappingOf(working.document, 'Mail').source?.name).toBe('userPrincipalName');
		working = working.undo();
		working = working.undo();
		expect(JSON.stringify(working.document)).toBe(JSON.stringify(live));
		expect(working.hasChanges).toBe(false);
		expect(() => working.undo()).toThrow('There is nothing to undo.');
	});

	it('refuses to undo an edit a later edit depends on, saying which, and changes nothing', () => {
		const live = freshFixture();
		let working = new WorkingCopy(live);
		working = working.apply(editAttributeMappingField(working.document, pointerOf(live, 'Department'), 'flowType', 'ObjectAddOnly'));
		const flow = working.lastEdit!;
		working = working.apply(editAttributeMappingField(working.document, pointerOf(live, 'Department'), 'flowType', 'AttributeAddOnly'));
		working = working.apply(addAttributeMapping(working.document, userMapping, {targetAttributeName: 'CloudMastered', source: null}));
		const added = working.lastEdit!;
		working = working.apply(editAttributeMappingField(working.document, added.pointer, 'defaultValue', 'True'));
		const before = JSON.stringify(working.document);
		const revision = working.revision;
		expect(() => working.undo(flow.id)).toThrow(
			/^Cannot undo "~ User ← user · Department: flowType Always → ObjectAddOnly" on its own: the later edit "~ User ← user · Department: flowType ObjectAddOnly → AttributeAddOnly" depends on it \(.*has changed: expected "ObjectAddOnly", found "Always"\)\. Undo that edit first\.$/,
		);
		expect(() => working.undo(added.id)).toThrow(/the later edit "~ User ← user · CloudMastered: defaultValue \(none\) → "True"" depends on it \(attribute mapping 136 of User ← user no longer exists/);
		expect(JSON.stringify(working.document)).toBe(before);
		expect(working.edits).toHaveLength(4);
		expect(working.revision).toBe(revision);
		expect(() => working.undo(99)).toThrow(/no pending edit 99/);
	});

	it('writes the pending operations as a patch file and loads it back, guards checked against the loaded schema', () => {
		const live = freshFixture();
		let working = new WorkingCopy(live);
		working = working.apply(editAttributeMappingField(working.document, pointerOf(live, 'Department'), 'flowType', 'ObjectAddOnly'));
		working = working.apply(addScopingClause(working.document, credentialsMapping, 'groups', 'new', {operatorName: 'IS TRUE', sourceOperandName: 'x'}));
		working = working.apply(removeAttributeMapping(working.document, pointerOf(working.document, 'City')));
		const file = toPatchFile(working.operations);
		expect(file.endsWith(']\n')).toBe(true);

		const {working: loaded, edits} = new WorkingCopy(freshFixture()).loadPatch(parsePatchFile(Buffer.from(file), 'changes.json'), 'changes.json');
		expect(edits.map((edit) => edit.summary)).toEqual([
			'~ User ← user · Department: flowType Always → ObjectAddOnly',
			'~ SyncCredentialsChangeItem ← (none): scope (no filter) → groups: x IS TRUE',
			'- User ← user · City',
		]);
		expect(edits.map((edit) => edit.kind)).toEqual(['change', 'change', 'remove']);
		expect(edits.map((edit) => edit.pointer)).toEqual([pointerOf(live, 'Department'), credentialsMapping, pointerOf(live, 'City')]);
		expect(loaded.document).toEqual(working.document);
		expect(loaded.operations).toEqual(working.operations);
		expect(mappingOf(loaded.undo().document, 'City')).toBeDefined();
	});

	it('refuses a patch whose guards fail, naming the operation, and loads nothing', () => {
		let working = new WorkingCopy(freshFixture());
		const fresh = new WorkingCopy(freshFixture());
		const other = fresh.apply(removeAttributeMapping(fresh.document, `${userMapping}/attributeMappings/0`));
		const patch = other.operations;
		// Someone already removed the first mapping: the patch's guards no longer hold.
		working = working.apply(removeAttributeMapping(working.document, `${userMapping}/attributeMappings/0`));
		const before = JSON.stringify(working.document);
		let failure: GuardFailedError | undefined;
		try {
			working.loadPatch(patch, 'old.json');
		} catch (error) {
			failure = error as GuardFailedError;
		}
		expect(failure).toBeInstanceOf(GuardFailedError);
		expect(failure?.message).toBe("old.json: operation 5 of 7: attribute mapping 0 of User ← user is now 'Alias', not 'AccountEnabled'.");
		expect(failure?.operationIndex).toBe(4);
		expect(JSON.stringify(working.document)).toBe(before);
		expect(working.edits).toHaveLength(1);
	});

	it('loads a hand-written patch with selectors, one edit per operation, and rolls back on a bad operation', () => {
		const working = new WorkingCopy(freshFixture());
		const patch: Operation[] = [
			{op: 'test', path: `${userMapping}/[targetAttributeName=Mail]/flowType`, value: 'Always'} as Operation,
			{op: 'replace', path: '/synchronizationRules/0/objectMappings/[targetObjectName=User]/attributeMappings/[targetAttributeName=Mail]/flowType', value: 'ObjectAddOnly'},
			{op: 'remove', path: '/synchronizationRules/0/objectMappings/[targetObjectName=User]/attributeMappings/[targetAttributeName=City]'},
		];
		expect(() => working.loadPatch(patch, 'hand.json')).toThrow(
			'hand.json: operation 1 of 3: the selector [targetAttributeName=Mail] follows /synchronizationRules/0/objectMappings/0, which is not a list; selectors pick elements of lists such as attributeMappings.',
		);
		const good = patch.slice(1);
		const loaded = working.loadPatch(good, 'hand.json');
		const edits = loaded.edits;
		expect(edits.map((edit) => edit.summary)).toEqual(['~ User ← user · Mail: flowType Always → ObjectAddOnly', '- User ← user · City']);
		expect(edits[0]?.operations).toEqual([
			{op: 'test', path: '/synchronizationRules/0/objectMappings/0/targetObjectName', value: 'User'},
			{op: 'test', path: `${userMapping}/attributeMappings/42/targetAttributeName`, value: 'Mail'},
			{op: 'replace', path: `${userMapping}/attributeMappings/42/flowType`, value: 'ObjectAddOnly'},
		]);
		expect(() => working.loadPatch([{op: 'replace', path: '/nope/0', value: 1}, {op: 'frobnicate', path: ''} as never], 'bad.json')).toThrow(/^bad\.json: operation 1 of 2: /);
		expect(() => working.loadPatch([{op: 'frobnicate', path: ''} as never], 'bad.json')).toThrow('bad.json: operation 1 of 1: "op" must be one of add, remove, replace, move, copy, test (found "frobnicate").');
		expect(working.edits).toHaveLength(0);
		expect(loaded.working.edits).toHaveLength(2);
	});

	it('reads patch files in the encodings schema files use, and says what is wrong with a bad one', () => {
		const operations = [{op: 'test', path: '/id', value: 'x'}];
		const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(operations), 'utf16le')]);
		expect(parsePatchFile(utf16, 'p.json')).toEqual(operations);
		expect(() => parsePatchFile(Buffer.from('[{"op": "test",]'), 'p.json')).toThrow(/^p\.json: not valid JSON at line 1, column 16/);
		expect(() => parsePatchFile(Buffer.from(fixtureText), 'schema.json')).toThrow('schema.json: a JSON Patch must be an array of operations: this is a schema, not a patch (use import for a whole schema).');
		expect(() => parsePatchFile(Buffer.from(''), 'p.json')).toThrow(/empty/);
	});

	it('rebases pending edits on a newer live schema: those whose guards hold are re-applied, the others reported', () => {
		const live = freshFixture();
		let working = new WorkingCopy(live);
		working = working.apply(editAttributeMappingField(working.document, pointerOf(live, 'Department'), 'flowType', 'ObjectAddOnly'));
		const department = working.lastEdit!;
		working = working.apply(editAttributeMappingField(working.document, pointerOf(live, 'City'), 'defaultValue', 'Paris'));
		const city = working.lastEdit!;
		const newer = freshFixture();
		newer.version = 'Date:2025-06-02T08:00:00.0000000Z, ActivityId:00000000-0000-0000-0000-000000000001';
		mappingOf(newer, 'City').defaultValue = 'Lyon';
		const result = working.rebase(newer);
		working = result.working;
		expect(result.applied).toEqual([department]);
		expect(result.failed).toEqual([{edit: city, reason: 'User ← user · City · defaultValue has changed: expected null, found "Lyon".'}]);
		expect(working.baseVersion).toBe(newer.version);
		expect(working.live).toBe(newer);
		expect(mappingOf(working.document, 'Department').flowType).toBe('ObjectAddOnly');
		expect(mappingOf(working.document, 'City').defaultValue).toBe('Lyon');
		expect(working.undo().document).toEqual(newer);
	});
});

describe('undo is exact (property)', () => {
	type Step = {kind: number; pick: number; value: number};
	const flows = ['Always', 'ObjectAddOnly', 'MultiValueAddOnly', 'ValueAddOnly', 'AttributeAddOnly'];

	/** One random edit on the current document; refusals (no-op, duplicate…) are skipped. */
	function randomEdit(working: WorkingCopy, step: Step): WorkingCopy {
		const document = working.document;
		const mappings = mappingsOf(document);
		const pointer = `${userMapping}/attributeMappings/${step.pick % Math.max(1, mappings.length)}`;
		const builders: Array<() => ReturnType<typeof removeAttributeMapping>> = [
			() => editAttributeMappingField(document, pointer, 'flowType', flows[step.value % flows.length]!),
			() => editAttributeMappingField(document, pointer, 'defaultValue', step.value % 3 === 0 ? null : `v${step.value}`),
			() => editAttributeMappingSource(document, pointer, step.value % 2 ? {kind: 'Constant', value: `c${step.value}`} : {kind: 'Expression', expression: `Trim([cn${step.value}])`}),
			() => removeAttributeMapping(document, pointer),
			() => addAttributeMapping(document, userMapping, {targetAttributeName: step.value % 2 ? 'CloudMastered' : 'CredentialData', source: null}),
			() => setObjectMappingEnabled(document, credentialsMapping, step.value % 2 === 0),
			() => addScopingClause(document, userMapping, 'groups', step.value % 2 ? 'new' : 0, {operatorName: 'EQUALS', sourceOperandName: 'department', targetOperand: {values: [`d${step.value}`]}}),
			() => editScopingClause(document, `${userMapping}/scope/inputFilterGroups/0/clauses/${step.pick % 3}`, {operatorName: 'IS TRUE', sourceOperandName: `a${step.value}`}),
			() => removeScopingClause(document, `${userMapping}/scope/inputFilterGroups/0/clauses/${step.pick % 3}`),
			() => editAttributeMappingField(document, pointer, 'matchingPriority', step.value % 4),
		];
		try {
			return working.apply(builders[step.kind % builders.length]!());
		} catch (error) {
			if (!(error instanceof UserError)) throw error;
			return working;
		}
	}

	it('random edits, then undoing them (in random order where allowed, then last-first) gives back the live document', () => {
		const original = JSON.parse(fixtureText) as SynchronizationSchema;
		const step = fc.record({kind: fc.nat(20), pick: fc.nat(200), value: fc.nat(50)});
		fc.assert(
			fc.property(fc.array(step, {maxLength: 25}), fc.array(fc.nat(30), {maxLength: 10}), (steps, undoPicks) => {
				const live = freshFixture();
				let working = new WorkingCopy(live);
				const versions: Array<{working: WorkingCopy; text: string}> = [];
				for (const each of steps) {
					working = randomEdit(working, each);
					versions.push({working, text: JSON.stringify(working.document)});
				}
				// Every earlier version is still exactly what it was when it was made.
				for (const version of versions) expect(JSON.stringify(version.working.document)).toBe(version.text);
				// Undo some edits out of order: a refusal must leave everything as it was.
				for (const pick of undoPicks) {
					if (working.edits.length === 0) break;
					const target = working.edits[pick % working.edits.length]!;
					const before = JSON.stringify(working.document);
					try {
						working = working.undo(target.id);
					} catch (error) {
						expect(error).toBeInstanceOf(UserError);
						expect(JSON.stringify(working.document)).toBe(before);
					}
				}
				while (working.edits.length > 0) working = working.undo();
				expect(JSON.stringify(working.document)).toBe(JSON.stringify(original));
				expect(JSON.stringify(live)).toBe(JSON.stringify(original));
			}),
			{numRuns: 60},
		);
	});
});
