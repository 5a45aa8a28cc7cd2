namespace Fulfilment.Storage;

/// <summary>
/// How the app reaches its storage account, read the way the Functions host reads <c>AzureWebJobsStorage</c>: a
/// connection string (Azurite: <c>UseDevelopmentStorage=true</c>), or an identity-based connection —
/// <c>AzureWebJobsStorage__accountName</c> (or <c>__queueServiceUri</c> and <c>__tableServiceUri</c>) with the managed
/// identity's <c>AzureWebJobsStorage__clientId</c> — so the account can have shared-key access disabled.
/// </summary>
internal sealed record StorageConnection(string? ConnectionString, Uri? QueueServiceUri, Uri? TableServiceUri, string? ClientId)
{
    public static StorageConnection From(IConfiguration configuration)
    {
        var clientId = configuration["AzureWebJobsStorage:clientId"] is { Length: > 0 } id ? id : null;
        if (configuration["AzureWebJobsStorage"] is { Length: > 0 } connectionString)
        {
            return new StorageConnection(connectionString, null, null, clientId);
        }

        var account = configuration["AzureWebJobsStorage:accountName"];
        Uri? Endpoint(string service) =>
            configuration[$"AzureWebJobsStorage:{service}ServiceUri"] is { Length: > 0 } uri ? new Uri(uri)
            : account is { Length: > 0 } ? new Uri($"https://{account}.{service}.core.windows.net")
            : null;

        var (queues, tables) = (Endpoint("queue"), Endpoint("table"));
        if (queues is null || tables is null)
        {
            throw new InvalidOperationException(
                "Storage is not configured: set AzureWebJobsStorage to a connection string (UseDevelopmentStorage=true for Azurite), " +
                "or AzureWebJobsStorage__accountName (or __queueServiceUri and __tableServiceUri) for an identity-based connection.");
        }

        return new StorageConnection(null, queues, tables, clientId);
    }
}
