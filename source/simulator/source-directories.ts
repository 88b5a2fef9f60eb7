/**
 * The demo tenant's small source directories, one per kind of app: on-premises AD users for Entra Cloud
 * Sync, Workday workers for HR inbound, Entra users for outbound apps (SCIM, Salesforce). Provisioning on
 * demand and provisioning cycles read them and evaluate the job's schema against them.
 */

export type SourceKind = 'activeDirectory' | 'workday' | 'entra';

export type SourceObject = {
	/** What provisionOnDemand's `subjects[].objectId` names: the DN (AD), the worker id (Workday), the object id (Entra). */
	objectId: string;
	/** The object's own id, shown as `sourceIdentity.id` (objectGUID as a GUID, WID, object id). */
	id: string;
	/** `reportableIdentifier`: what Microsoft's steps and logs name the object by. */
	reportable: string;
	displayName: string;
	attributes: Record<string, string>;
	/** False: never provisioned before (a new hire, a system account). */
	provisioned: boolean;
	/** The source object type when it is not the directory's user-like one (e.g. Group). */
	objectType?: string;
};

/** Adele Vest, from Microsoft's cloud-sync provisionOnDemand example, with a company and extensionAttribute3 that differ. */
const adele: SourceObject = {
	objectId: 'CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com',
	id: '38a2171b-8b04-4b21-8133-ca8ae52250f3',
	reportable: 'adelev@chicago.com',
	displayName: 'Adele Vest',
	provisioned: true,
	attributes: {
		distinguishedName: 'CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com',
		cn: 'Adele Vest',
		sAMAccountName: 'adelev',
		givenName: 'Adele',
		sn: 'Vest',
		displayName: 'Adele Vest',
		initials: 'S',
		mail: 'adelev@chicago.com',
		mailNickname: 'adelev',
		userPrincipalName: 'adelev@chicago.com',
		targetAddress: 'SMTP:adelev@contoso.com',
		streetAddress: 'One Microsoft Way',
		l: 'Chicago',
		st: 'NY',
		postalCode: '13210',
		c: 'US',
		co: 'United States',
		countryCode: '840',
		company: '  Contoso Chicago ',
		department: 'Retail',
		title: 'Retail Manager',
		extensionAttribute3: 'CHI-RETAIL-07',
		extensionAttribute5: '11',
		extensionAttribute6: 'A5',
		userAccountControl: '66048',
		objectGUID: 'GxGiOASMIUuBM8qK5SJQ8w==',
		objectSid: 'AQUAAAAAAAUVAAAAXAMNf/YJ8nmaUZofGG4BAA==',
		isCriticalSystemObject: 'False',
		adminDescription: '',
	},
};

function adUser(cn: string, sam: string, given: string, surname: string, extra: Record<string, string>, id: string, provisioned = true): SourceObject {
	const dn = `CN=${cn},OU=Cloud,DC=mydomain,DC=tld`;
	const upn = `${sam}@mydomain.tld`;
	return {
		objectId: dn,
		id,
		reportable: upn,
		displayName: `${given} ${surname}`,
		provisioned,
		attributes: {
			distinguishedName: dn,
			cn,
			sAMAccountName: sam,
			givenName: given,
			sn: surname,
			displayName: `${given} ${surname}`,
			mail: upn,
			mailNickname: sam,
			userPrincipalName: upn,
			userAccountControl: '512',
			objectGUID: Buffer.from(id.replace(/-/g, ''), 'hex').toString('base64'),
			isCriticalSystemObject: 'False',
			adminDescription: '',
			...extra,
		},
	};
}

export const activeDirectoryUsers: readonly SourceObject[] = [
	adele,
	adUser('Alex Wilber', 'alexw', 'Alex', 'Wilber', {company: 'Contoso', department: 'Marketing', extensionAttribute3: 'MKT-01', l: 'Seattle'}, '5d7a7c1e-2b4f-4f53-9a7e-0c8a4b1d2e31'),
	adUser('Megan Bowen', 'meganb', 'Megan', 'Bowen', {company: 'Contoso', department: 'Sales', extensionAttribute3: 'SAL-12', l: 'Redmond'}, '9c0e3b7a-61d4-4a8f-8b25-3f7e9d1c6a42'),
	// A service account the default scoping filter excludes (sAMAccountName starts with MSOL_).
	adUser('MSOL_0a1b2c3d4e5f', 'MSOL_0a1b2c3d4e5f', 'Sync', 'Service', {description: 'Account created by Microsoft Azure Active Directory Connect'}, '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', false),
];

function worker(id: string, first: string, last: string, extra: Record<string, string>, provisioned = true): SourceObject {
	return {
		objectId: id,
		// Workday events name the worker by its employee id (Microsoft: "Customize filters in provisioning logs").
		id,
		reportable: id,
		displayName: `${first} ${last}`,
		provisioned,
		attributes: {
			WorkerID: id,
			PreferredFirstName: first,
			PreferredLastName: last,
			FirstName: first,
			LastName: last,
			ActiveStatus: '1',
			WorkerType: 'Employee',
			Company: 'Contoso',
			CountryReferenceTwoLetter: 'US',
			CountryName: 'United States',
			StatusHireDate: '2021-03-01-08:00',
			...extra,
		},
	};
}

export const workdayWorkers: readonly SourceObject[] = [
	worker('21001', 'Ada', 'Lovelace', {BusinessTitle: 'Engineer', SupervisoryOrganization: 'Engineering', Municipality: 'Seattle', JobCode: 'ENG2'}),
	worker('21002', 'Grace', 'Hopper', {BusinessTitle: 'Finance Lead', SupervisoryOrganization: 'Finance', Municipality: 'Redmond', JobCode: 'FIN3'}),
	// A new hire, not yet in AD: provisioning on demand creates the account.
	worker('21003', 'Alan', 'Turing', {BusinessTitle: 'Analyst', SupervisoryOrganization: 'Sales', Municipality: 'Bellevue', JobCode: 'SAL1'}, false),
	// Interns are outside the job's scoping filter.
	worker('21004', 'Ian', 'Intern', {WorkerType: 'Intern', SupervisoryOrganization: 'Engineering', JobCode: 'INT0'}, false),
];

function entraUser(id: string, upn: string, given: string, surname: string, extra: Record<string, string>, provisioned = true): SourceObject {
	return {
		objectId: id,
		id,
		reportable: upn,
		displayName: `${given} ${surname}`,
		provisioned,
		attributes: {
			objectId: id,
			userPrincipalName: upn,
			displayName: `${given} ${surname}`,
			givenName: given,
			surname,
			mail: upn,
			mailNickname: upn.split('@')[0] as string,
			accountEnabled: 'True',
			IsSoftDeleted: 'False',
			appRoleAssignments: 'User',
			userType: 'Member',
			...extra,
		},
	};
}

export const entraUsers: readonly SourceObject[] = [
	entraUser('9bb0f679-a883-4a6f-8260-35b491b8b8c8', 'BillBob@contoso.com', 'Bill', 'Bob', {jobTitle: 'Buyer', department: 'Purchasing', companyName: 'Contoso'}),
	entraUser('4e1f2a3b-5c6d-4e7f-8a9b-0c1d2e3f4a5b', 'DiegoS@contoso.com', 'Diego', 'Siciliani', {jobTitle: 'HR Manager', department: 'HR', companyName: 'Contoso'}),
	entraUser('7f8e9d0c-1b2a-4c3d-9e4f-5a6b7c8d9e0f', 'LynneR@contoso.com', 'Lynne', 'Robbins', {jobTitle: 'Planner', department: 'Retail', companyName: 'Contoso'}, false),
];

/**
 * Security groups assigned to the Entra-fed apps, with their members (object ids of entraUsers). Provisioned on
 * demand only (a group with up to 5 members per request, Microsoft's documented limit); cycles provision users.
 */
export const entraGroups: readonly (SourceObject & {members: readonly string[]})[] = [
	{
		objectId: '8213fd99-d6b6-417b-8e13-af6334856215',
		id: '8213fd99-d6b6-417b-8e13-af6334856215',
		reportable: 'Purchasing Team',
		displayName: 'Purchasing Team',
		provisioned: false,
		objectType: 'Group',
		members: ['9bb0f679-a883-4a6f-8260-35b491b8b8c8', '4e1f2a3b-5c6d-4e7f-8a9b-0c1d2e3f4a5b'],
		attributes: {objectId: '8213fd99-d6b6-417b-8e13-af6334856215', displayName: 'Purchasing Team', mailNickname: 'purchasing', securityEnabled: 'True'},
	},
];

export function findEntraGroup(objectId: string): (typeof entraGroups)[number] | undefined {
	const wanted = objectId.trim().toLowerCase();
	return entraGroups.find((group) => group.objectId === wanted);
}

/** Which directory a job reads, by its template (the templates the demo tenant has). */
export function sourceKindOf(templateId: string | undefined): SourceKind | undefined {
	if (!templateId) return undefined;
	if (templateId === 'AD2AADProvisioning') return 'activeDirectory';
	if (/^Workday/i.test(templateId)) return 'workday';
	if (/OutDelta$/i.test(templateId)) return 'entra';
	return undefined;
}

export function sourceObjectsOf(kind: SourceKind): readonly SourceObject[] {
	switch (kind) {
		case 'activeDirectory':
			return activeDirectoryUsers;
		case 'workday':
			return workdayWorkers;
		case 'entra':
			return entraUsers;
	}
}

/** Finds a subject as Graph would: DNs and UPN-like ids ignore case. */
export function findSourceObject(kind: SourceKind, objectId: string): SourceObject | undefined {
	const wanted = objectId.trim().toLowerCase();
	return sourceObjectsOf(kind).find((each) => each.objectId.toLowerCase() === wanted);
}

export const sourceSystemNames: Record<SourceKind, string> = {
	activeDirectory: 'Active Directory',
	workday: 'Workday',
	entra: 'Azure Active Directory',
};
