/**
 * Each lint rule fires on the trap it names and stays quiet on the safe form; Microsoft's shipped schemas (the real
 * cloud sync export) and every demo tenant schema have no findings; a case file's silence turns one off per
 * mapping; validateSchema reports the rule ids (so `validate`, import, patch and the explorer's write agree).
 */
import {describe, expect, it} from 'vitest';
import {findingsByMapping, lintRules, lintSchema} from '../../source/expressions/lint.js';
import {validateSchema} from '../../source/edit/validate.js';
import {buildSchemaIndex} from '../../source/schema/navigation.js';
import type {AttributeMapping, SynchronizationSchema} from '../../source/schema/types.js';
import {DemoTenant} from '../../source/simulator/index.js';
import {parseFixture} from '../schema/fixture.js';

/** The demo tenant's Workday → AD schema: an app provisioning job to on-premises AD. */
function workday(): SynchronizationSchema {
	const tenant = new DemoTenant();
	const job = tenant.jobs.find((each) => each.job.templateId === 'WorkdayToAD')!;
	return JSON.parse(job.schema.text) as SynchronizationSchema;
}

/** The demo SCIM app: app provisioning from Entra to a SCIM endpoint. */
function scim(): SynchronizationSchema {
	const tenant = new DemoTenant();
	const job = tenant.jobs.find((each) => each.job.templateId === 'customappssoOutDelta')!;
	return JSON.parse(job.schema.text) as SynchronizationSchema;
}

function mapping(schema: SynchronizationSchema, target: string): AttributeMapping {
	const found = [...buildSchemaIndex(schema).attributeMappings()].find((each) => each.model.targetAttributeName === target);
	if (!found) throw new Error(`no mapping ${target}`);
	return found.model;
}

function withExpression(schema: SynchronizationSchema, target: string, expression: string, changes: Partial<AttributeMapping> = {}): SynchronizationSchema {
	Object.assign(mapping(schema, target), {source: {type: 'Function', name: 'X', expression, parameters: []}, ...changes});
	return schema;
}

const rules = (schema: SynchronizationSchema) => lintSchema(schema).findings.map((finding) => finding.rule);

describe('lint rules', () => {
	it('every rule has an id, a severity, a one-line summary and a learn.microsoft.com link', () => {
		expect(new Set(lintRules.map((rule) => rule.id)).size).toBe(lintRules.length);
		for (const rule of lintRules) {
			expect(rule.summary).not.toMatch(/\n/);
			expect(rule.link).toMatch(/^https:\/\/learn\.microsoft\.com\//);
		}
	});

	it("find nothing in Microsoft's real cloud sync schema or in any demo tenant schema", () => {
		expect(lintSchema(parseFixture()).findings).toEqual([]);
		const tenant = new DemoTenant({largeSchema: {attributeMappings: 40, attributeDefinitions: 60}});
		for (const job of tenant.jobs) {
			if (job.job.templateId === 'ContosoHRLarge') continue; // random expressions, see the next test
			expect(lintSchema(JSON.parse(job.schema.text) as SynchronizationSchema).findings, job.job.templateId).toEqual([]);
		}
	});

	it('SelectUniqueValue: nested, one rule, on a matching attribute, not ObjectAddOnly, not to on-premises AD', () => {
		expect(rules(workday())).toEqual([]);
		expect(rules(withExpression(workday(), 'cn', 'Join("", SelectUniqueValue([a], [b]))', {flowType: 'ObjectAddOnly'}))).toEqual(['SUV-1']);
		expect(rules(withExpression(workday(), 'cn', 'SelectUniqueValue([PreferredFirstName])', {flowType: 'ObjectAddOnly'}))).toEqual(['SUV-2']);
		expect(rules(withExpression(workday(), 'employeeID', 'SelectUniqueValue([WorkerID], [PreferredFirstName])', {flowType: 'ObjectAddOnly'}))).toEqual(['SUV-3']);
		expect(rules(withExpression(workday(), 'cn', 'SelectUniqueValue([PreferredFirstName], [PreferredLastName])', {flowType: 'Always'}))).toEqual(['SUV-4']);
		expect(rules(withExpression(scim(), 'userName', 'SelectUniqueValue([mail], [userPrincipalName])', {flowType: 'ObjectAddOnly', matchingPriority: 0}))).toContain('SUV-5');
	});

	it('FormatDateTime: argument count and output format per job kind', () => {
		expect(rules(withExpression(workday(), 'extensionAttribute3', 'FormatDateTime([StatusHireDate], "yyyy-MM-dd")'))).toEqual(['FDT-1']);
		expect(rules(withExpression(workday(), 'extensionAttribute3', 'FormatDateTime([StatusHireDate], , "yyyy-MM-dd", )'))).toEqual(['FDT-1']);
		expect(rules(withExpression(workday(), 'extensionAttribute3', 'FormatDateTime([StatusHireDate], "yyyy-MM-ddzzz", "yyyyMMdd")'))).toEqual(['FDT-3']);
		expect(rules(withExpression(workday(), 'extensionAttribute3', 'FormatDateTime([StatusHireDate], , "yyyy-MM-ddzzz", "yyyyMMdd")'))).toEqual([]);
		// Cloud sync documents three arguments; Microsoft's own LastPasswordChangeTimestamp uses them.
		expect(rules(withExpression(parseFixture(), 'City', 'FormatDateTime([l], , "yyyy", "yyyy")'))).toEqual(['FDT-1']);
		expect(rules(withExpression(parseFixture(), 'City', 'FormatDateTime([l], "yyyy", "yyyy")'))).toEqual([]);
	});

	it('IIF on null or empty input (app jobs) and comparisons outside an IIF or CBool condition', () => {
		expect(rules(withExpression(scim(), 'userType', 'IIF(IsPresent([userType]), [userType], "Member")'))).toEqual(['IIF-2']);
		expect(rules(withExpression(scim(), 'userType', 'IIF([userType]="", "Member", [userType])'))).toEqual(['IIF-2']);
		expect(rules(withExpression(scim(), 'userType', 'Switch([userType], [userType], "", "Member")'))).toEqual([]);
		// Cloud sync's own defaults use IIF(IsPresent(…)): the rule is for app provisioning only.
		expect(rules(parseFixture())).toEqual([]);
		expect(rules(withExpression(scim(), 'userType', 'Join(" ", [userType]="Guest")'))).toEqual(['IIF-3']);
		expect(rules(withExpression(scim(), 'userType', 'CBool([userType]="Guest")'))).toEqual([]);
	});

	it('Switch: argument count, presence tests as its source, and no result for unmatched or empty input', () => {
		expect(rules(withExpression(scim(), 'userType', 'Switch([userType], "Member", "Guest")'))).toEqual(['SW-1']);
		expect(rules(withExpression(scim(), 'userType', 'Switch(IsPresent([userType]), "Member", "True", [userType])'))).toEqual(['SW-2']);
		expect(rules(withExpression(scim(), 'userType', 'Switch([userType], , "Guest", "Guest", "Member", "Member")'))).toEqual(['SW-NULL']);
		expect(rules(withExpression(scim(), 'userType', 'Switch([userType], , "Guest", "Guest", "", "Member")'))).toEqual([]);
		expect(rules(withExpression(scim(), 'userType', 'Switch([userType], "Member", "Guest", "Guest")'))).toEqual([]);
		// The reference's own example: no value means "leave the attribute out of the flow".
		expect(rules(withExpression(scim(), 'userType', 'IgnoreFlowIfNullOrEmpty(Switch([userType], "", "3443", "Dr.", "3444", "Prof."))'))).toEqual([]);
		expect(rules(withExpression(scim(), 'userType', 'Switch([userType], "", "3443", "Dr.", "3444", "Prof.")'))).toEqual(['SW-NULL']);
		// Two-valued flags covered by their keys (Microsoft's SCIM `active` default): every input has a result.
		expect(rules(withExpression(scim(), 'userType', 'Switch([IsSoftDeleted], , "False", "True", "True", "False")'))).toEqual([]);
	});

	it('Item index 0, DateAdd intervals, RandomString lengths, wrong-case function names', () => {
		expect(rules(withExpression(scim(), 'userType', 'Item([proxyAddresses], 0)'))).toEqual(['ITEM-1']);
		expect(rules(withExpression(scim(), 'userType', 'Item([proxyAddresses], 1)'))).toEqual([]);
		expect(rules(withExpression(scim(), 'userType', 'DateAdd("mi", 5, Now())'))).toEqual(['DATE-1']);
		expect(rules(withExpression(scim(), 'userType', 'DateAdd("n", 5, Now())'))).toEqual([]);
		expect(rules(withExpression(scim(), 'userType', 'RandomString(300, 1, 1, 1, 1)'))).toEqual(['RAND-1']);
		expect(rules(withExpression(scim(), 'userType', 'RandomString(3, 1, 1, 1, 1)'))).toEqual(['RAND-1']);
		expect(rules(withExpression(scim(), 'userType', 'RandomString(8, 1, 1, 1, 1)'))).toEqual([]);
		expect(rules(withExpression(scim(), 'userType', 'trim([userType])'))).toEqual(['CASE-1']);
	});

	it('scoping clauses: unsupported attributes, IsMemberOf, multi-valued attributes, Greater_Than on text', () => {
		const clause = (sourceOperandName: string, operatorName: string, values: string[] | null) => {
			const schema = scim();
			schema.synchronizationRules![0]!.objectMappings![0]!.scope = {groups: [{name: 'g', clauses: [{sourceOperandName, operatorName, targetOperand: values ? {values} : null}]}]};
			return rules(schema);
		};
		expect(clause('userType', 'EQUALS', ['Member'])).toEqual(['SCOPE-1']);
		expect(clause('manager', 'IS NOT NULL', null)).toEqual(['SCOPE-1']);
		expect(clause('department', 'EQUALS', ['Sales'])).toEqual([]);
		expect(clause('IsMemberOf', 'EQUALS', ['Sales team'])).toEqual(['SCOPE-2']);
		expect(clause('proxyAddresses', 'Includes', ['smtp:a@contoso.com'])).toEqual(['SCOPE-3']);
		expect(clause('employeeId', 'Greater_Than', ['abc'])).toEqual(['SCOPE-4']);
		expect(clause('employeeId', 'Greater_Than', ['1000'])).toEqual(['SCOPE-4']);
	});

	it('matching on a multi-valued attribute, flowType in cloud sync, appRoleAssignments mapped directly', () => {
		const multi = scim();
		Object.assign(mapping(multi, 'userName'), {source: {type: 'Attribute', name: 'proxyAddresses', expression: '[proxyAddresses]', parameters: []}});
		expect(rules(multi)).toEqual(['MATCH-6']);
		const flow = parseFixture();
		mapping(flow, 'City').flowType = 'ObjectAddOnly';
		expect(rules(flow)).toEqual(['FLOW-1']);
		const appOnly = scim();
		mapping(appOnly, 'userType').flowType = 'ObjectAddOnly';
		expect(rules(appOnly)).toEqual([]);
		const roles = scim();
		Object.assign(mapping(roles, 'userType'), {source: {type: 'Attribute', name: 'appRoleAssignments', expression: '[appRoleAssignments]', parameters: []}});
		expect(rules(roles)).toEqual(['ROLE-1']);
	});

	it('a silence in the case file turns a rule off for its mapping only, and says why', () => {
		const schema = withExpression(scim(), 'userType', 'Switch([userType], , "Guest", "Guest", "Member", "Member")');
		withExpression(schema, 'displayName', 'Switch([displayName], , "a", "b")');
		const silence = [{rule: 'SW-NULL', target: 'userType', reason: 'every user is a Guest or a Member'}];
		const result = lintSchema(schema, {silence});
		expect(result.findings.map((finding) => `${finding.rule} ${finding.target}`)).toEqual(['SW-NULL displayName']);
		expect(result.silenced).toMatchObject([{rule: 'SW-NULL', target: 'userType', reason: 'every user is a Guest or a Member'}]);
		expect(validateSchema(schema, {silence}).filter((problem) => problem.rule === 'SW-NULL')).toHaveLength(1);
		expect(validateSchema(schema).filter((problem) => problem.rule === 'SW-NULL')).toHaveLength(2);
		// A silence names the rule; another rule on the same mapping still reports.
		expect(lintSchema(schema, {silence: [{rule: 'SW-1', target: 'userType', reason: 'x'}]}).findings).toHaveLength(2);
	});

	it('lints only the changed mappings when told which (an edit in a large schema)', () => {
		const schema = withExpression(scim(), 'userType', 'Item([proxyAddresses], 0)');
		withExpression(schema, 'displayName', 'Item([proxyAddresses], 0)');
		const userType = [...buildSchemaIndex(schema).attributeMappings()].find((each) => each.model.targetAttributeName === 'userType')!;
		expect(lintSchema(schema).findings.map((finding) => finding.target).sort()).toEqual(['displayName', 'userType']);
		expect(lintSchema(schema, {only: [`${userType.pointer}/source`]}).findings.map((finding) => finding.target)).toEqual(['userType']);
		expect(validateSchema(schema, {only: [userType.pointer]}).map((problem) => problem.rule)).toEqual(['ITEM-1']);
	});

	it('validateSchema carries rule ids and links, errors block and warnings show; findings group by mapping', () => {
		const schema = withExpression(scim(), 'userType', 'Item([proxyAddresses], 0)');
		const problems = validateSchema(schema);
		expect(problems).toEqual([
			expect.objectContaining({severity: 'error', rule: 'ITEM-1', link: expect.stringContaining('#item'), message: expect.stringMatching(/^User ← User · userType: Item\(\[…\], 0\): Item counts from 1\.$/)}),
		]);
		const byMapping = findingsByMapping(lintSchema(schema).findings);
		const userType = [...buildSchemaIndex(schema).attributeMappings()].find((each) => each.model.targetAttributeName === 'userType')!;
		expect([...byMapping.keys()]).toEqual([userType.pointer]);
		expect(byMapping.get(userType.pointer)?.map((finding) => finding.severity)).toEqual(['error']);
	});
});
