using Azure.Data.Tables;
using Azure.Storage.Queues;
using Fulfilment.Local;

namespace Fulfilment.IntegrationTests;

/// <summary>One in-memory Azurite on free loopback ports for the whole test run, stopped by its pid at the end.</summary>
public sealed class StorageFixture : IAsyncLifetime
{
    private Azurite? azurite;

    public string ConnectionString => azurite?.ConnectionString ?? throw new InvalidOperationException("Azurite is not running.");

    public TableServiceClient Tables => new(ConnectionString);

    public QueueServiceClient Queues => new(ConnectionString);

    public async Task InitializeAsync() => azurite = await Azurite.StartAsync();

    public async Task DisposeAsync()
    {
        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class StorageCollection : ICollectionFixture<StorageFixture>
{
    public const string Name = "Azurite";
}
