/**
 * Microsoft's documented examples, input → output, for what the first evaluator approximated: the cloud sync
 * reference's Contains/Item/Mid example and Connect sync's Contains, .NET regular expressions (Replace), PCase as
 * .NET's ToTitleCase, FormatDateTime's .NET formats and forms, and the reference's examples that had no test yet.
 * Sources: FN = entra-docs app-provisioning/functions-for-customizing-application-data.md; CSX = hybrid/cloud-sync/
 * reference-expressions.md; CONNECT = hybrid/connect/reference-connect-sync-functions-reference.md.
 */
import {describe, expect, it} from 'vitest';
import {translateDotNetPattern} from '../../source/expressions/dotnet-regex.js';
import {evaluableSource} from '../../source/expressions/evaluable.js';
import {type EvaluationOptions, type ExpressionValue, evaluateExpression} from '../../source/expressions/evaluate.js';

function run(text: string, input: Record<string, ExpressionValue> = {}, options: EvaluationOptions = {}) {
	const source = evaluableSource({type: 'Function', expression: text});
	if (!source.ok) throw new Error(source.message);
	return evaluateExpression(source.node, new Map(Object.entries(input)), options);
}

function value(text: string, input: Record<string, ExpressionValue> = {}, options: EvaluationOptions = {}): ExpressionValue {
	const outcome = run(text, input, options);
	if (!outcome.ok) throw new Error(outcome.message);
	if (outcome.values.length === 0) return null;
	return outcome.multiValued ? outcome.values : outcome.values[0]!;
}

const cloudSync: EvaluationOptions = {flavor: 'cloudSync'};

describe('documented examples not covered before (FN)', () => {
	it.each([
		// FN Replace example 3, second half, documents "19998887777", but its pattern has no +: .NET keeps it.
		['Replace([mobile], , "[()\\\\s-]+", , "", , )', {mobile: '+1 (999) 888-7777'}, '+19998887777'],
		// FN IIF: OR along the false branch.
		['IIF([country]="USA","True",IIF([state]="CA","True","False"))', {country: 'NL', state: 'CA'}, 'True'],
		['IIF([country]="USA","True",IIF([state]="CA","True","False"))', {country: 'NL', state: 'WA'}, 'False'],
		['CStr([dn])', {dn: 'cn=Joe,dc=contoso,dc=com'}, 'cn=Joe,dc=contoso,dc=com'],
		// FN Switch note: a case-insensitive comparison through ToLower.
		['Switch(ToLower([statusFlag]), "0", "true", "1", "false", "0")', {statusFlag: 'TRUE'}, '1'],
		// FN Switch caution: the IIF chain Microsoft recommends instead of the Switch.
		['IIF([companyName] = "Company A", "A", IIF([companyName] = "Company B", "B", "External"))', {companyName: 'Company B'}, 'B'],
		['IIF([companyName] = "Company A", "A", IIF([companyName] = "Company B", "B", "External"))', {companyName: 'Contoso'}, 'External'],
		// FN IgnoreFlowIfNullOrEmpty example 2: a prefix the Switch does not list gives "" and nothing flows.
		['IgnoreFlowIfNullOrEmpty(Switch([prefix], "", "3443", "Dr.", "3444", "Prof.", "3445", "Prof. Dr."))', {prefix: '3444'}, 'Prof.'],
		['IgnoreFlowIfNullOrEmpty(Switch([prefix], "", "3443", "Dr.", "3444", "Prof.", "3445", "Prof. Dr."))', {prefix: '9999'}, null],
		// FN NumFromDate, SuccessFactors: endDate in "M/d/yyyy hh:mm:ss tt" (the docs give no value; one in that format).
		['NumFromDate(Join("",FormatDateTime([endDate], ,"M/d/yyyy hh:mm:ss tt","yyyy-MM-dd")," 23:59:59-08:00"))', {endDate: '12/31/2020 09:30:00 AM'}, '132539615990000000'],
		// FN Redact examples: the value flows; only the logs show [Redact].
		['Redact("StringToBeRedacted")', {}, 'StringToBeRedacted'],
		// FN "Generate an ID … Remove any letters from the ID and add 1000 at the beginning". The page's input was later
		// replaced by a placeholder GUID; the documented output decodes to exactly one GUID, used here.
		['Join("", 1000, Replace(ConvertToUTF8Hex([objectId]), , "[a-zA-Z_]*", , "", , ))', {objectId: 'd05e47b1-3909-445a-ba5e-ca60cbc0e4b4'}, '100064303565343762312333930392343435612626135652636136306362633065346234'],
	])('%s on %j gives %j', (expression, input, expected) => {
		expect(value(expression, input as Record<string, ExpressionValue>)).toEqual(expected);
	});

	it('DateDiff with Now() inside IIF (FN DateDiff example 2): enabled only when the hire date is within five days', () => {
		const expression = 'Switch([Active], , "1", IIF(DateDiff("d", Now(), CDate([StatusHireDate])) > 5, "False", "True"), "0", "False")';
		const now = () => new Date('2021-08-25T17:41:18Z');
		expect(value(expression, {Active: '1', StatusHireDate: '2021-08-28-07:00'}, {now})).toBe('True');
		expect(value(expression, {Active: '1', StatusHireDate: '2021-09-30-07:00'}, {now})).toBe('False');
		expect(value(expression, {Active: '0', StatusHireDate: '2021-08-28-07:00'}, {now})).toBe('False');
	});

	it('Now() is M/d/yyyy h:mm:ss tt in UTC (FN: "7/2/2021 3:33:38 PM")', () => {
		expect(value('Now()', {}, {now: () => new Date('2021-07-02T15:33:38Z')})).toBe('7/2/2021 3:33:38 PM');
	});

	it('RandomString keeps its documented minimums and avoids the given characters (FN examples 1 and 2)', () => {
		for (let attempt = 0; attempt < 20; attempt++) {
			const six = value('RandomString(6,3,0,0,3)') as string;
			expect(six).toHaveLength(6);
			expect(six.replace(/\D/g, '').length).toBeGreaterThanOrEqual(3);
			expect(six.replace(/[^a-z]/g, '').length).toBeGreaterThanOrEqual(3);
			const ten = value('RandomString(10,2,2,2,1,"?,")') as string;
			expect(ten).toHaveLength(10);
			expect(ten).not.toMatch(/[?,]/);
			expect(ten.replace(/[A-Za-z0-9]/g, '').length).toBeGreaterThanOrEqual(2);
			expect(ten.replace(/[^A-Z]/g, '').length).toBeGreaterThanOrEqual(2);
		}
	});

	it('Guid() has the documented shape ("00aa00aa-bb11-cc22-dd33-44ee44ee44ee")', () => {
		expect(value('Guid()')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
	});
});

describe('Contains (cloud sync, Connect sync)', () => {
	const proxyAddresses = ['smtp:alias@contoso.com', 'SMTP:adele@contoso.com', 'x500:/o=contoso'];

	it('CSX Item example: Mid(Item([proxyAddresses],Contains([proxyAddresses], "SMTP:")),6) returns the primary address', () => {
		expect(value('Mid(Item([proxyAddresses],Contains([proxyAddresses], "SMTP:")),6)', {proxyAddresses}, cloudSync)).toBe('adele@contoso.com');
	});

	it('is the 1-based index of the first value containing the text, 0 when none; case-sensitive unless CaseInsensitive', () => {
		expect(value('Contains([proxyAddresses], "SMTP:")', {proxyAddresses}, cloudSync)).toBe('2');
		expect(value('Contains([proxyAddresses], "SMTP:", CaseInsensitive)', {proxyAddresses}, cloudSync)).toBe('1');
		expect(value('Contains([proxyAddresses], "sip:")', {proxyAddresses}, cloudSync)).toBe('0');
		expect(value('Contains([proxyAddresses], "SMTP:")', {}, cloudSync)).toBe('0');
		expect(run('Contains([proxyAddresses], "SMTP:", Maybe)', {proxyAddresses}, cloudSync)).toMatchObject({ok: false, message: expect.stringContaining('CaseSensitive or CaseInsensitive')});
	});

	it("CONNECT example: IIF(Contains([proxyAddresses],\"SMTP:\")>0,[proxyAddresses],Error(…))", () => {
		const expression = 'IIF(Contains([proxyAddresses],"SMTP:")>0,[proxyAddresses],Error("No primary SMTP address found."))';
		expect(value(expression, {proxyAddresses}, cloudSync)).toEqual(proxyAddresses);
		expect(run(expression, {proxyAddresses: ['smtp:a@contoso.com']}, cloudSync)).toEqual({ok: false, reason: 'error', message: 'No primary SMTP address found.'});
	});

	it('says, in an app provisioning job, that Contains is documented for cloud sync only', () => {
		const outcome = run('Contains([proxyAddresses], "SMTP:")', {proxyAddresses});
		expect(outcome).toMatchObject({ok: true, values: ['2']});
		expect(outcome.ok && outcome.notes?.join(' ')).toMatch(/documented for cloud sync/);
	});
});

describe('Replace with .NET regular expressions', () => {
	it.each([
		// \d is any Unicode digit in .NET (Arabic-Indic digits here), ASCII only in JavaScript.
		['Replace([x], , "\\\\d+", , "#", , )', {x: 'Room ٣٤ and 12'}, 'Room # and #'],
		// \w includes letters with diacritics in .NET.
		['Replace([x], , "\\\\w+", , "w", , )', {x: 'Zoë-Ærø'}, 'w-w'],
		// An escaped @ (SCOPE's example pattern .*\@domain.com) is the character itself.
		['Replace([x], , "\\\\@contoso\\\\.com$", , "", , )', {x: 'adele@contoso.com'}, 'adele'],
		// (?'name'…) groups and ${name}; $ also matches before a final newline in .NET.
		// biome-ignore lint/suspicious/noTemplateCurlyInString: ${user} is .NET's named-group substitution.
		["Replace([x], , \"(?'user'[^@]+)@.*$\", , \"${user}\", , )", {x: 'adele@contoso.com\n'}, 'adele\n'],
		// A leading (?i) is case-insensitive matching.
		['Replace([x], , "(?i)^smtp:", , "", , )', {x: 'SMTP:a@contoso.com'}, 'a@contoso.com'],
		// Character class subtraction.
		['Replace([x], , "[a-z-[aeiou]]", , "", , )', {x: 'contoso'}, 'ooo'],
		// .NET substitutions: $$ is a dollar, $& the match, $_ the whole input, $+ the last group.
		['Replace([x], , "(a)(b)", , "[$$|$&|$_|$+]", , )', {x: 'xab'}, 'x[$|ab|xab|b]'],
		// \A and \z anchor the whole text.
		['Replace([x], , "\\\\A\\\\s+|\\\\s+\\\\z", , "", , )', {x: '  a b  '}, 'a b'],
	])('%s on %j gives %j', (expression, input, expected) => {
		expect(value(expression, input as Record<string, ExpressionValue>)).toBe(expected);
	});

	it('refuses in words what JavaScript cannot do, as a local limit rather than an error in the expression', () => {
		expect(run('Replace([x], , "(?>a+)b", , "", , )', {x: 'aab'})).toEqual({
			ok: false,
			reason: 'unsupported',
			message: 'the regular expression "(?>a+)b" cannot be evaluated locally: atomic groups (?>…) have no JavaScript equivalent',
		});
		expect(run('Replace([x], , "\\\\p{IsGreek}", , "", , )', {x: 'a'})).toMatchObject({ok: false, reason: 'unsupported', message: expect.stringContaining('Unicode block')});
		expect(run('Replace([x], , "\\\\Ga", , "", , )', {x: 'a'})).toMatchObject({ok: false, reason: 'unsupported'});
	});

	it('translates patterns JavaScript reads differently', () => {
		expect(translateDotNetPattern("(?<a>x)\\k'a'").source).toBe('(?<a>x)\\k<a>');
		expect(translateDotNetPattern('a{b}').source).toBe('a\\{b\\}');
		expect(translateDotNetPattern('x{2,3}').source).toBe('x{2,3}');
		expect(translateDotNetPattern('(?#note)a').source).toBe('a');
		expect(translateDotNetPattern('(?im)a').flags).toBe('im');
	});
});

describe('PCase as .NET ToTitleCase (FN remarks)', () => {
	it.each([
		// The reference's three examples.
		['PCase([x])', {x: 'PABLO GONSALVES (SECOND)'}, 'Pablo Gonsalves (Second)'],
		['PCase([x]," \'-")', {x: "PINTO-DE'SILVA"}, "Pinto-De'Silva"],
		['PCase(Join(" ",[a],[b]))', {a: 'GREGORY', b: 'JAMES'}, 'Gregory James'],
		// Without separators an apostrophe continues the word (ToTitleCase), a hyphen or underscore ends it.
		['PCase([x])', {x: "O'NEIL-SMITH"}, "O'neil-Smith"],
		['PCase([x])', {x: 'jean_luc'}, 'Jean_Luc'],
		// A digit is kept and the letter after it starts a word, as ToTitleCase does.
		['PCase([x])', {x: '3RD STREET'}, '3Rd Street'],
		// Letters with diacritics are letters; symbols (©, +) separate.
		['PCase([x])', {x: 'ÉLODIE ©ACME+CO'}, 'Élodie ©Acme+Co'],
	])('%s on %j gives %j', (expression, input, expected) => {
		expect(value(expression, input as Record<string, ExpressionValue>)).toBe(expected);
	});
});

describe('FormatDateTime and .NET date formats', () => {
	it.each([
		// FN and CSX (3-argument form): "Z" is not a .NET specifier, so it is matched as a literal.
		['FormatDateTime([d], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")', {d: '20150123105347.1Z'}, {}, '2015-01-23'],
		['FormatDateTime([d], "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")', {d: '20150123105347.1Z'}, cloudSync, '2015-01-23'],
		// CONNECT: the (date, format) form.
		['FormatDateTime(CDate("12/25/2007"),"yyyy-MM-dd")', {}, {}, '2007-12-25'],
		['FormatDateTime(DateFromNum([pwdLastSet]),"yyyyMMddHHmmss.0Z")', {pwdLastSet: '130543784930000000'}, {}, '20140905081453.0Z'],
		// Standard formats (invariant culture).
		['FormatDateTime([d], , "yyyy-MM-dd HH:mm:ss", "D")', {d: '2021-03-01 08:05:09'}, {}, 'Monday, 01 March 2021'],
		['FormatDateTime([d], , "yyyy-MM-dd HH:mm:ss", "r")', {d: '2021-03-01 08:05:09'}, {}, 'Mon, 01 Mar 2021 08:05:09 GMT'],
		['FormatDateTime([d], , "yyyy-MM-dd HH:mm:ss", "t")', {d: '2021-03-01 08:05:09'}, {}, '08:05'],
		['FormatDateTime([d], , "yyyy-MM-dd HH:mm:ss", "Y")', {d: '2021-03-01 08:05:09'}, {}, '2021 March'],
		// K follows how the input was read (RoundtripKind): nothing for a date without zone, Z for UTC, the offset otherwise.
		['FormatDateTime([d], , "yyyy-MM-ddTHH:mm:ss", "HH:mmK")', {d: '2021-03-01T08:05:09'}, {}, '08:05'],
		['FormatDateTime([d], , "yyyy-MM-ddTHH:mm:ssK", "HH:mmK")', {d: '2021-03-01T08:05:09Z'}, {}, '08:05Z'],
		['FormatDateTime([d], , "yyyy-MM-ddTHH:mm:ssK", "o")', {d: '2021-03-01T08:05:09Z'}, {}, '2021-03-01T08:05:09.0000000Z'],
		['FormatDateTime([d], , "dd MMM yyyy", "dddd d MMMM yy")', {d: '05 feb 2021'}, {}, 'Friday 5 February 21'],
		['FormatDateTime([d], , "M/d/yyyy h:mm tt", "HH:mm")', {d: '3/1/2021 12:15 AM'}, {}, '00:15'],
	])('%s on %j (%j) gives %j', (expression, input, options, expected) => {
		expect(value(expression, input as Record<string, ExpressionValue>, options as EvaluationOptions)).toBe(expected);
	});

	it('refuses a date the format does not fit, as .NET ParseExact does (31 February, hh of 13)', () => {
		expect(run('FormatDateTime([d], , "yyyy-MM-dd", "d")', {d: '2021-02-31'})).toMatchObject({ok: false, message: expect.stringContaining('does not match')});
		expect(run('FormatDateTime([d], , "hh:mm", "HH")', {d: '13:00'})).toMatchObject({ok: false, message: expect.stringContaining('does not match')});
		// Without tt an hh hour is read as AM: 12 is midnight.
		expect(value('FormatDateTime([d], , "hh:mm", "HH:mm")', {d: '12:30'})).toBe('00:30');
	});
});
