using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Fulfilment.Local;
using Fulfilment.Storage;
using Microsoft.Extensions.Options;

namespace Fulfilment.IntegrationTests;

/// <summary>The tables and queues made at start: all of them on an empty account, only the missing ones after, in two requests when nothing is.</summary>
public sealed class StorageSetupTests
{
    [Fact]
    public async Task Setup_creates_every_table_and_queue_then_only_what_is_missing_and_costs_two_requests_when_nothing_is()
    {
        await using var azurite = await Azurite.StartAsync();
        var requests = new CountRequests(_ => true);
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(requests, HttpPipelinePosition.PerRetry);
        var queueOptions = new QueueClientOptions();
        queueOptions.AddPolicy(requests, HttpPipelinePosition.PerRetry);
        var tables = new TableServiceClient(azurite.ConnectionString, tableOptions);
        var queues = new QueueServiceClient(azurite.ConnectionString, queueOptions);
        var names = new QueueNames { OrderFulfilmentQueue = "order-fulfilment" };
        string[] expectedQueues =
        [
            "order-fulfilment", "order-fulfilment-poison", names.RedemptionRetryQueue, names.RedemptionRetryQueue + "-poison",
            names.PartnerNotificationQueue, names.PartnerNotificationQueue + "-poison", names.OpsAlertsQueue, names.StockAlertsQueue,
        ];
        var setup = new StorageSetup(tables, queues, Options.Create(names));

        await setup.EnsureCreatedAsync(default);
        Assert.Equal(TableNames.All.Order(StringComparer.Ordinal), await TableNamesAsync(tables));
        Assert.Equal(expectedQueues.Order(StringComparer.Ordinal), await QueueNamesAsync(queues));

        requests.Reset();
        await setup.EnsureCreatedAsync(default);
        Assert.Equal(2, requests.Count);

        await tables.DeleteTableAsync(TableNames.Orders);
        await queues.DeleteQueueAsync(names.OpsAlertsQueue);
        requests.Reset();
        await setup.EnsureCreatedAsync(default);
        Assert.Equal(4, requests.Count); // two lists, one table and one queue made again
        Assert.Equal(TableNames.All.Order(StringComparer.Ordinal), await TableNamesAsync(tables));
        Assert.Equal(expectedQueues.Order(StringComparer.Ordinal), await QueueNamesAsync(queues));
    }

    private static async Task<List<string>> TableNamesAsync(TableServiceClient tables)
    {
        var names = new List<string>();
        await foreach (var table in tables.QueryAsync())
        {
            names.Add(table.Name);
        }

        return names.Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<List<string>> QueueNamesAsync(QueueServiceClient queues)
    {
        var names = new List<string>();
        await foreach (var queue in queues.GetQueuesAsync())
        {
            names.Add(queue.Name);
        }

        return names.Order(StringComparer.Ordinal).ToList();
    }
}
