// Key Vault with RBAC: holds the KEK as a secret (versions are KEK versions), the ops API key and the risk rules' identity hash key. The app's identity may
// read secrets only.
param location string
param tags object
param token string
@secure()
param initialKek string
@secure()
param opsApiKey string
@secure()
param identityHashKey string
@secure()
@description('Supplier credentials by secret name; an empty one is not stored (that supplier is not configured).')
param supplierSecrets object
param principalId string

var kekSecretName = 'card-key-kek'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-fulfil-${take(token, 13)}'
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
  }
}

resource kek 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: kekSecretName
  properties: {
    value: initialKek
    contentType: 'base64 of a 32-byte key-encryption key'
  }
}

resource opsKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'ops-api-key'
  properties: {
    value: opsApiKey
  }
}

resource identityKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'risk-identity-hash-key'
  properties: {
    value: identityHashKey
    contentType: 'base64 of a 32-byte HMAC key'
  }
}

resource supplierSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [for secret in items(supplierSecrets): if (!empty(secret.value)) {
  parent: vault
  name: secret.key
  properties: {
    value: secret.value
  }
}]

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, principalId, keyVaultSecretsUser)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

output vaultUri string = vault.properties.vaultUri
output vaultName string = vault.name
output kekSecretName string = kek.name
@description('A Key Vault reference to the ops API key, for the app setting (the reference, not the key).')
output opsApiKeyReference string = '@Microsoft.KeyVault(SecretUri=${opsKey.properties.secretUri})'
@description('A Key Vault reference to the identity hash key of the risk blocklists, for the app setting.')
output identityHashKeyReference string = '@Microsoft.KeyVault(SecretUri=${identityKey.properties.secretUri})'
