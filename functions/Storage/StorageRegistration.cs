using System.Diagnostics.Metrics;
using Azure.Core;
using Azure.Storage.Queues;
using Fulfilment.Settings;
using Microsoft.Extensions.Azure;

namespace Fulfilment.Storage;

/// <summary>Storage's part of the app: the table and queue clients (each request counted), queue messages and failures, and the tables and queues made at start.</summary>
internal static class StorageRegistration
{
    /// <param name="queueSettings">host.json's queue settings (encoding, attempts), which messages are sent and read by.</param>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration, QueueExtensionSettings queueSettings)
    {
        services.AddSettings<QueueNames>(section: null);
        var storage = StorageConnection.From(configuration);
        services.AddAzureClients(clients =>
        {
            var (tableClient, queueClient) = storage.ConnectionString is { } connectionString
                ? (clients.AddTableServiceClient(connectionString), clients.AddQueueServiceClient(connectionString))
                : (clients.AddTableServiceClient(storage.TableServiceUri!), clients.AddQueueServiceClient(storage.QueueServiceUri!));
            tableClient.ConfigureOptions((o, provider) =>
                o.AddPolicy(new StorageRequestCounter(provider.GetRequiredService<IMeterFactory>(), "table"), HttpPipelinePosition.PerRetry));
            queueClient.ConfigureOptions((o, provider) =>
            {
                o.MessageEncoding = QueueMessageEncoding.None;
                o.AddPolicy(new StorageRequestCounter(provider.GetRequiredService<IMeterFactory>(), "queue"), HttpPipelinePosition.PerRetry);
            });
        });

        services.AddSingleton(queueSettings);
        services.AddSingleton<StorageSetup>();
        services.AddHostedService<StorageSetupService>();
        services.AddSingleton<QueueMessages>();
        services.AddSingleton<QueueFailureLog>();
        return services;
    }

    /// <summary>Creates tables and queues before the server or the local trigger host start.</summary>
    private sealed class StorageSetupService(StorageSetup setup) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => setup.EnsureCreatedAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
