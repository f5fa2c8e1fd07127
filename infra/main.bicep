// Llanidloes Schools Federation: the staff social-media policy bot in one resource group.
// App Service (Linux, Python 3.11) + Azure Bot (Teams channel) + Table storage + Application Insights,
// all reached with one user-assigned managed identity: no secret exists, so no Key Vault is needed.

@description('Short prefix for every resource name, e.g. llanpolicy. Names Azure needs unique worldwide also get a suffix made from the resource group.')
@minLength(3)
@maxLength(12)
param namePrefix string

@description('Azure region; UK South keeps the schools\' data in the UK.')
param location string = 'uksouth'

@description('App Service plan SKU: B1 is enough for a federation; P1v3 to scale out.')
param appServiceSkuName string = 'B1'

@description('Number of App Service instances (records and owed messages live in storage; what each instance keeps: infra/README.md, Scaling out).')
@minValue(1)
param instanceCount int = 1

@description('Azure Bot SKU: F0 is free for the Teams channel.')
@allowed(['F0', 'S1'])
param botSkuName string = 'F0'

@description('The federation\'s settings (config/federation.json: schools, headteachers and delegates, policy owner, chair of governors). Secure, so the deployment history does not keep them.')
@secure()
param federationSettings object

@description('Most log data Log Analytics takes in one day, in GB (a cost cap; the first 5 GB a month are free).')
param logDailyCapGb string = '0.2'

@description('Troubleshooting only: log every table read, write and delete to Log Analytics. Each entry holds the request\'s URL, whose keys and filters carry staff members\' object ids: anyone who can query the workspace would see who filed a concern report, who was sent which report\'s messages, and when. Off by default; turn it on for as short a time as you need, then deploy again with it off (what was logged stays in the workspace for its 30 days).')
param tableRequestLogs bool = false

@description('Tables the bot uses; created here so the bot needs only data access.')
param tableNames array = ['users', 'outbox', 'outboxsent', 'questions', 'permissions', 'permissionindex', 'reports', 'audit', 'directory', 'ratelimits', 'policies', 'policyreads']

// The settings a school may choose (README "Settings"). Change them here, in main.parameters.json, never in the
// portal: every deployment writes all the app settings again, so a value changed in the portal goes back.
@description('Concern reports are deleted this many calendar months after they are closed; an open one, acknowledged or not, is kept (REPORT_RETENTION_MONTHS).')
@minValue(1)
@maxValue(120)
param reportRetentionMonths int = 24

@description('Questions staff asked (their words, name and Entra id, the answer and any reply) are deleted this many calendar months after they were asked, or after the reply to one passed to the headteacher; one still waiting for its reply is kept (QUESTION_RETENTION_MONTHS).')
@minValue(1)
@maxValue(120)
param questionRetentionMonths int = 12

@description('Concern reports one person may send in 24 hours (REPORT_LIMIT_PER_DAY).')
@minValue(1)
@maxValue(100)
param reportLimitPerDay int = 5

@description('Escalations of concern reports one person may make in 24 hours (ESCALATION_LIMIT_PER_DAY).')
@minValue(1)
@maxValue(100)
param escalationLimitPerDay int = 10

@description('Permission requests one person may send in 24 hours (PERMISSION_LIMIT_PER_DAY).')
@minValue(1)
@maxValue(100)
param permissionLimitPerDay int = 10

@description('Questions one person may pass to the headteacher in 24 hours (QUESTION_LIMIT_PER_DAY).')
@minValue(1)
@maxValue(100)
param questionLimitPerDay int = 10

@description('Replies to passed-on questions one person may send in 24 hours (REPLY_LIMIT_PER_DAY).')
@minValue(1)
@maxValue(1000)
param replyLimitPerDay int = 50

@description('Questions one person may type to the bot in 24 hours (TYPED_QUESTION_LIMIT_PER_DAY).')
@minValue(1)
@maxValue(1000)
param typedQuestionLimitPerDay int = 100

var suffix = uniqueString(resourceGroup().id)
var storageName = take('${toLower(replace(namePrefix, '-', ''))}${suffix}', 24)
var webAppName = '${namePrefix}-bot-${suffix}'
var botName = '${namePrefix}-azurebot-${suffix}'
var tableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-identity'
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  // checkov:skip=CKV_AZURE_35:The bot on App Service reaches the tables over the public endpoint (B1 has no fixed outbound address), and the technician's staff import runs from their own machine. Access needs an Entra sign-in with a data role: shared keys are off, TLS 1.2 only, so no key can open the data.
  // checkov:skip=CKV_AZURE_43:The name is built to the rules (lower-case letters and digits, at most 24) from namePrefix and uniqueString; checkov cannot evaluate the expression.
  name: storageName
  location: location
  kind: 'StorageV2'
  sku: {
    // A copy in the paired UK region (UK West) survives the loss of UK South; the data are megabytes.
    name: 'Standard_GRS'
  }
  properties: {
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for table in tableNames: {
  parent: tableService
  name: table
}]

resource tableAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, tableDataContributor)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', tableDataContributor)
  }
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
    workspaceCapping: {
      dailyQuotaGb: json(logDailyCapGb)
    }
  }
}

// The table service's transaction counts (no keys, no URLs). Its request logs only with tableRequestLogs: their URLs
// name staff (a concern report's reporter in its form and rate-limit keys, each recipient in the outbox's keys with
// the report's reference), so by default nobody can read from the workspace who reported whom. The record of what
// retention deleted is the audit table (reference and dates only).
resource tableLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: tableService
  name: 'table-logs'
  properties: {
    workspaceId: workspace.id
    metrics: [
      { category: 'Transaction', enabled: true }
    ]
    logs: [
      { category: 'StorageRead', enabled: tableRequestLogs }
      { category: 'StorageWrite', enabled: tableRequestLogs }
      { category: 'StorageDelete', enabled: tableRequestLogs }
    ]
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${namePrefix}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    // Only Entra tokens may send telemetry: the bot sends with its identity, granted below.
    DisableLocalAuth: true
  }
}

resource telemetryAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: insights
  name: guid(insights.id, identity.id, monitoringMetricsPublisher)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  // checkov:skip=CKV_AZURE_225:Zone redundancy needs a Premium plan with three or more instances (hundreds of pounds a month); a school bot that restarts in seconds and keeps its records and owed messages in storage does not need it.
  name: '${namePrefix}-plan'
  location: location
  kind: 'linux'
  sku: {
    name: appServiceSkuName
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  // checkov:skip=CKV_AZURE_222:Teams reaches the bot through the Bot Framework service over the internet, so the messaging endpoint must be public; every request must carry a Bot Framework token the bot validates.
  // checkov:skip=CKV_AZURE_17:The Bot Framework service presents no client certificate; it authenticates each request with a signed token the bot validates.
  // checkov:skip=CKV_AZURE_212:One instance serves a federation of about 60 staff; nothing is lost while it restarts (records and owed messages live in storage). Raise instanceCount, on a P1v3 plan, to fail over.
  name: webAppName
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'PYTHON|3.11'
      // App Service runs this as the last line of a shell script and stops the instance by sending SIGTERM to that
      // shell: `exec` makes the bot that process, so it hears the signal and finishes its turns and sends first.
      appCommandLine: 'exec python app.py'
      alwaysOn: true
      healthCheckPath: '/healthz'
      http20Enabled: true
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        { name: 'APP_ENV', value: 'production' }
        { name: 'PORT', value: '8000' }
        { name: 'WEBSITES_PORT', value: '8000' }
        { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
        { name: 'MicrosoftAppId', value: identity.properties.clientId }
        { name: 'MicrosoftAppTenantId', value: identity.properties.tenantId }
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        { name: 'AZURE_STORAGE_TABLE_ENDPOINT', value: storage.properties.primaryEndpoints.table }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'FEDERATION_JSON', value: string(federationSettings) }
        { name: 'REPORT_RETENTION_MONTHS', value: string(reportRetentionMonths) }
        { name: 'QUESTION_RETENTION_MONTHS', value: string(questionRetentionMonths) }
        { name: 'REPORT_LIMIT_PER_DAY', value: string(reportLimitPerDay) }
        { name: 'ESCALATION_LIMIT_PER_DAY', value: string(escalationLimitPerDay) }
        { name: 'PERMISSION_LIMIT_PER_DAY', value: string(permissionLimitPerDay) }
        { name: 'QUESTION_LIMIT_PER_DAY', value: string(questionLimitPerDay) }
        { name: 'REPLY_LIMIT_PER_DAY', value: string(replyLimitPerDay) }
        { name: 'TYPED_QUESTION_LIMIT_PER_DAY', value: string(typedQuestionLimitPerDay) }
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'true' }
        // The package the bot runs from is read-only: what it works out for a newly published policy version is
        // kept here, in App Service's persistent storage, shared by every instance (else each start redoes it).
        { name: 'INDEX_CACHE_FOLDER', value: '/home/data/index-cache' }
      ]
    }
  }
}

// Deployments sign in with Entra ID (`az webapp deploy`); no publishing user name or password exists.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: webApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: webApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

// HTTP access logs, the bot's own JSON log lines (never message text), platform and audit events.
resource webLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: webApp
  name: 'web-logs'
  properties: {
    workspaceId: workspace.id
    logs: [
      { category: 'AppServiceHTTPLogs', enabled: true }
      { category: 'AppServiceConsoleLogs', enabled: true }
      { category: 'AppServicePlatformLogs', enabled: true }
      { category: 'AppServiceAuditLogs', enabled: true }
      { category: 'AppServiceIPSecAuditLogs', enabled: true }
    ]
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: botSkuName
  }
  properties: {
    displayName: 'Policy Helper'
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppType: 'UserAssignedMSI'
    msaAppId: identity.properties.clientId
    msaAppTenantId: identity.properties.tenantId
    msaAppMSIResourceId: identity.id
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

output messagingEndpoint string = 'https://${webApp.properties.defaultHostName}/api/messages'
output readinessUrl string = 'https://${webApp.properties.defaultHostName}/readyz'
output botAppId string = identity.properties.clientId
output identityPrincipalId string = identity.properties.principalId
output tenantId string = identity.properties.tenantId
output webAppName string = webApp.name
output storageAccountName string = storage.name
output storageTableEndpoint string = storage.properties.primaryEndpoints.table
