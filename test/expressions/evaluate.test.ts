/**
 * The local evaluator against Microsoft's function reference: each documented example input gives the documented
 * output, nulls and multi-valued inputs behave as documented, failures are in words, and what needs the service
 * says so. The fixture's own expressions evaluate the same from their text and from their stored parse tree.
 */
import {describe, expect, it} from 'vitest';
import {evaluableSource, fromMappingSource, fromSyntaxTree} from '../../source/expressions/evaluable.js';
import {type EvaluationOutcome, type ExpressionValue, evaluateExpression} from '../../source/expressions/evaluate.js';
import {parseExpressionText} from '../../source/expressions/parser.js';
import {findMapping, runLocalTest} from '../../source/expressions/test-runner.js';
import {parseExpression} from '../../source/schema/expression.js';
import {buildSchemaIndex} from '../../source/schema/navigation.js';
import {parseFixture} from '../schema/fixture.js';

function run(text: string, input: Record<string, ExpressionValue> = {}, options: Parameters<typeof evaluateExpression>[2] = {}): EvaluationOutcome {
	const source = evaluableSource({type: 'Function', expression: text});
	if (!source.ok) throw new Error(source.message);
	return evaluateExpression(source.node, new Map(Object.entries(input)), options);
}

/** The single value, or the list, or null; throws with the message on failure so a test shows it. */
function value(text: string, input: Record<string, ExpressionValue> = {}, options: Parameters<typeof evaluateExpression>[2] = {}): ExpressionValue {
	const outcome = run(text, input, options);
	if (!outcome.ok) throw new Error(outcome.message);
	if (outcome.values.length === 0) return null;
	return outcome.multiValued ? outcome.values : outcome.values[0]!;
}

describe("the fixture's AccountEnabled expression", () => {
	const schema = parseFixture();
	const accountEnabled = findMapping(schema, {target: 'AccountEnabled'});

	it('gives "False" for userAccountControl 514 (disabled) and "True" for 512', () => {
		expect(runLocalTest(accountEnabled, {userAccountControl: '514'})).toMatchObject({ok: true, mode: 'local', value: 'False'});
		expect(runLocalTest(accountEnabled, {userAccountControl: '512'})).toMatchObject({ok: true, mode: 'local', value: 'True'});
	});

	it('falls back to Not([accountDisabled]) when userAccountControl is absent', () => {
		expect(runLocalTest(accountEnabled, {accountDisabled: 'True'})).toMatchObject({ok: true, value: 'False'});
		// Not: "If source value is True, returns False. Otherwise, returns True" — null included.
		expect(runLocalTest(accountEnabled, {})).toMatchObject({ok: true, value: 'True'});
	});
});

describe('documented examples of the function reference', () => {
	it.each([
		['Append([userPrincipalName], ".test")', {userPrincipalName: 'John.Doe@contoso.com'}, 'John.Doe@contoso.com.test'],
		['BitAnd(&HF, &HF7)', {}, '7'],
		['CBool([attribute1] = [attribute2])', {attribute1: 'a', attribute2: 'a'}, 'True'],
		['CDate([StatusHireDate])', {StatusHireDate: '2020-03-16-07:00'}, '3/16/2020 7:00:00 AM'],
		['CDate("2021-06-30+08:00")', {}, '6/29/2021 4:00:00 PM'],
		['CDate("2009-06-15T01:45:30-07:00")', {}, '6/15/2009 8:45:30 AM'],
		['Coalesce([mail],[userPrincipalName])', {userPrincipalName: 'John.Doe@contoso.com'}, 'John.Doe@contoso.com'],
		['ConvertToBase64("Hello world!")', {}, 'SABlAGwAbABvACAAdwBvAHIAbABkACEA'],
		['ConvertToUTF8Hex("Hello world!")', {}, '48656C6C6F20776F726C6421'],
		['ConvertFromBase64("SGVsbG8gd29ybGQh", UTF8)', {}, 'Hello world!'],
		['DateAdd("d", 7, CDate([StatusHireDate]))', {StatusHireDate: '2012-03-16-07:00'}, '3/23/2012 7:00:00 AM'],
		['DateAdd("d", -10, CDate([StatusHireDate]))', {StatusHireDate: '2012-03-16-07:00'}, '3/6/2012 7:00:00 AM'],
		['DateAdd("ww", 2, CDate([StatusHireDate]))', {StatusHireDate: '2012-03-16-07:00'}, '3/30/2012 7:00:00 AM'],
		['DateAdd("m", 10, CDate([StatusHireDate]))', {StatusHireDate: '2012-03-16-07:00'}, '1/16/2013 7:00:00 AM'],
		['DateAdd("yyyy", 2, CDate([StatusHireDate]))', {StatusHireDate: '2012-03-16-07:00'}, '3/16/2014 7:00:00 AM'],
		['DateDiff("d", CDate("2021-08-18+08:00"), CDate("2021-08-31+08:00"))', {}, '13'],
		['DateDiff("d", CDate("8/25/2021 5:41:18 PM"), CDate("2012-03-16-07:00"))', {}, '-3449'],
		['DateDiff("ww", CDate("8/25/2021 5:41:18 PM"), CDate("2012-03-16-07:00"))', {}, '-493'],
		['DateDiff("m", CDate("8/25/2021 5:41:18 PM"), CDate("2012-03-16-07:00"))', {}, '-113'],
		['DateDiff("yyyy", CDate("8/25/2021 5:41:18 PM"), CDate("2012-03-16-07:00"))', {}, '-9'],
		['DateDiff("h", CDate("2021-08-24"), CDate("2021-08-25"))', {}, '24'],
		['DateDiff("n", CDate("2021-08-24"), CDate("2021-08-25"))', {}, '1440'],
		['DateDiff("s", CDate("2021-08-24"), CDate("2021-08-25"))', {}, '86400'],
		['DateFromNum(129699324000000000)', {}, '1/1/2012 11:00:00 PM'],
		['DNComponent(CRef([dn]), 1)', {dn: 'cn=Joe,ou=Sales,dc=contoso,dc=com'}, 'Joe'],
		['FormatDateTime([extensionAttribute1], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")', {extensionAttribute1: '20150123105347.1Z'}, '2015-01-23'],
		['IIF([country]="USA",[country],[department])', {country: 'USA', department: 'Sales'}, 'USA'],
		['IIF([country]="USA",[country],[department])', {country: 'NL', department: 'Sales'}, 'Sales'],
		['IIF([country]="USA",IIF([state]="CA","True","False"),"False")', {country: 'USA', state: 'CA'}, 'True'],
		['InStr("The quick brown fox","quick")', {}, '5'],
		['InStr("repEated","e",3,vbBinaryCompare)', {}, '7'],
		['IsNull([displayName])', {}, 'True'],
		['IsNullOrEmpty([displayName])', {displayName: ''}, 'True'],
		['IsPresent([displayName])', {displayName: ''}, 'False'],
		['Item([proxyAddresses], 1)', {proxyAddresses: ['SMTP:a@contoso.com', 'smtp:b@contoso.com']}, 'SMTP:a@contoso.com'],
		['Join(", ", "", [surname], [givenName])', {givenName: 'John', surname: 'Doe'}, 'Doe, John'],
		['Left("John Doe", 3)', {}, 'Joh'],
		['Append(Mid([givenName], 1, 3), Mid([surname], 1, 5))', {givenName: 'John', surname: 'Doe'}, 'JohDoe'],
		['NormalizeDiacritics([givenName])', {givenName: 'Zoë'}, 'Zoe'],
		['NormalizeDiacritics([givenName])', {givenName: 'Jéssica Ærø Straße'}, 'Jessica AEroe Strasse'],
		['PCase([firstName])', {firstName: 'PABLO GONSALVES (SECOND)'}, 'Pablo Gonsalves (Second)'],
		['PCase([lastName]," \'-")', {lastName: "PINTO-DE'SILVA"}, "Pinto-De'Silva"],
		['PCase(Join(" ",[firstName],[lastName]))', {firstName: 'GREGORY', lastName: 'JAMES'}, 'Gregory James'],
		['Replace([BusinessTitle],"Product Developer", , , "Software Engineer", , )', {BusinessTitle: 'Product Developer'}, 'Software Engineer'],
		['Replace([UserID],"<username>", , , , , "<username>@contoso.com")', {UserID: 'jsmith'}, 'jsmith@contoso.com'],
		// biome-ignore lint/suspicious/noTemplateCurlyInString: ${phoneNumber} is the expression language's regex group reference.
		['Replace([telephoneNumber], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})", , "${phoneNumber}", , )', {telephoneNumber: '+91 9998887777'}, '9998887777'],
		['Replace([AddressLineData], ,"(?<streetNumber>^\\\\d*)","streetNumber", "888", , )', {AddressLineData: '545 Tremont Street'}, '888 Tremont Street'],
		['Replace([userPrincipalName], , "(?<Suffix>@(.)*)", "Suffix", "", , )', {userPrincipalName: 'jsmith@contoso.com'}, 'jsmith'],
		['Replace([telephoneNumber], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})", "phoneNumber" , , [mobile], )', {telephoneNumber: '', mobile: '+91 8887779999'}, '8887779999'],
		['Replace([mailNickname], , "[a-zA-Z_]*", , "", , )', {mailNickname: 'john_doe72'}, '72'],
		['Replace([mail], "@contoso.com", , ,"", ,)', {mail: 'john.doe@contoso.com'}, 'john.doe'],
		['Replace([preferredLanguage], "-", , , "_", , )', {preferredLanguage: 'EN-US'}, 'EN_US'],
		['Switch([state], "Australia/Sydney", "NSW", "Australia/Sydney","QLD", "Australia/Brisbane", "SA", "Australia/Adelaide")', {state: 'QLD'}, 'Australia/Brisbane'],
		['Switch([state], "Australia/Sydney", "NSW", "Australia/Sydney","QLD", "Australia/Brisbane", "SA", "Australia/Adelaide")', {state: 'WA'}, 'Australia/Sydney'],
		['Switch([statusFlag], "Default Value", "true", "1", "", "0")', {}, '0'],
		['Switch([country],[country],"","Other")', {}, 'Other'],
		['ToLower(Join("@", NormalizeDiacritics(StripSpaces(Join(".",  [PreferredFirstName], [PreferredLastName]))), "contoso.com"))', {PreferredFirstName: 'John', PreferredLastName: 'Smith'}, 'john.smith@contoso.com'],
		['Trim(" Test ")', {}, 'Test'],
		['Word("The quick brown fox",3," ")', {}, 'brown'],
		['Word("This,string!has&many separators",3,",!&#")', {}, 'has'],
		['NumFromDate(Join("", FormatDateTime([ContractEndDate], ,"yyyy-MM-ddzzz", "yyyy-MM-dd"), " 23:59:59-08:00"))', {ContractEndDate: '2020-12-31-08:00'}, '132539615990000000'],
	])('%s on %j gives %j', (expression, input, expected) => {
		expect(value(expression, input as Record<string, ExpressionValue>)).toBe(expected);
	});

	it('Split gives a multi-valued result, and multi-valued attributes flow through Trim and RemoveDuplicates value by value', () => {
		expect(value('Split([extensionAttribute5], ",")', {extensionAttribute5: 'PermissionSetOne,PermissionSetTwo'})).toEqual(['PermissionSetOne', 'PermissionSetTwo']);
		expect(value('RemoveDuplicates(Trim([proxyAddresses]))', {proxyAddresses: ['SMTP:a@x.com ', ' SMTP:a@x.com', 'smtp:b@x.com']})).toEqual(['SMTP:a@x.com', 'smtp:b@x.com']);
		expect(value('Join(";", [proxyAddresses])', {proxyAddresses: ['a', 'b']})).toBe('a;b');
		expect(value('Count([proxyAddresses])', {proxyAddresses: ['a', 'b', 'c']})).toBe('3');
	});
});

describe('nulls', () => {
	it('treats an absent attribute as null, as the reference does ("expressed by the absence of the attribute")', () => {
		expect(value('Trim([department])')).toBeNull();
		expect(value('Coalesce([mail], "")')).toBe('');
		// Documented: Left and Word give "" for a null string.
		expect(value('Left([middleName], 1)')).toBe('');
		expect(value('Word([x], 1, " ")')).toBe('');
		expect(value('IIF([country]="USA", "a", "b")')).toBe('b');
		expect(run('Trim([department])')).toEqual({ok: true, values: []});
		expect(run('Trim([department])', {department: ''})).toEqual({ok: true, values: ['']});
	});

	it('IgnoreFlowIfNullOrEmpty says the attribute is left out of the flow', () => {
		const outcome = run('IgnoreFlowIfNullOrEmpty([department])', {department: ''});
		expect(outcome).toMatchObject({ok: true, values: []});
		expect(outcome.ok && outcome.notes?.[0]).toMatch(/left out of the flow/);
	});
});

describe('errors and what cannot be evaluated, in words', () => {
	it('Error() fails with its message', () => {
		expect(run('Error("AccountName is not present")')).toEqual({ok: false, message: 'AccountName is not present', reason: 'error'});
	});

	it('names a multi-valued input where one value is needed', () => {
		expect(run('IIF([x]="1","a","b")', {x: ['1', '2']})).toEqual({
			ok: false,
			reason: 'error',
			message: 'a comparison needs one value, but [x] has 2 values (pick one with Item(…, 1))',
		});
	});

	it('explains bad arguments', () => {
		expect(run('Item([p], 0)', {p: ['a']})).toMatchObject({ok: false, message: expect.stringContaining('Item counts from 1')});
		expect(run('DateAdd("q", 1, Now())')).toMatchObject({ok: false, message: expect.stringMatching(/interval must be one of yyyy, m, d, ww, h, n, s/)});
		expect(run('FormatDateTime([d], , "yyyy-MM-dd", "dd.MM.yyyy")', {d: '16/03/2020'})).toMatchObject({ok: false, message: expect.stringContaining('does not match the input format "yyyy-MM-dd"')});
		expect(run('BitAnd([userAccountControl], 2)', {userAccountControl: 'abc'})).toMatchObject({ok: false, message: 'BitAnd needs whole numbers, not "abc"'});
		expect(run('RandomString(300,1,1,1,1)')).toMatchObject({ok: false, message: expect.stringContaining('at most 256')});
		expect(run('Replace([x], , "(", , "", , )', {x: 'a'})).toMatchObject({ok: false, message: expect.stringMatching(/^the regular expression "\(" is not valid/)});
	});

	it('says when a function needs the service, rather than guessing', () => {
		expect(run('AppRoleAssignmentsComplex([appRoleAssignments])')).toMatchObject({ok: false, reason: 'unsupported', message: expect.stringContaining("app role assignments, which a local test does not have")});
		expect(run('Frobnicate([x])')).toEqual({ok: false, reason: 'unsupported', message: "'Frobnicate' is not a function this evaluator knows, so it cannot evaluate it"});
		const schema = parseFixture();
		const department = findMapping(schema, {target: 'Department'});
		department.model.source = {type: 'Function', name: 'Frobnicate', expression: 'Frobnicate([department])', parameters: []};
		expect(runLocalTest(department, {department: 'x'})).toEqual({
			ok: false,
			mode: 'local',
			reason: 'unsupported',
			message: "'Frobnicate' is not a function this evaluator knows, so it cannot evaluate it; test it through Graph (--sp)",
		});
		expect(run('DefaultDomain()')).toMatchObject({ok: false, reason: 'unsupported'});
		expect(run('DefaultDomain()', {}, {defaultDomain: 'contoso.com'})).toEqual({ok: true, values: ['contoso.com']});
	});

	it('notes results that the service would compute differently', () => {
		const unique = run('SelectUniqueValue(Join("", [a], "1"), [b])', {a: 'x'});
		expect(unique).toMatchObject({ok: true, values: ['x1']});
		expect(unique.ok && unique.notes?.join(' ')).toMatch(/unique in the target directory/);
		const random = run('RandomString(10,2,2,2,1,"?,")');
		expect(random.ok && random.values[0]).toMatch(/^[^?,]{10}$/);
		expect(random.ok && random.notes?.[0]).toMatch(/random/);
	});

	it('follows the job kind where the references differ: Item out of bounds fails in cloud sync', () => {
		expect(value('Item([p], 3)', {p: ['a']})).toBeNull();
		expect(run('Item([p], 3)', {p: ['a']}, {flavor: 'cloudSync'})).toMatchObject({ok: false, message: expect.stringContaining('out of bounds')});
	});
});

describe('evaluating from the stored parse tree', () => {
	it("gives the same results as the text for every Function mapping of the real cloud sync schema", () => {
		const input = new Map<string, ExpressionValue>([
			['userAccountControl', '514'],
			['pwdLastSet', '129699324000000000'],
			['url', ['https://contoso.com ', 'https://b']],
			['postOfficeBox', ['PO 1']],
			['proxyAddresses', ['SMTP:a@contoso.com', 'SMTP:a@contoso.com ']],
			['description', ` ${'d'.repeat(500)} `],
			['displayName', ''],
			['cn', 'Adele Vance'],
			['sAMAccountName', 'adelev'],
			['department', ' Sales '],
		]);
		let compared = 0;
		for (const mapping of buildSchemaIndex(parseFixture()).attributeMappings()) {
			const source = mapping.model.source;
			if (source?.type !== 'Function') continue;
			const fromText = evaluableSource(source);
			const tree = fromMappingSource(source);
			expect(tree).toBeDefined();
			const text = parseExpression(source.expression ?? '');
			if (!text.ok || !tree || !fromText.ok) throw new Error(`${source.expression} does not parse`);
			if (fromText.from === 'tree') continue;
			expect(evaluateExpression(tree, input, {flavor: 'cloudSync'}), source.expression ?? '').toEqual(evaluateExpression(fromSyntaxTree(text.ast), input, {flavor: 'cloudSync'}));
			compared++;
		}
		expect(compared).toBeGreaterThan(50);
	});

	it("uses the tree where it holds more than the text: Join(\"@\", [sAMAccountName], ) is stored with the %DomainFQDN% placeholder", () => {
		const mapping = findMapping(parseFixture(), {target: 'onPremisesUserPrincipalName'});
		const placeholder = runLocalTest(mapping, {sAMAccountName: 'adelev'}, {flavor: 'cloudSync'});
		expect(placeholder).toMatchObject({ok: true, value: 'adelev@%DomainFQDN%'});
		expect(placeholder.ok && placeholder.notes.join(' ')).toMatch(/stored parse tree.*%DomainFQDN% is filled in by the service/);
		expect(runLocalTest(mapping, {sAMAccountName: 'adelev', '%DomainFQDN%': 'corp.contoso.com'})).toMatchObject({ok: true, value: 'adelev@corp.contoso.com'});
		expect(runLocalTest(mapping, {userPrincipalName: 'adele@contoso.com', sAMAccountName: 'adelev'})).toMatchObject({ok: true, value: 'adele@contoso.com'});
		expect(runLocalTest(mapping, {})).toEqual({ok: false, mode: 'local', message: 'AccountName is not present', reason: 'error'});
	});

	it('uses the tree when the text is missing, and keeps Replace\'s slots by key', () => {
		const parsed = parseExpressionText('Replace([preferredLanguage], "-", , , "_", , )');
		expect(parsed.ok).toBe(true);
		// The documented parse tree of this expression (keys source, Find, Replacement), without its text.
		const source = {
			type: 'Function' as const,
			name: 'Replace',
			expression: null,
			parameters: [
				{key: 'source', value: {type: 'Attribute' as const, name: 'preferredLanguage', expression: '[preferredLanguage]', parameters: []}},
				{key: 'Find', value: {type: 'Constant' as const, name: '-', expression: '"-"', parameters: []}},
				{key: 'Replacement', value: {type: 'Constant' as const, name: '_', expression: '"_"', parameters: []}},
			],
		};
		const evaluable = evaluableSource(source);
		expect(evaluable).toMatchObject({ok: true, from: 'tree', text: 'Replace([preferredLanguage], "-", , , "_")'});
		if (evaluable.ok) expect(evaluateExpression(evaluable.node, new Map([['preferredLanguage', 'EN-US']]))).toEqual({ok: true, values: ['EN_US']});
	});
});
