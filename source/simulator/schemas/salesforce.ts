/**
 * "Salesforce": Entra ID → salesforce.com. The object mapping is the Graph docs' Salesforce sample
 * (research §4.2: 14 mappings with Not, Mid, Replace, SingleAppRoleAssignment and `source: null` defaults).
 */

import type {SynchronizationSchema} from '../../schema/types.js';
import {createSeededRandom} from '../random.js';
import {
	attribute,
	directory,
	entraDirectoryId,
	mapping,
	objectDefinition,
	objectMapping,
	type SchemaIdentity,
	schemaDocument,
	synchronizationRule,
} from './builders.js';
import {entraUserObject} from './directories.js';

export function generateSalesforceSchema(identity: SchemaIdentity): SynchronizationSchema {
	const random = createSeededRandom(`salesforce:${identity.jobId}`);
	const salesforceUser = objectDefinition('User', [
		attribute('Id', {anchor: true, caseExact: true}),
		attribute('Alias', {required: true}),
		attribute('City'),
		attribute('CommunityNickname'),
		attribute('Country'),
		attribute('Department'),
		attribute('Email', {required: true}),
		attribute('EmailEncodingKey', {required: true}),
		attribute('EmployeeNumber'),
		attribute('FederationIdentifier'),
		attribute('FirstName'),
		attribute('IsActive', {type: 'Boolean'}),
		attribute('LanguageLocaleKey', {required: true}),
		attribute('LastName', {required: true}),
		attribute('LocaleSidKey', {required: true}),
		attribute('ManagerId', {references: ['User']}),
		attribute('MobilePhone'),
		attribute('Phone'),
		attribute('PostalCode'),
		attribute('ProfileName', {required: true}),
		attribute('State'),
		attribute('Street'),
		attribute('TimeZoneSidKey', {required: true}),
		attribute('Title'),
		attribute('UserPermissionsCallCenterAutoLogin', {type: 'Boolean'}),
		attribute('UserPermissionsMarketingUser', {type: 'Boolean'}),
		attribute('UserPermissionsOfflineUser', {type: 'Boolean'}),
		attribute('Username', {required: true}),
	]);
	const attributeMappings = [
		mapping('IsActive', 'Not([IsSoftDeleted])', {defaultValue: 'True'}),
		mapping('Alias', 'Mid([userPrincipalName], 1, 8)'),
		mapping('Email', '[mail]'),
		mapping('EmailEncodingKey', null, {defaultValue: 'ISO-8859-1'}),
		mapping('LanguageLocaleKey', null, {defaultValue: 'en_US'}),
		mapping('FirstName', '[givenName]'),
		mapping('LastName', '[surname]', {defaultValue: '.'}),
		mapping('LocaleSidKey', 'Replace([preferredLanguage], "-", , , "_", , )', {defaultValue: 'en_US'}),
		mapping('ProfileName', 'SingleAppRoleAssignment([appRoleAssignments])', {defaultValue: 'Chatter Free User'}),
		mapping('TimeZoneSidKey', null, {defaultValue: 'America/Los_Angeles'}),
		mapping('Username', '[userPrincipalName]', {matchingPriority: 1}),
		mapping('UserPermissionsCallCenterAutoLogin', null, {defaultValue: 'False'}),
		mapping('UserPermissionsMarketingUser', null, {defaultValue: 'False'}),
		mapping('UserPermissionsOfflineUser', null, {defaultValue: 'False'}),
	];
	const rule = synchronizationRule({
		// The docs show a rule id starting 4c5ecfa1- and a directory id starting 8ffa6169-; the rest is generated.
		id: `4c5ecfa1-${random.guid().slice(9)}`,
		name: 'USER_OUTBOUND_USER',
		sourceDirectoryName: 'Azure Active Directory',
		targetDirectoryName: 'salesforce.com',
		objectMappings: [
			objectMapping({
				name: 'Synchronize Azure Active Directory Users to salesforce.com',
				sourceObjectName: 'User',
				targetObjectName: 'User',
				attributeMappings,
			}),
		],
	});
	return schemaDocument(
		identity,
		[rule],
		[
			directory(entraDirectoryId, 'Azure Active Directory', [entraUserObject()], {
				readOnly: true,
				discoverabilities: 'AttributeNames, AttributeDataTypes',
			}),
			directory(`8ffa6169-${random.guid().slice(9)}`, 'salesforce.com', [salesforceUser], {discoverabilities: 'AttributeNames'}),
		],
	);
}
