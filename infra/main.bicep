// Fulfilment on Azure: a Flex Consumption function app (custom handler, linux-x64) whose user-assigned identity reaches
// storage (shared keys disabled) and Key Vault (RBAC) with the least roles it needs. Deployed by `azd up`.
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(40)
@description('azd environment name: names and tags every resource.')
param environmentName string

@description('Where everything runs.')
param location string = resourceGroup().location

@secure()
@description('The first KEK: base64 of 32 random bytes (openssl rand -base64 32). Stored as the Key Vault secret; never output.')
param initialKek string

@secure()
@description('The ops API key (at least 16 characters).')
param opsApiKey string

@secure()
@description('The key of the keyed hashes that stand for blocklisted e-mails, phones and accounts: base64 of 32 random bytes (openssl rand -base64 32). Never change it once blocklists are saved.')
param identityHashKey string

@description('Reloadly top-ups (docs/suppliers.md): the OAuth2 client id; empty = no Reloadly supplier.')
param reloadlyClientId string = ''

@secure()
@description('Reloadly: the OAuth2 client secret. Stored as a Key Vault secret.')
param reloadlyClientSecret string = ''

@description('Reloadly: the live API (true) or its sandbox (false).')
param reloadlyLive bool = false

@secure()
@description('DT One DVS top-ups (docs/suppliers.md): the API key; empty = no DT One supplier. Stored as a Key Vault secret.')
param dtoneApiKey string = ''

@secure()
@description('DT One: the API secret. Stored as a Key Vault secret.')
param dtoneApiSecret string = ''

@description('DT One: the live API (true) or its pre-production sandbox (false).')
param dtoneLive bool = false

@description('The app\'s public base URL (e.g. https://fulfil.example.com/) to which DT One posts final statuses; empty = polling only.')
param publicBaseUrl string = ''

@secure()
@description('The key (at least 32 characters) that signs the callback URLs given to DT One. Stored as a Key Vault secret.')
param supplierCallbackSecret string = ''

@description('Partitions per new card-key SKU.')
@minValue(1)
@maxValue(64)
param inventoryShardCount int = 4

@description('Most instances the app may scale out to.')
param maximumInstanceCount int = 100

var token = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = { 'azd-env-name': environmentName }
var queues = {
  orderFulfilment: 'order-fulfilment'
  redemptionRetries: 'redemption-retries'
  partnerNotifications: 'partner-notifications'
  opsAlerts: 'ops-alerts'
  stockAlerts: 'stock-alerts'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-fulfil-${token}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    token: token
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    token: token
    queueNames: [for q in items(queues): q.value]
    principalId: identity.properties.principalId
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    tags: tags
    token: token
    initialKek: initialKek
    opsApiKey: opsApiKey
    identityHashKey: identityHashKey
    supplierSecrets: {
      'reloadly-client-secret': reloadlyClientSecret
      'dtone-api-key': dtoneApiKey
      'dtone-api-secret': dtoneApiSecret
      'supplier-callback-secret': empty(publicBaseUrl) ? '' : supplierCallbackSecret
    }
    principalId: identity.properties.principalId
  }
}

module app 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    tags: tags
    token: token
    identityId: identity.id
    identityClientId: identity.properties.clientId
    storageAccountName: storage.outputs.accountName
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    keyVaultUri: vault.outputs.vaultUri
    kekSecretName: vault.outputs.kekSecretName
    opsApiKeyReference: vault.outputs.opsApiKeyReference
    identityHashKeyReference: vault.outputs.identityHashKeyReference
    keyVaultName: vault.outputs.vaultName
    suppliers: {
      reloadlyClientId: reloadlyClientId
      reloadlyLive: reloadlyLive
      dtone: !empty(dtoneApiKey)
      dtoneLive: dtoneLive
      callbackBaseUrl: empty(supplierCallbackSecret) ? '' : publicBaseUrl
    }
    queues: queues
    inventoryShardCount: inventoryShardCount
    maximumInstanceCount: maximumInstanceCount
  }
}

output AZURE_FUNCTION_APP_NAME string = app.outputs.name
output FULFIL_URL string = app.outputs.url
output AZURE_KEY_VAULT_URI string = vault.outputs.vaultUri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.accountName
