// Llanidloes Schools Federation: the staff social-media policy bot in one resource group.
// App Service (Linux, Python 3.11) + Azure Bot (Teams channel) + Table storage + Application Insights,
// all reached with one user-assigned managed identity: no secret exists, so no Key Vault is needed.

@description('Short prefix for every resource name, e.g. llanpolicy.')
@minLength(3)
@maxLength(12)
param namePrefix string

@description('Azure region; UK South keeps the schools\' data in the UK.')
param location string = 'uksouth'

@description('App Service plan SKU: B1 is enough for a federation; P1v3 to scale out.')
param appServiceSkuName string = 'B1'

@description('Number of App Service instances (the bot keeps no state in the process).')
@minValue(1)
param instanceCount int = 1

@description('Azure Bot SKU: F0 is free for the Teams channel.')
@allowed(['F0', 'S1'])
param botSkuName string = 'F0'

@description('The Entra tenant of the schools (Hwb).')
param tenantId string = subscription().tenantId

@description('Tables the bot uses; created here so the bot needs only data access.')
param tableNames array = ['users', 'outbox', 'questions', 'permissions', 'permissionindex', 'reports', 'audit', 'directory']

var storageName = toLower(replace('${namePrefix}store', '-', ''))
var webAppName = '${namePrefix}-bot'
var tableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-identity'
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
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
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${namePrefix}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
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
      appCommandLine: 'python app.py'
      alwaysOn: true
      healthCheckPath: '/healthz'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        { name: 'APP_ENV', value: 'production' }
        { name: 'PORT', value: '8000' }
        { name: 'WEBSITES_PORT', value: '8000' }
        { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
        { name: 'MicrosoftAppId', value: identity.properties.clientId }
        { name: 'MicrosoftAppTenantId', value: tenantId }
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        { name: 'AZURE_STORAGE_TABLE_ENDPOINT', value: storage.properties.primaryEndpoints.table }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'FEDERATION_CONFIG', value: '/home/site/wwwroot/config/federation.json' }
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'true' }
      ]
    }
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${namePrefix}-azurebot'
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
    msaAppTenantId: tenantId
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
output botAppId string = identity.properties.clientId
output identityPrincipalId string = identity.properties.principalId
output webAppName string = webApp.name
output storageTableEndpoint string = storage.properties.primaryEndpoints.table
