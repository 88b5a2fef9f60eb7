/**
 * "Workday to Active Directory User Provisioning": HR-inbound, Workday `Worker` → AD `user`.
 * No public Workday export exists (research §4.3), so this is synthesised: Workday-style attribute names
 * with XPath apiExpressions, and the mapping patterns the Entra docs recommend (SelectUniqueValue for
 * sAMAccountName, Switch for the OU and account status, Join/Replace/NormalizeDiacritics for names).
 */

import type {SynchronizationSchema} from '../../schema/types.js';
import {createSeededRandom} from '../random.js';
import {
	attribute,
	directory,
	emptyFilter,
	keyValue,
	mapping,
	objectDefinition,
	objectMapping,
	type SchemaIdentity,
	schemaDocument,
	synchronizationRule,
} from './builders.js';
import {activeDirectoryUserObject} from './directories.js';

const worker = 'wd:Worker/wd:Worker_Data';
const personalName = `${worker}/wd:Personal_Data/wd:Name_Data`;
const position = `${worker}/wd:Employment_Data/wd:Worker_Job_Data/wd:Position_Data`;
const status = `${worker}/wd:Employment_Data/wd:Worker_Status_Data`;
const site = `${position}/wd:Business_Site_Summary_Data/wd:Address_Data`;
const contact = `${worker}/wd:Personal_Data/wd:Contact_Data`;
const organization = (type: string) =>
	`${worker}/wd:Organization_Data/wd:Worker_Organization_Data[wd:Organization_Data/wd:Organization_Type_Reference/wd:ID[@wd:type='Organization_Type_ID']='${type}']/wd:Organization_Data`;
const workPhone = (device: string) =>
	`${contact}/wd:Phone_Data[wd:Usage_Data/wd:Type_Data/wd:Type_Reference/wd:ID[@wd:type='Communication_Usage_Type_ID']='WORK' and wd:Phone_Device_Type_Reference/wd:ID[@wd:type='Phone_Device_Type_ID']='${device}']/@wd:Formatted_Phone`;

/** Workday attribute name → XPath against the Get_Workers response. */
const workdayAttributes: [name: string, xpath: string, type?: 'String' | 'Boolean' | 'DateTime' | 'Reference'][] = [
	['WorkerID', `${worker}/wd:Worker_ID/text()`],
	['WID', "wd:Worker/wd:Worker_Reference/wd:ID[@wd:type='WID']/text()"],
	['UserID', `${worker}/wd:User_ID/text()`],
	['ActiveStatus', `${status}/wd:Active/text()`, 'Boolean'],
	['StatusHireDate', `${status}/wd:Hire_Date/text()`, 'DateTime'],
	['StatusTerminationDate', `${status}/wd:Termination_Date/text()`, 'DateTime'],
	['StatusLeaveOfAbsence', `${status}/wd:Leave_Status_Data/wd:On_Leave/text()`, 'Boolean'],
	['FirstName', `${personalName}/wd:Legal_Name_Data/wd:Name_Detail_Data/wd:First_Name/text()`],
	['LastName', `${personalName}/wd:Legal_Name_Data/wd:Name_Detail_Data/wd:Last_Name/text()`],
	['MiddleName', `${personalName}/wd:Legal_Name_Data/wd:Name_Detail_Data/wd:Middle_Name/text()`],
	['PreferredFirstName', `${personalName}/wd:Preferred_Name_Data/wd:Name_Detail_Data/wd:First_Name/text()`],
	['PreferredLastName', `${personalName}/wd:Preferred_Name_Data/wd:Name_Detail_Data/wd:Last_Name/text()`],
	['PreferredNameData', `${personalName}/wd:Preferred_Name_Data/wd:Name_Detail_Data/@wd:Formatted_Name`],
	['PreferredLanguage', `${worker}/wd:Personal_Data/wd:Preferred_Language_Reference/wd:ID[@wd:type='User_Language_ID']/text()`],
	['BusinessTitle', `${position}/wd:Business_Title/text()`],
	['JobCode', `${position}/wd:Job_Profile_Summary_Data/wd:Job_Profile_Reference/wd:ID[@wd:type='Job_Profile_ID']/text()`],
	['JobProfile', `${position}/wd:Job_Profile_Summary_Data/wd:Job_Profile_Name/text()`],
	['JobFamily', `${position}/wd:Job_Profile_Summary_Data/wd:Job_Family_Reference/@wd:Descriptor`],
	['WorkerType', `${position}/wd:Worker_Type_Reference/wd:ID[@wd:type='Employee_Type_ID']/text()`],
	['TimeType', `${position}/wd:Position_Time_Type_Reference/wd:ID[@wd:type='Position_Time_Type_ID']/text()`],
	['PayGroup', `${position}/wd:Payroll_Processing_Data/wd:Pay_Group_Reference/@wd:Descriptor`],
	['Company', `${organization('COMPANY')}/wd:Organization_Name/text()`],
	['CostCenter', `${organization('COST_CENTER')}/wd:Organization_Name/text()`],
	['CostCenterCode', `${organization('COST_CENTER')}/wd:Organization_Code/text()`],
	['SupervisoryOrganization', `${organization('SUPERVISORY')}/wd:Organization_Name/text()`],
	['Division', `${organization('DIVISION')}/wd:Organization_Name/text()`],
	['LocationId', `${position}/wd:Business_Site_Summary_Data/wd:Location_Reference/wd:ID[@wd:type='Location_ID']/text()`],
	['WorkSpaceReference', `${position}/wd:Work_Space__Reference/@wd:Descriptor`],
	['AddressLineData', `${site}/wd:Address_Line_Data/text()`],
	['Municipality', `${site}/wd:Municipality/text()`],
	['StateProvince', `${site}/wd:Country_Region_Descriptor/text()`],
	['PostalCode', `${site}/wd:Postal_Code/text()`],
	['CountryReferenceTwoLetter', `${site}/wd:Country_Reference/wd:ID[@wd:type='ISO_3166-1_Alpha-2_Code']/text()`],
	['CountryName', `${site}/wd:Country_Reference/@wd:Descriptor`],
	['PrimaryWorkTelephone', workPhone('Landline')],
	['Mobile', workPhone('Mobile')],
	['Fax', workPhone('Fax')],
	[
		'EmailAddress',
		`${contact}/wd:Email_Address_Data[wd:Usage_Data/wd:Type_Data/wd:Type_Reference/wd:ID[@wd:type='Communication_Usage_Type_ID']='WORK']/wd:Email_Address/text()`,
	],
	[
		'Manager',
		`${worker}/wd:Management_Chain_Data/wd:Worker_Supervisory_Management_Chain_Data/wd:Management_Chain_Data[last()]/wd:Manager/wd:Worker_Reference/wd:ID[@wd:type='Employee_ID']/text()`,
		'Reference',
	],
];

const first = 'NormalizeDiacritics(StripSpaces([PreferredFirstName]))';
const last = 'NormalizeDiacritics(StripSpaces([PreferredLastName]))';
const lowerFirst = `ToLower(${first})`;
const lowerLast = `ToLower(${last})`;

export function generateWorkdaySchema(identity: SchemaIdentity): SynchronizationSchema {
	const random = createSeededRandom(`workday:${identity.jobId}`);
	const workerObject = objectDefinition(
		'Worker',
		workdayAttributes.map(([name, xpath, type]) =>
			attribute(name, {
				anchor: name === 'WorkerID',
				required: name === 'WorkerID',
				type: type ?? 'String',
				references: type === 'Reference' ? ['Worker'] : undefined,
				apiExpressions: [keyValue('Get_Workers', xpath)],
			}),
		),
		{
			metadata: [
				keyValue('IsSoftDeletionSupported', 'false'),
				keyValue('ConnectorDataStorageRequired', 'false'),
				keyValue('IsSynchronizeAllSupported', 'true'),
			],
		},
	);
	const ouBase = 'OU=Users,OU=Contoso,DC=contoso,DC=com';
	const attributeMappings = [
		mapping('employeeID', '[WorkerID]', {matchingPriority: 1}),
		mapping('accountDisabled', 'Switch([ActiveStatus], , "0", "True", "1", "False")'),
		mapping(
			'sAMAccountName',
			`SelectUniqueValue(Join("", Left(${lowerFirst}, 1), ${lowerLast}), Join("", Left(${lowerFirst}, 2), ${lowerLast}), Join("", ${lowerFirst}, ${lowerLast}))`,
			{flowType: 'ObjectAddOnly'},
		),
		mapping('userPrincipalName', `Join("@", Join(".", ${lowerFirst}, ${lowerLast}), "contoso.com")`, {flowType: 'ObjectAddOnly'}),
		mapping('mail', `Join("@", Join(".", ${lowerFirst}, ${lowerLast}), "contoso.com")`, {flowType: 'ObjectAddOnly'}),
		mapping('mailNickname', `Join(".", ${lowerFirst}, ${lowerLast})`, {flowType: 'ObjectAddOnly'}),
		mapping('displayName', 'Join(" ", [PreferredFirstName], [PreferredLastName])'),
		mapping('cn', 'Join(", ", [PreferredLastName], [PreferredFirstName])', {flowType: 'ObjectAddOnly'}),
		mapping('givenName', '[PreferredFirstName]'),
		mapping('sn', '[PreferredLastName]'),
		mapping('middleName', '[MiddleName]'),
		mapping('initials', 'Left([MiddleName], 1)'),
		mapping('title', '[BusinessTitle]'),
		mapping('company', '[Company]'),
		mapping('department', '[SupervisoryOrganization]'),
		mapping('division', '[Division]'),
		mapping('employeeType', '[WorkerType]'),
		mapping('employeeNumber', '[WorkerID]'),
		mapping('manager', '[Manager]'),
		mapping('physicalDeliveryOfficeName', '[WorkSpaceReference]'),
		mapping('streetAddress', '[AddressLineData]'),
		mapping('l', '[Municipality]'),
		mapping('st', '[StateProvince]'),
		mapping('postalCode', '[PostalCode]'),
		mapping('c', '[CountryReferenceTwoLetter]'),
		mapping('co', '[CountryName]'),
		mapping('countryCode', 'Switch([CountryReferenceTwoLetter], "840", "US", "840", "GB", "826", "DE", "276", "FR", "250", "NL", "528")'),
		mapping('preferredLanguage', 'Replace([PreferredLanguage], "_", , , "-", , )'),
		mapping('telephoneNumber', '[PrimaryWorkTelephone]'),
		// biome-ignore lint/suspicious/noTemplateCurlyInString: ${phoneNumber} is the expression language's regex group reference.
		mapping('ipPhone', 'Replace([PrimaryWorkTelephone], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})", , "${phoneNumber}", , )'),
		mapping('mobile', '[Mobile]'),
		mapping('facsimileTelephoneNumber', '[Fax]'),
		mapping(
			'parentDistinguishedName',
			`Switch([SupervisoryOrganization], "${ouBase}", "Sales", "OU=Sales,${ouBase}", "Engineering", "OU=Engineering,${ouBase}", "Finance", "OU=Finance,${ouBase}", "Human Resources", "OU=HR,${ouBase}")`,
		),
		mapping(
			'accountExpires',
			// Not IIF(IsPresent(…)): the function reference lists that as unsupported and recommends Switch with a "" key (lint rule IIF-2).
			'Switch([StatusTerminationDate], NumFromDate(Join("", FormatDateTime([StatusTerminationDate], , "yyyy-MM-ddzzz", "yyyy-MM-dd"), " 23:59:59-08:00")), "", "0")',
		),
		mapping('extensionAttribute1', 'Join(" - ", [CostCenterCode], [CostCenter])'),
		mapping('extensionAttribute2', 'IIF([WorkerType]="Contingent Worker", "Contractor", "Employee")'),
		mapping('extensionAttribute3', 'FormatDateTime([StatusHireDate], , "yyyy-MM-ddzzz", "yyyyMMddHHmmss.fZ")'),
		mapping('extensionAttribute4', '[JobCode]'),
		mapping('extensionAttribute5', '[JobProfile]'),
		mapping('extensionAttribute6', '[PayGroup]'),
		mapping('extensionAttribute7', 'Coalesce([PreferredNameData], Join(" ", [FirstName], [LastName]))'),
		mapping('extensionAttribute8', 'IIF([StatusLeaveOfAbsence]="1", "On leave", "")'),
		mapping('description', null, {defaultValue: 'Provisioned from Workday', flowType: 'ObjectAddOnly'}),
	];
	const scope = emptyFilter({
		groups: [
			{
				name: 'Employees and contingent workers with a worker ID',
				clauses: [
					{operatorName: 'IS NOT NULL', sourceOperandName: 'WorkerID', targetOperand: null},
					{operatorName: 'NOT EQUALS', sourceOperandName: 'WorkerType', targetOperand: {values: ['Intern']}},
				],
			},
		],
	});
	const rule = synchronizationRule({
		id: random.guid(),
		name: 'USER_INBOUND_USER',
		sourceDirectoryName: 'Workday',
		targetDirectoryName: 'Active Directory',
		objectMappings: [
			objectMapping({
				name: 'Synchronize Workday Workers to On Premises Active Directory Users',
				sourceObjectName: 'Worker',
				targetObjectName: 'user',
				flowTypes: 'Add, Update',
				scope,
				attributeMappings,
			}),
		],
	});
	return schemaDocument(
		identity,
		[rule],
		[
			directory(random.guid(), 'Workday', [workerObject], {readOnly: true, discoverabilities: 'AttributeNames'}),
			directory(random.guid(), 'Active Directory', [activeDirectoryUserObject()]),
		],
	);
}
