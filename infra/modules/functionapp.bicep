// The Flex Consumption function app: runtime `custom` (the linux-x64 handler from scripts/publish.sh), the user-assigned
// identity for storage, Key Vault and the deployment package, and every setting the app reads.
param location string
param tags object
param token string
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerUrl string
param applicationInsightsConnectionString string
param keyVaultUri string
param kekSecretName string
@description('Key Vault reference to the ops API key, resolved by the platform with the app\'s identity.')
param opsApiKeyReference string
@description('Key Vault reference to the identity hash key of the risk blocklists.')
param identityHashKeyReference string
@description('The vault holding the supplier secrets (docs/suppliers.md), referenced by name.')
param keyVaultName string
@description('Which suppliers to configure: reloadlyClientId (empty = none), reloadlyLive, dtone, dtoneLive, callbackBaseUrl (empty = polling only).')
param suppliers object
param queues object
param inventoryShardCount int
param maximumInstanceCount int

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-fulfil-${token}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

// A supplier's settings exist only when it is configured: a supplier section the app finds is one it must reach.
var secretReference = 'VaultName=${keyVaultName};SecretName='
var reloadlySettings = empty(suppliers.reloadlyClientId) ? [] : [
  { name: 'Suppliers__reloadly__Protocol', value: 'reloadly' }
  { name: 'Suppliers__reloadly__BaseUrl', value: suppliers.reloadlyLive ? 'https://topups.reloadly.com/' : 'https://topups-sandbox.reloadly.com/' }
  { name: 'Suppliers__reloadly__AuthUrl', value: 'https://auth.reloadly.com/' }
  { name: 'Suppliers__reloadly__ClientId', value: suppliers.reloadlyClientId }
  { name: 'Suppliers__reloadly__ClientSecret', value: '@Microsoft.KeyVault(${secretReference}reloadly-client-secret)' }
  // The same Reloadly account sells gift cards: card-key SKUs may buy codes from 'giftcards' when their stock runs out.
  { name: 'Suppliers__giftcards__Protocol', value: 'reloadly-giftcards' }
  { name: 'Suppliers__giftcards__BaseUrl', value: suppliers.reloadlyLive ? 'https://giftcards.reloadly.com/' : 'https://giftcards-sandbox.reloadly.com/' }
  { name: 'Suppliers__giftcards__AuthUrl', value: 'https://auth.reloadly.com/' }
  { name: 'Suppliers__giftcards__ClientId', value: suppliers.reloadlyClientId }
  { name: 'Suppliers__giftcards__ClientSecret', value: '@Microsoft.KeyVault(${secretReference}reloadly-client-secret)' }
]
var dtoneSettings = !suppliers.dtone ? [] : concat([
  { name: 'Suppliers__dtone__Protocol', value: 'dtone' }
  { name: 'Suppliers__dtone__BaseUrl', value: suppliers.dtoneLive ? 'https://dvs-api.dtone.com/v1/' : 'https://preprod-dvs-api.dtone.com/v1/' }
  { name: 'Suppliers__dtone__ApiKey', value: '@Microsoft.KeyVault(${secretReference}dtone-api-key)' }
  { name: 'Suppliers__dtone__ApiSecret', value: '@Microsoft.KeyVault(${secretReference}dtone-api-secret)' }
  { name: 'Suppliers__dtone__AutoConfirm', value: 'true' }
], empty(suppliers.callbackBaseUrl) ? [] : [
  { name: 'Suppliers__dtone__CallbackBaseUrl', value: suppliers.callbackBaseUrl }
  { name: 'Suppliers__dtone__CallbackSecret', value: '@Microsoft.KeyVault(${secretReference}supplier-callback-secret)' }
])
var coreSettings = [
  // The Functions host and the app reach storage by identity (the account has shared keys disabled).
  { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsightsConnectionString }
  { name: 'OrderFulfilmentQueue', value: queues.orderFulfilment }
  { name: 'FulfilmentSendTimeoutSeconds', value: '10' }
  { name: 'RedemptionRetryQueue', value: queues.redemptionRetries }
  { name: 'PartnerNotificationQueue', value: queues.partnerNotifications }
  { name: 'OpsAlertsQueue', value: queues.opsAlerts }
  { name: 'StockAlertsQueue', value: queues.stockAlerts }
  { name: 'KeyVault__Uri', value: keyVaultUri }
  { name: 'KeyVault__KekSecretName', value: kekSecretName }
  { name: 'Ops__ApiKey', value: opsApiKeyReference }
  { name: 'Ops__ReplayCap', value: '3' }
  { name: 'Inventory__ShardCount', value: string(inventoryShardCount) }
  { name: 'Webhooks__ToleranceSeconds', value: '300' }
  { name: 'PartnerApi__RequestsPerSecond', value: '50' }
  { name: 'PartnerApi__SourceRequestsPerSecond', value: '200' }
  { name: 'Notifications__MaxAttempts', value: '8' }
  { name: 'Notifications__FirstDelaySeconds', value: '5' }
  { name: 'Notifications__MaxDelaySeconds', value: '3600' }
  { name: 'Notifications__TimeoutSeconds', value: '10' }
  { name: 'SupplierDelivery__ReconcileFirstDelaySeconds', value: '2' }
  { name: 'SupplierDelivery__ReconcileMaxDelaySeconds', value: '300' }
  { name: 'SupplierDelivery__ReconcileDeadlineMinutes', value: '60' }
  { name: 'SupplierDelivery__RedemptionMaxAttempts', value: '5' }
  { name: 'OrderSweep__QuietSeconds', value: '30' }
  { name: 'OrderOpening__PaymentWindowSeconds', value: '900' }
  { name: 'OrderOpening__MaxHeldOrdersPerBuyer', value: '3' }
  { name: 'Risk__IdentityHashKey', value: identityHashKeyReference }
  { name: 'Risk__ReviewDeadlineMinutes', value: '240' }
  { name: 'Egress__AllowPrivateNetworks', value: 'false' }
  { name: 'OrderSweep__DeadlineGraceMinutes', value: '10' }
]

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-fulfil-${token}'
  location: location
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: concat(coreSettings, reloadlySettings, dtoneSettings)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'custom'
        version: '1.0'
      }
    }
  }
}

output name string = site.name
output url string = 'https://${site.properties.defaultHostName}'
