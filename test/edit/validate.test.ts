import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {allExpressions, documentedFunctions, type Problem, validateSchema, validateWithServer} from '../../source/edit/index.js';
import {parseExpressionText} from '../../source/expressions/parser.js';
import type {AttributeMapping, SynchronizationSchema} from '../../source/schema/types.js';
import {cloudSyncProvisioningJobId, cloudSyncServicePrincipalId, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {credentialsMapping, freshFixture, graphFor, mappingOf, pointerOf, userMapping} from './helpers.js';

const messages = (problems: Problem[]) => problems.map((problem) => `${problem.severity}: ${problem.message}`);

function withMapping(change: (mapping: AttributeMapping, document: SynchronizationSchema) => void, target = 'Department') {
	const document = freshFixture();
	change(mappingOf(document, target), document);
	return {document, pointer: pointerOf(document, target)};
}

describe('validateSchema', () => {
	it('finds nothing wrong in the real cloud-sync schema or the demo tenant schemas', async () => {
		expect(validateSchema(freshFixture())).toEqual([]);
		const simulator = await startSimulator();
		try {
			for (const job of simulator.tenant.jobs) expect(validateSchema(JSON.parse(job.schema.text)), job.job.templateId).toEqual([]);
		} finally {
			await simulator.close();
		}
	});

	it('catches enum values in the wrong case and names the right spelling', () => {
		const {document, pointer} = withMapping((mapping) => {
			mapping.flowBehavior = 'flowWhenChanged' as never;
			mapping.flowType = 'Sometimes' as never;
		});
		expect(validateSchema(document)).toEqual([
			{severity: 'error', pointer: `${pointer}/flowBehavior`, message: "User ← user · Department: flowBehavior 'flowWhenChanged' must be spelled 'FlowWhenChanged' (Graph's enum values are case-sensitive)."},
			{
				severity: 'error',
				pointer: `${pointer}/flowType`,
				message: "User ← user · Department: flowType 'Sometimes' is not one of Always, ObjectAddOnly, MultiValueAddOnly, ValueAddOnly, AttributeAddOnly.",
			},
		]);
	});

	it('checks enum spellings in source trees, object flow types, attribute definitions and directories', () => {
		const document = freshFixture();
		mappingOf(document, 'Mail').source!.parameters![0]!.value.type = 'attribute' as never;
		document.synchronizationRules![0]!.objectMappings![0]!.flowTypes = 'Add, update';
		const attribute = document.directories![0]!.objects![0]!.attributes![0]!;
		attribute.type = 'string' as never;
		attribute.mutability = 'readWrite' as never;
		document.directories![1]!.discoverabilities = 'attributeNames';
		expect(messages(validateSchema(document))).toEqual([
			"error: User ← user: flowTypes 'update' must be spelled 'Update' (Graph's enum values are case-sensitive).",
			"error: User ← user · Mail: source type 'attribute' must be spelled 'Attribute' (Graph's enum values are case-sensitive).",
			`error: Active Directory › user › ${attribute.name}: type 'string' must be spelled 'String' (Graph's enum values are case-sensitive).`,
			`error: Active Directory › user › ${attribute.name}: mutability 'readWrite' must be spelled 'ReadWrite' (Graph's enum values are case-sensitive).`,
			"error: directory Azure Active Directory: discoverabilities 'attributeNames' must be spelled 'AttributeNames' (Graph's enum values are case-sensitive).",
		]);
	});

	it('checks value types', () => {
		const {document} = withMapping((mapping, schema) => {
			(mapping as Record<string, unknown>).defaultValue = 5;
			(mapping as Record<string, unknown>).exportMissingReferences = 'false';
			(schema.synchronizationRules![0]!.objectMappings![1] as Record<string, unknown>).enabled = 'yes';
		});
		expect(messages(validateSchema(document))).toEqual([
			'error: User ← user · Department: defaultValue must be text or null, not 5.',
			"error: User ← user · Department: exportMissingReferences must be true or false or null, not 'false'.",
			"error: SyncCredentialsChangeItem ← (none): enabled must be true or false, not 'yes'.",
		]);
	});

	it('requires target attributes to exist in the target object and to be mapped once', () => {
		const document = freshFixture();
		mappingOf(document, 'Department').targetAttributeName = 'Mail';
		mappingOf(document, 'City').targetAttributeName = 'FavouriteColour';
		expect(messages(validateSchema(document))).toEqual([
			"error: User ← user · FavouriteColour: 'FavouriteColour' is not an attribute of User; add it to the target object's attribute definitions first.",
			"error: User ← user · Mail: 'Mail' is mapped more than once (also attribute mapping 42); a target can be mapped only once.",
			"error: User ← user · Mail: 'Mail' is mapped more than once (also attribute mapping 12); a target can be mapped only once.",
		]);
	});

	it('requires the attributes a source or expression reads to exist in the source object', () => {
		const {document, pointer} = withMapping((mapping) => {
			mapping.source = {expression: 'Join(" ", [givenName], [nickname], [department])', name: 'Join', type: 'Function', parameters: []};
		});
		expect(validateSchema(document)).toEqual([
			{
				severity: 'error',
				pointer: `${pointer}/source`,
				message: 'User ← user · Department: the source attribute [nickname] is not an attribute of user in Active Directory.',
				rule: 'ATTR-1',
				link: expect.stringContaining('customize-application-attributes'),
			},
		]);
		const attribute = withMapping((mapping) => {
			mapping.source = {expression: null, name: 'favouriteColour', type: 'Attribute', parameters: []};
		});
		expect(messages(validateSchema(attribute.document))).toEqual([
			'error: User ← user · Department: the source attribute [favouriteColour] is not an attribute of user in Active Directory.',
		]);
	});

	it('requires matching priorities to be whole numbers, unique among matching attributes', () => {
		const document = freshFixture();
		mappingOf(document, 'Department').matchingPriority = 1;
		mappingOf(document, 'City').matchingPriority = -2;
		expect(messages(validateSchema(document))).toEqual([
			'error: User ← user · City: matchingPriority must be a whole number, 0 (not matching) or more, not -2.',
			"error: User ← user · Department: matching priority 1 is also used by 'onPremisesObjectIdentifier'; each matching attribute needs its own priority.",
			"error: User ← user · onPremisesObjectIdentifier: matching priority 1 is also used by 'Department'; each matching attribute needs its own priority.",
		]);
	});

	it('checks expressions: at most 10,000 characters, syntax, and known functions (unknown ones only warn)', () => {
		const long = withMapping((mapping) => {
			mapping.source = {expression: `Trim("${'x'.repeat(9_992)}")`, name: 'Trim', type: 'Function', parameters: []};
		});
		expect(mappingOf(long.document, 'Department').source?.expression).toHaveLength(10_000);
		expect(validateSchema(long.document)).toEqual([]);
		const tooLong = withMapping((mapping) => {
			mapping.source = {expression: `Trim("${'x'.repeat(9_993)}")`, name: 'Trim', type: 'Function', parameters: []};
		});
		expect(messages(validateSchema(tooLong.document))).toEqual(['error: User ← user · Department: the expression is 10,001 characters long; Graph accepts at most 10,000.']);

		const broken = withMapping((mapping) => {
			mapping.source = {expression: 'Trim([department]', name: 'Trim', type: 'Function', parameters: []};
		});
		expect(messages(validateSchema(broken.document))).toEqual(["error: User ← user · Department: the expression does not parse: unclosed 'Trim(': missing ')' (at character 5)."]);

		const unknown = withMapping((mapping) => {
			mapping.source = {expression: 'Frobnicate([department])', name: 'Frobnicate', type: 'Function', parameters: []};
		});
		expect(validateSchema(unknown.document)).toEqual([
			{
				severity: 'warning',
				pointer: `${unknown.pointer}/source/expression`,
				message: "User ← user · Department: 'Frobnicate' is not a known function (check the spelling; names are case-sensitive).",
				rule: 'FN-1',
				link: expect.stringContaining('functions-for-customizing-application-data'),
			},
		]);
		// The tenant's list (…/schema/functions), when given, is the known list.
		expect(validateSchema(unknown.document, {functions: [...documentedFunctions, 'Frobnicate']})).toEqual([]);
		const withoutTrim = validateSchema(freshFixture(), {functions: documentedFunctions.filter((name) => name !== 'Trim')});
		expect(withoutTrim.length).toBeGreaterThan(0);
		expect(withoutTrim.every((problem) => problem.severity === 'warning' && problem.message.includes("'Trim' is not a known function"))).toBe(true);
	});

	it("offline, knows the functions of the job's own reference: cloud sync's Contains is fine there and warns in an app job", async () => {
		// Microsoft's cloud sync examples, on the real AD2AAD fixture: no FN-1.
		const cloudSync = freshFixture();
		const cloudSyncExpressions = {
			Department: 'Mid(Item([proxyAddresses], Contains([proxyAddresses], "SMTP:")), 6, 256)',
			City: 'DNComponent(CRef([distinguishedName]), 1)',
			Description: 'Join(" ", ConvertFromBase64([department], "UTF8"), StringFromSID([objectSid]))',
		};
		for (const [target, expression] of Object.entries(cloudSyncExpressions)) mappingOf(cloudSync, target).source = {expression, name: '', type: 'Function', parameters: []};
		expect(messages(validateSchema(cloudSync))).toEqual([]);
		// An app-provisioning function is not in cloud sync's reference.
		mappingOf(cloudSync, 'Department').source = {expression: 'Coalesce([department], "none")', name: 'Coalesce', type: 'Function', parameters: []};
		expect(messages(validateSchema(cloudSync))).toEqual(["warning: User ← user · Department: 'Coalesce' is in the app-provisioning function reference only; this cloud sync job may not know it."]);

		// A demo app job's schema (SCIM): Contains and Trim are not in the app reference; Coalesce is.
		const simulator = await startSimulator();
		try {
			const job = simulator.tenant.jobs.find((each) => !/^AD2AAD/.test(each.job.templateId ?? ''))!;
			const app: SynchronizationSchema = JSON.parse(job.schema.text);
			const mapping = app.synchronizationRules![0]!.objectMappings![0]!.attributeMappings!.find((each) => each.source?.type === 'Attribute')!;
			const attribute = mapping.source!.name;
			mapping.source = {expression: `Item([${attribute}], Contains([${attribute}], "SMTP:"))`, name: 'Item', type: 'Function', parameters: []};
			const warnings = validateSchema(app).filter((problem) => problem.rule === 'FN-1');
			expect(warnings.map((problem) => problem.message)).toEqual([expect.stringContaining("'Contains' is in the cloud sync function reference only")]);
			mapping.source = {expression: `Coalesce(Trim([${attribute}]), "none")`, name: 'Coalesce', type: 'Function', parameters: []};
			expect(validateSchema(app).filter((problem) => problem.rule === 'FN-1').map((problem) => problem.message)).toEqual([expect.stringContaining("'Trim' is in the cloud sync function reference only")]);
		} finally {
			await simulator.close();
		}
	});

	it("says in one line that & is not an operator, for cloud sync's own IIF example, in validate and in the editor's parser", () => {
		const example = 'IIF([employeeType]="Intern","t-" & [alias],[alias])';
		const {document} = withMapping((mapping) => {
			mapping.source = {expression: example, name: 'IIF', type: 'Function', parameters: []};
		});
		expect(messages(validateSchema(document))).toEqual([
			'error: User ← user · Department: the expression does not parse: \'&\' is not an operator in provisioning expressions (the syntax has functions, [attributes] and "strings" only): concatenate with Join("", a, b) or Append(a, b) (at character 34).',
		]);
		expect(parseExpressionText(example)).toMatchObject({ok: false, error: {position: 34, message: expect.stringMatching(/^'&' at position 34 is not an operator .*Join\("", a, b\) or Append\(a, b\)\.$/)}});
		// &H hex numbers stay numbers.
		expect(parseExpressionText('BitAnd(&HF, &HF7)').ok).toBe(true);
	});

	it('accepts empty positional arguments and attribute names with : - .', () => {
		const document = freshFixture();
		const directory = document.directories![0]!.objects![0]!.attributes!;
		directory.push({name: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department'}, {name: 'passwordProfile.password'});
		mappingOf(document, 'Department').source = {expression: 'Join("@", [sAMAccountName], )', name: 'Join', type: 'Function', parameters: []};
		mappingOf(document, 'City').source = {
			expression: 'Replace(Join(" ", [urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department], [passwordProfile.password], [mS-DS-ConsistencyGuid]), , "re", , "", , )',
			name: 'Replace',
			type: 'Function',
			parameters: [],
		};
		expect(validateSchema(document)).toEqual([]);
	});

	it('checks that rules name directories of the schema and object mappings name objects of them', () => {
		const document = freshFixture();
		document.synchronizationRules![0]!.targetDirectoryName = 'Microsoft Entra ID';
		expect(messages(validateSchema(document))).toEqual([
			"error: rule AD2AADProvisioning: targetDirectoryName 'Microsoft Entra ID' is not a directory of this schema (Active Directory, Azure Active Directory).",
		]);
		const objects = freshFixture();
		objects.synchronizationRules![0]!.objectMappings![0]!.sourceObjectName = 'person';
		expect(messages(validateSchema(objects))).toEqual(["error: User ← person: the source object 'person' is not in directory 'Active Directory'."]);
	});

	it('checks scoping clauses: operator names and operands', () => {
		const document = freshFixture();
		const clauses = document.synchronizationRules![0]!.objectMappings![0]!.scope!.inputFilterGroups![0]!.clauses!;
		clauses[0]!.operatorName = 'is false';
		clauses[1]!.targetOperand = null;
		clauses[2]!.sourceOperandName = 'nickname';
		const group = `User ← user · scope inputFilterGroups 'DefaultUserExclusions.0.UX-OrganizationalGroup-Scope'`;
		expect(messages(validateSchema(document))).toEqual([
			`warning: ${group}: isCriticalSystemObject is false: 'is false' is not a known operator (did you mean 'IS FALSE'?).`,
			`warning: ${group}: adminDescription NOT REGEX MATCH: NOT REGEX MATCH compares with a value, but the clause has none.`,
			`warning: ${group}: nickname IS NOT NULL: 'nickname' is not an attribute of the source object.`,
		]);
	});

	it('with `only`, reports just the problems of the changed nodes', () => {
		const document = freshFixture();
		mappingOf(document, 'Department').flowType = 'always' as never;
		mappingOf(document, 'City').flowType = 'always' as never;
		const city = pointerOf(document, 'City');
		expect(validateSchema(document, {only: [city]}).map((problem) => problem.pointer)).toEqual([`${city}/flowType`]);
		expect(validateSchema(document, {only: [credentialsMapping]})).toEqual([]);
		expect(validateSchema(document, {only: [userMapping]})).toHaveLength(2);
		mappingOf(document, 'Mail').targetAttributeName = 'City';
		expect(messages(validateSchema(document, {only: [city]}))).toContain(
			"error: User ← user · City: 'City' is mapped more than once (also attribute mapping 42); a target can be mapped only once.",
		);
	});
});

describe('validateWithServer', () => {
	let simulator: Simulator;
	beforeAll(async () => {
		simulator = await startSimulator();
	});
	afterAll(() => simulator.close());

	it("reports what the server's parser rejects, with its message, and nothing for good expressions", async () => {
		const graph = graphFor(simulator);
		const expressions = [
			{pointer: '/a', expression: 'Join("@", [sAMAccountName], )'},
			{pointer: '/b', expression: 'Frobnicate([mail])', label: 'User ← user · Mail'},
			{pointer: '/c', expression: 'Trim([mail])'},
		];
		// Locally the unknown function is only a warning; the server refuses it.
		const problems = await validateWithServer(graph, cloudSyncServicePrincipalId, cloudSyncProvisioningJobId, expressions);
		expect(problems).toHaveLength(1);
		expect(problems[0]).toMatchObject({severity: 'error', pointer: '/b'});
		expect(problems[0]?.message).toMatch(/^User ← user · Mail: Graph rejects the expression: Unknown function 'Frobnicate'/);
		const calls = simulator.requests.filter((request) => request.path.endsWith('/parseExpression'));
		expect(calls).toHaveLength(3);
	});

	it('can check every expression of a schema file', async () => {
		const expressions = allExpressions(freshFixture());
		expect(expressions.length).toBeGreaterThan(100);
		expect(expressions[0]).toMatchObject({pointer: `${userMapping}/attributeMappings/0/source/expression`, label: 'User ← user · AccountEnabled'});
		expect(await validateWithServer(graphFor(simulator), cloudSyncServicePrincipalId, cloudSyncProvisioningJobId, expressions)).toEqual([]);
	});
});
